"""`--lang` is a language the app ships, in any case and with or without a region (with a note);
anything else is refused with the known codes, rather than an English page tagged with whatever was
typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyprivacy.cli import main

NOTICE = "essex/childrens-services"


@pytest.mark.parametrize("lang", ["xx", "../../etc", "", "pl-", "fr", "pl_PL_x", "English"])
def test_render_refuses_a_language_it_does_not_ship(lang: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    assert main(["render", NOTICE, "--lang", lang, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"no language {lang!r}" in err and "Known: ar, bn, en" in err
    assert not out.exists()


@pytest.mark.parametrize("lang", ["PL", "pl_PL", "pl-PL", "Pl-pl"])
def test_render_takes_a_known_language_in_another_spelling_with_a_note(
        lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    assert main(["render", NOTICE, "--lang", lang, "-o", str(out)]) == 0
    assert f"{lang!r} is taken as 'pl'" in capsys.readouterr().err
    assert 'lang="pl"' in out.read_text("utf-8")


@pytest.mark.parametrize("lang", ["en", "pl", "ur"])
def test_render_writes_a_page_tagged_with_a_shipped_language(lang: str, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["render", NOTICE, "--lang", lang, "-o", str(out)]) == 0
    assert f'lang="{lang}"' in out.read_text("utf-8")
