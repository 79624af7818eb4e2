"""A council the app has never carried, the whole route: its notice imported from the Word document
it publishes, completed in English, checked, and shipped with no translations; a family who
chooses Polish or Urdu sees every part, each untranslated part honestly marked."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from familyprivacy import i18n
from familyprivacy.cli import main
from familyprivacy.content.check import check_notice, ready_notices
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.content.render import render_html
from familyprivacy.i18n.coverage import notice_coverage
from tests import notice_forms

# What an officer writes in place of each kind of TODO (plain, short sentences).
WRITTEN = {
    "name": "Newtown Borough Council",
    "controller": "Newtown Borough Council is the data controller.",
    "dpo": "The notice gives no contact for the Data Protection Officer.",
    "contact": "The notice gives no contact for questions about it.",
    "ico": "The notice does not give the ICO contact.",
    "title": "What this part says",
    "plain": "We are Newtown Borough Council. We explain this part of our notice here.",
    "note": "The notice does not say this.",
}


def _complete_in_english(draft: str) -> str:
    def written(match: re.Match[str]) -> str:
        return f'{match.group(1)} = "{WRITTEN[match.group(1)]}"'

    return re.sub(r'^(\w+) = "TODO(?:[^"\\]|\\.)*"$', written, draft, flags=re.MULTILINE)


@pytest.fixture(autouse=True)
def _english_afterwards() -> object:
    yield
    i18n.set_language("en")


def test_a_new_council_imported_completed_in_english_and_shipped(
        resources_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published = notice_forms.write_docx(notice_forms.notice_model(
        resources_copy / "notices" / "redcar-and-cleveland" / "early-help.toml"), tmp_path / "notice.docx")
    folder = resources_copy / "notices" / "newtown"
    assert main(["notice", "import", str(published), "--council", "newtown", "--notice", "early-help",
                 "--out", str(folder)]) == 0
    toml = folder / "early-help.toml"

    # The draft is not ready, and no family is offered it.
    draft = next(n for n in load_all().notices if n.id == "newtown/early-help")
    todos = check_notice(draft).todos
    assert len(todos) > 20
    assert draft not in ready_notices(load_all().notices)
    assert main(["check", str(toml)]) == 1
    assert f"not ready: {len(todos)} TODOs" in capsys.readouterr().out

    # Completed in English, it passes the check and is offered, with no translation declared.
    toml.write_text(_complete_in_english(toml.read_text("utf-8")), "utf-8")
    assert "TODO" not in re.sub(r"^#.*$", "", toml.read_text("utf-8"), flags=re.MULTILINE)
    assert main(["check", str(toml)]) == 0, capsys.readouterr().out
    shipped = next(n for n in load_all().notices if n.id == "newtown/early-help")
    assert shipped.translated == () and shipped in ready_notices(load_all().notices)

    # Nothing of it is translated, and the family's page says so, part by part, in their language.
    for lang in ("pl", "ur"):
        assert notice_coverage(shipped, lang).percent == 0.0
        i18n.set_language(lang)
        page = html.unescape(render_html(localize(shipped, lang)))
        marked = i18n._("This part has not been translated yet, so it is shown in English.")
        assert page.count(marked) >= len(shipped.sections)
        paragraphs = re.findall(r"<p([^>]*)>We are Newtown Borough Council", page)
        assert len(paragraphs) == len(shipped.sections) and all('lang="en"' in p for p in paragraphs)


def test_a_notice_cannot_claim_a_translation_it_does_not_have(
        resources_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = resources_copy / "notices" / "essex" / "childrens-services.toml"
    text = toml.read_text("utf-8")
    changed = text.replace("Teams that keep children safe", "The teams that keep children safe", 1)
    assert changed != text
    toml.write_text(changed, "utf-8")
    assert main(["check", str(toml)]) == 1
    out = capsys.readouterr().out
    assert "translated: lists ar, but 1 of" in out and "take ar off the list" in out
    toml.write_text(re.sub(r"^translated = .*$", "translated = []", changed, flags=re.MULTILINE), "utf-8")
    assert main(["check", str(toml)]) == 0
