"""`--lang` is a language the app ships, spelt as its catalogs are; anything else is refused, with a
hint, rather than an English page tagged with whatever was typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyprivacy.cli import main

NOTICE = "essex/childrens-services"


@pytest.mark.parametrize(("lang", "hint"), [("xx", ""), ("../../etc", ""), ("PL", "Did you mean pl?"),
                                            ("pl_PL", "Did you mean pl?"), ("", "")])
def test_render_refuses_a_language_it_does_not_ship(lang: str, hint: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    assert main(["render", NOTICE, "--lang", lang, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"no language {lang!r}" in err and hint in err and "Known: ar, bn, en" in err
    assert not out.exists()


@pytest.mark.parametrize("lang", ["en", "pl", "ur"])
def test_render_writes_a_page_tagged_with_a_shipped_language(lang: str, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["render", NOTICE, "--lang", lang, "-o", str(out)]) == 0
    assert f'lang="{lang}"' in out.read_text("utf-8")
