"""Sign-off: a person approves a notice's English content, or one translation, exactly as it stands.

The round trip: sign, change one sentence, see it unsigned (naming the part), sign again.
Families see drafts marked until their language is signed off; a broken sign-off file is
reported and counts as unsigned.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from familyprivacy import i18n
from familyprivacy.cli import main
from familyprivacy.content import signoff
from familyprivacy.content.check import format_report, run_check
from familyprivacy.content.loader import load_notices

ROOT = Path(__file__).resolve().parent.parent
NOTICE = "stockton-on-tees/childrens-social-care"
TOML = "stockton-on-tees/childrens-social-care.toml"


@pytest.fixture
def resources(resources_copy: Path) -> Path:
    return resources_copy


def _notice(resources: Path, notice_id: str = NOTICE) -> signoff.Notice:
    return load_notices([resources / "notices"]).by_id(notice_id)


def _change_a_sentence(resources: Path) -> str:
    path = resources / "notices" / TOML
    text = path.read_text("utf-8")
    before = "We are the data controller for information about you."
    assert before in text
    path.write_text(text.replace(before, "We are in charge of information about you.", 1), "utf-8")
    notice = _notice(resources)
    return next(s.id for s in notice.sections if "We are in charge of information about you." in s.plain)


def test_sign_change_one_sentence_unsigned_sign_again(resources: Path, capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert not signoff.state(_notice(resources)).english.signed
    assert main(["sign-off", NOTICE, "--by", "Amara Okafor", "--role", "Information governance lead"]) == 0
    assert "Signed off: " + NOTICE in capsys.readouterr().out
    state = signoff.state(_notice(resources)).english
    assert state.signed and state.record and state.record.by == "Amara Okafor"
    assert "English content: signed off by Amara Okafor (Information governance lead)" in format_report(
        run_check([resources / "notices"]))

    section = _change_a_sentence(resources)
    state = signoff.state(_notice(resources)).english
    assert not state.signed
    assert state.changed == (f"section:{section}",), "only the part that changed is named"
    text = format_report(run_check([resources / "notices"]))
    assert f"changed since (section:{section}): NOT signed off now" in text

    assert main(["sign-off", NOTICE, "--by", "Amara Okafor", "--role", "Information governance lead"]) == 0
    assert signoff.state(_notice(resources)).english.signed
    records = signoff.read(resources / "notices" / "stockton-on-tees" / "childrens-social-care.signoff.toml")
    assert len(records) == 2, "the earlier sign-off stays in the file as history"


def test_a_translation_is_signed_separately_and_bound_to_the_english(resources: Path) -> None:
    assert main(["sign-off", NOTICE, "--lang", "ur", "--by", "Bilal Hussain", "--role", "Translator"]) == 0
    notice = _notice(resources)
    assert signoff.translation_signed(notice, "ur")
    assert not signoff.translation_signed(notice, "ar")
    assert not signoff.state(notice).english.signed, "the translation's sign-off is not the English's"
    _change_a_sentence(resources)  # the English a translation rests on changed: the translation is unsigned
    assert not signoff.translation_signed(_notice(resources), "ur")


def test_drafts_are_marked_until_the_language_is_signed_off(resources: Path) -> None:
    notice = _notice(resources)
    assert signoff.mark_drafts(notice, "ur", council_marks=False), "unsigned: always marked"
    assert not signoff.mark_drafts(notice, "en", council_marks=True), "English is never a draft"
    assert main(["sign-off", NOTICE, "--lang", "ur", "--by", "Bilal Hussain", "--role", "Translator"]) == 0
    notice = _notice(resources)
    assert not signoff.mark_drafts(notice, "ur", council_marks=False), "signed: the council may turn it off"
    assert signoff.mark_drafts(notice, "ur", council_marks=True)


def test_sign_off_refuses_what_cannot_be_approved(resources: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign-off", "nobody/nothing", "--by", "A", "--role", "B"]) == 2
    assert main(["sign-off", NOTICE, "--lang", "xx", "--by", "A", "--role", "B"]) == 2
    assert main(["sign-off", NOTICE, "--by", " ", "--role", "B"]) == 2
    path = resources / "notices" / TOML
    path.write_text(path.read_text("utf-8").replace(
        "We are the data controller for information about you.",
        "We are the data controller for information about you, and this sentence now goes on and on "
        "with many long words so that it is far longer than any sentence a family should have to read.",
        1), "utf-8")
    assert main(["sign-off", NOTICE, "--by", "A", "--role", "B"]) == 1
    assert "fails the check, so it cannot be signed off" in capsys.readouterr().err
    assert not (resources / "notices" / "stockton-on-tees" / "childrens-social-care.signoff.toml").exists()


@pytest.mark.parametrize("broken", [
    b"[[signoff]]\nscope = \"en\"\n",  # fields missing
    b"\xff\xfe not utf-8",
    b"[[signoff]]\nscope = \"en\"\nby = \"A\"\nrole = \"B\"\nat = \"2026-12-01T10:00:00Z\"\n"
    b"fingerprint = \"sha256:nothex\"\n",
    b"notice = 'x'\nsurprise = 1\n",
    # a time Python reads but the council's inbox (RFC 3339) would refuse in every visit that carried it
    b"[[signoff]]\nscope = \"en\"\nby = \"A\"\nrole = \"B\"\nat = \"20261201T100000Z\"\n"
    b"fingerprint = \"sha256:" + b"a" * 64 + b"\"\n",
])
def test_a_broken_signoff_file_is_reported_and_counts_as_unsigned(resources: Path, broken: bytes) -> None:
    path = resources / "notices" / "stockton-on-tees" / "childrens-social-care.signoff.toml"
    path.write_bytes(broken)
    notice = _notice(resources)
    state = signoff.state(notice, ["ur"])
    assert state.problem.startswith(str(path)) and not state.english.signed
    assert signoff.mark_drafts(notice, "ur", council_marks=False)
    report = run_check([resources / "notices"])
    assert not report.ok
    assert any(str(path) in str(e) for e in report.errors)
    assert main(["sign-off", NOTICE, "--by", "A", "--role", "B"]) == 1, "never appends to a broken file"
    assert path.read_bytes() == broken, "the broken file is left exactly as it was"


def test_review_pack_html_has_three_columns_kinds_findings_and_a_block_to_sign(resources: Path,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    assert main(["review-pack", NOTICE, "--lang", "ur", "-o", str(out)]) == 0
    html = out.read_text("utf-8")
    notice = _notice(resources)
    section = notice.sections[0]
    for column in ("The council's words", "Plain English", "Urdu"):
        assert column in html
    assert section.official.splitlines()[0].replace("'", "&#39;") in html
    i18n.set_language("ur")
    urdu_title = i18n.catalogs().lookup("content", section.title,
                                        f"{NOTICE}|section:{section.id}|title", "ur").text
    i18n.set_language("en")
    assert urdu_title != section.title and urdu_title in html
    assert 'dir="rtl"' in html and 'lang="ur"' in html
    for choice in notice.choices:
        assert choice.id in html
    assert "data consent" in html or "service agreement" in html
    assert "Checker's findings" in html and "Sign-off" in html
    assert f"familyprivacy sign-off {NOTICE} --lang ur" in html
    assert "NOT signed off" in html


def test_review_pack_pdf_is_written_and_reads_back(resources: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["review-pack", "essex/childrens-services", "-o", str(out)]) == 0
    reader = PdfReader(str(out))
    assert len(reader.pages) > 3
    text = " ".join(unicodedata.normalize("NFKC", "".join(page.extract_text() or "" for page in reader.pages))
                    .split())  # the PDF's ligatures (ﬀ) and its tabs and line ends, as plain text
    assert "Review pack" in text and "The council's words" in text and "Sign-off" in text
    assert "familyprivacy sign-off essex/childrens-services" in text


def test_po_report_gives_a_translator_each_entry_with_its_context_and_glossary(resources: Path,
                                                                              tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    out = tmp_path / "ur.po"
    assert main(["review-pack", NOTICE, "--lang", "ur", "--format", "po-report", "-o", str(out)]) == 0
    catalog = read_po(io.BytesIO(out.read_bytes()))
    entries = [m for m in catalog if m.id]
    notice = _notice(resources)
    assert len(entries) >= len(notice.sections) * 2 + len(notice.choices)
    assert all(str(m.context).startswith(f"{NOTICE}|") for m in entries)
    assert all(any(c.startswith("State: ") for c in m.auto_comments) for m in entries)
    assert any(any(c.startswith("Glossary: ") for c in m.auto_comments) for m in entries)
    assert all(m.string for m in entries), "every entry carries its Urdu"
    assert main(["review-pack", NOTICE, "--format", "po-report", "-o", str(out)]) == 2, "needs --lang"


def test_a_reviewed_entry_whose_english_changed_is_a_draft_again(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    from familyprivacy.i18n.po_update import unreview_fuzzy

    po = tmp_path / "content.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '# reviewed by A. Translator\n#, fuzzy\nmsgctxt "n|section:a|plain"\nmsgid "New English"\n'
                  'msgstr "Stara treść"\n\n'
                  '# reviewed by A. Translator\nmsgctxt "n|section:b|plain"\nmsgid "Same English"\n'
                  'msgstr "Ta sama treść"\n', "utf-8")
    assert unreview_fuzzy(po) == 1
    catalog = read_po(io.BytesIO(po.read_bytes()))
    changed = catalog.get("New English", context="n|section:a|plain")
    kept = catalog.get("Same English", context="n|section:b|plain")
    assert changed is not None and kept is not None
    assert changed.fuzzy and not changed.user_comments
    assert kept.user_comments == ["reviewed by A. Translator"]


def test_a_review_pack_for_every_notice_in_english_and_urdu(tmp_path: Path) -> None:
    from familyprivacy.content import review

    notices = load_notices([ROOT / "resources" / "notices"]).notices
    assert len(notices) >= 5
    for notice in notices:
        for lang in (None, "ur"):
            html = review.render_html(notice, lang)
            assert all(s.id in html for s in notice.sections) and all(c.id in html for c in notice.choices)
            assert ('dir="rtl"' in html) == (lang == "ur")
    out = tmp_path / "pack.pdf"
    assert main(["review-pack", "redcar-and-cleveland/early-help", "--lang", "ur", "-o", str(out)]) == 0
    assert len(PdfReader(str(out)).pages) > 5


def test_a_notice_with_todos_cannot_be_signed_off(resources: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _notice(resources).path
    assert path is not None
    text = path.read_text("utf-8")
    plain = re.search(r"^plain = '''\n", text, re.MULTILINE)
    assert plain is not None
    path.write_text(text[:plain.end()] + "TODO: say this plainly. " + text[plain.end():], "utf-8")
    assert main(["sign-off", NOTICE, "--by", "Priya Shah", "--role", "Information governance lead"]) == 1
    assert "is not ready (1 TODO; first: section " in capsys.readouterr().err
    assert not signoff.signoff_path(_notice(resources)).exists()
