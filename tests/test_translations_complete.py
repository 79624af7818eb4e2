"""The eight languages the app ships are complete: every interface string and every notice that
declares the language translated (its `translated` list), none stale, none rejected; and the
templates are current with the code and the notices."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from familyprivacy.content.loader import load_all
from familyprivacy.i18n import catalogs
from familyprivacy.i18n.coverage import notice_coverage, translated_languages, ui_coverage

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("pl", "ro", "pa", "ur", "pt", "es", "ar", "bn")


def _ids(pot: Path) -> set[tuple[str | None, str]]:
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


@pytest.mark.parametrize("domain", ["familyprivacy", "content"])
def test_templates_are_current(tmp_path: Path, domain: str) -> None:
    """A string added to the code or a notice without `make po` would silently stay English."""
    cfg = "babel-ui.cfg" if domain == "familyprivacy" else "babel-content.cfg"
    keywords = ["-k", "N_", "-k", "_", "-k", "W_", "-k", "ngettext:1,2", "-k", "W_ngettext:1,2",
                "-k", "pgettext:1c,2"]
    out = tmp_path / f"{domain}.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "translations" / cfg), *(keywords if domain == "familyprivacy" else []),
                    "-o", str(out), "."], cwd=ROOT, check=True, capture_output=True)
    assert _ids(out) == _ids(ROOT / "translations" / f"{domain}.pot"), "run `make po`"


def test_all_shipped_languages_have_catalogs() -> None:
    assert set(SHIPPED) <= set(translated_languages())


@pytest.mark.parametrize("lang", SHIPPED)
def test_language_is_complete(lang: str) -> None:
    catalogs().reload()
    ui = ui_coverage(lang)
    assert (ui.missing, ui.stale, ui.rejected) == ([], [], []), f"{lang} interface"
    assert ui.total > 100
    for notice in load_all().notices:
        if lang not in notice.translated:
            continue  # shipped in English first: its untranslated parts say so (test_english_first.py)
        cov = notice_coverage(notice, lang)
        assert (cov.missing, cov.stale, cov.rejected) == ([], [], []), f"{lang} {notice.id}"
        assert cov.percent == 100.0
    assert not [p for p in catalogs().problems if p.language == lang]


def test_notices_declare_only_languages_the_app_ships() -> None:
    for notice in load_all().notices:
        assert set(notice.translated) <= set(SHIPPED), notice.id
