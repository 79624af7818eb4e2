"""The family's summary as a PDF: their language, their choices, right-to-left where it should be,
the QR code, and never a copy in the app's own folders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from familyprivacy import i18n, paths, summary
from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Interpreter, Visit, Worker, utc_now
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import NoticeView, localize
from familyprivacy.i18n import _
from familyprivacy.ui.app import application
from familyprivacy.ui.summary_pdf import SummaryPathRefused, document, write_pdf
from tests.test_record_flow import NOTICE


def build(lang: str, website: str = "") -> tuple[NoticeView, summary.Summary]:
    application()
    i18n.set_language(lang)
    notice = load_all().by_id(NOTICE)
    if website:
        notice = dataclasses.replace(notice, council=dataclasses.replace(notice.council, website=website))
    view = localize(notice, lang)
    visit = Visit(council_id="stockton-on-tees", notice_id=NOTICE, case_reference="CH-1",
                  grantors=(Grantor("g1", "Amelia Nowak", "mother"),), children=(Child("c1", "Zofia"),),
                  worker=Worker("Sam Carter", "sam-carter"), started_at=utc_now(), ended_at=None,
                  language=lang, content_fingerprint=view.fingerprint, interpreter=Interpreter())
    decisions = {c.id: Decision(visit_id=visit.visit_id, choice_id=c.id, kind=c.kind,
                                status="refused" if c.kind != "information-only" else "given",
                                grantor_ids=("g1",), child_ids=("c1",), capture=Capture("verbal", None, "W"),
                                recorded_by="sam-carter", language=lang, content_fingerprint=view.fingerprint)
                 for c in notice.choices}
    return view, summary.build(view, visit, decisions)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_english_pdf_has_the_choices_and_how_to_change_them(qtbot: QtBot, tmp_path: Path) -> None:
    view, result = build("en")
    out = write_pdf(result, "en", tmp_path / "summary")
    assert out.name == "summary.pdf" and not list(tmp_path.glob("*.part"))
    lines = [line.strip() for line in pdf_text(out).splitlines()]
    assert "No" in lines  # the answer to the referral, on its own line
    text = " ".join(pdf_text(out).split())
    assert "Your choices" in text and "Sam Carter" in text and "Amelia Nowak (mother)" in text
    referral = view.choices[0]
    assert referral.title.text in text
    assert "Changing your mind" in text and "We explained this to you" in text
    assert "Information Commissioner" in text


def test_pdf_in_the_familys_language(qtbot: QtBot, tmp_path: Path) -> None:
    view, result = build("pl")
    heading = _("Your choices")
    assert heading != "Your choices"  # Polish is translated: the PDF must carry the Polish
    text = " ".join(pdf_text(write_pdf(result, "pl", tmp_path / "pl.pdf")).split())
    assert heading in text
    assert view.choices[0].title.text in text


def _heading_x(path: Path, heading: str) -> tuple[float, float]:
    page = PdfReader(path).pages[0]
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_args: object) -> None:
        if text.strip() and not found:
            found.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    return found[0], float(page.mediabox.width)


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_right_to_left_summary_is_laid_out_right_to_left(qtbot: QtBot, tmp_path: Path, lang: str) -> None:
    _view, result = build(lang)
    assert result.rtl
    doc = document(result, lang)
    assert doc.defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft
    first = doc.begin()
    assert first.layout().lineCount() == 0 or first.textDirection() == Qt.LayoutDirection.RightToLeft
    out = write_pdf(result, lang, tmp_path / f"{lang}.pdf")
    x, width = _heading_x(out, _("Your choices"))
    assert x > width / 2  # the heading starts on the right half of the page


def test_left_to_right_heading_starts_on_the_left(qtbot: QtBot, tmp_path: Path) -> None:
    _view, result = build("en")
    x, width = _heading_x(write_pdf(result, "en", tmp_path / "en.pdf"), "Your choices")
    assert x < width / 4


def test_qr_code_is_in_the_pdf_where_the_notice_gives_an_address(qtbot: QtBot, tmp_path: Path) -> None:
    _view, result = build("en", website="https://www.example.gov.uk/privacy")
    out = write_pdf(result, "en", tmp_path / "qr.pdf")
    images = []
    for page in PdfReader(out).pages:
        xobjects = page["/Resources"].get_object().get("/XObject")
        for ref in (xobjects.get_object().values() if xobjects else []):
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                images.append((int(obj["/Width"]), int(obj["/Height"])))
    assert len(images) == 1 and images[0][0] == images[0][1] > 50  # the square QR code
    assert "https://www.example.gov.uk/privacy" in pdf_text(out)


def test_never_in_the_apps_own_folders(qtbot: QtBot, tmp_path: Path) -> None:
    _view, result = build("en")
    for folder in (paths.data_dir(), paths.cache_dir(), paths.data_dir() / "workers"):
        folder.mkdir(parents=True, exist_ok=True)
        with pytest.raises(SummaryPathRefused, match="own folder"):
            write_pdf(result, "en", folder / "summary.pdf")
    link = tmp_path / "sneaky"
    link.symlink_to(paths.data_dir())
    with pytest.raises(SummaryPathRefused):
        write_pdf(result, "en", link / "summary.pdf")
    with pytest.raises(SummaryPathRefused, match="does not exist"):
        write_pdf(result, "en", tmp_path / "missing" / "summary.pdf")
    assert not list(paths.data_dir().rglob("*.pdf")) and not list(paths.cache_dir().rglob("*.pdf"))


def test_save_dialog_refuses_the_apps_folder_and_asks_again(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from familyprivacy.ui import summary_pdf

    _view, result = build("en")
    answers = iter([str(paths.data_dir() / "summary.pdf"), str(tmp_path / "family.pdf")])
    warnings: list[str] = []
    monkeypatch.setattr(summary_pdf.QFileDialog, "getSaveFileName",
                        lambda *_args: (next(answers), "PDF files (*.pdf)"))
    monkeypatch.setattr(summary_pdf.QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    saved = summary_pdf.save_with_dialog(result, "en", None)
    assert saved == tmp_path / "family.pdf" and saved.is_file()
    assert len(warnings) == 1 and "own folder" in warnings[0]
    assert not (paths.data_dir() / "summary.pdf").exists()
    monkeypatch.setattr(summary_pdf.QFileDialog, "getSaveFileName", lambda *_args: ("", ""))
    assert summary_pdf.save_with_dialog(result, "en", None) is None  # cancelled


def test_printing_goes_through_the_print_dialog(qtbot: QtBot, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QDialog

    from familyprivacy.ui import summary_pdf

    _view, result = build("en")
    target = {"file": str(tmp_path / "printed.pdf"), "answer": QDialog.DialogCode.Accepted}

    class FakeDialog:
        """The system's dialog, answered as a worker would: 'print to file', or cancel."""

        def __init__(self, printer: QPrinter, _parent: object) -> None:
            self.printer = printer

        def setWindowTitle(self, _title: str) -> None:
            pass

        def exec(self) -> QDialog.DialogCode:
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(target["file"])
            return target["answer"]

    monkeypatch.setattr(summary_pdf, "QPrintDialog", FakeDialog)
    assert summary_pdf.print_with_dialog(result, "en", None)
    assert "Your choices" in " ".join(pdf_text(tmp_path / "printed.pdf").split())
    target["answer"] = QDialog.DialogCode.Rejected
    target["file"] = str(tmp_path / "cancelled.pdf")
    assert not summary_pdf.print_with_dialog(result, "en", None)
    assert not (tmp_path / "cancelled.pdf").exists()
    warnings: list[str] = []
    monkeypatch.setattr(summary_pdf.QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    target["answer"] = QDialog.DialogCode.Accepted
    target["file"] = str(paths.data_dir() / "printed.pdf")
    assert not summary_pdf.print_with_dialog(result, "en", None)
    assert warnings and not (paths.data_dir() / "printed.pdf").exists()


def test_summary_after_a_withdrawal_shows_it_its_date_the_history_and_each_signature(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The family's record, read later from Records: in Polish, each person's signature as drawn,
    the withdrawal with its date, what was decided before, and no 'you can take it back' for what
    was already taken back."""
    from familyprivacy.consent.model import Signer, answers_digest

    application()
    notice = load_all().by_id(NOTICE)
    view = localize(notice, "pl")
    i18n.set_language("en")  # the interface is the worker's now; the summary stays the family's
    visit = Visit(council_id="stockton-on-tees", notice_id=NOTICE, case_reference="CH-1",
                  grantors=(Grantor("g1", "Amelia Nowak", "mother"), Grantor("g2", "Piotr Nowak", "father")),
                  children=(Child("c1", "Zofia"),), worker=Worker("Sam Carter", "sam-carter"),
                  started_at="2026-05-03T10:00:00Z", ended_at=None, language="pl",
                  content_fingerprint=view.fingerprint, interpreter=Interpreter())
    referral = next(c for c in notice.choices if c.kind != "information-only")
    answers = {c.id: "given" for c in notice.choices}
    digest = answers_digest(view.fingerprint, answers, ("g1", "g2"))
    signed = Capture("signature", signers=(
        Signer("g1", (((10.0, 10.0, 0.0), (60.0, 40.0, 20.0)),), digest),
        Signer("g2", (((15.0, 30.0, 0.0), (80.0, 20.0, 30.0)),), digest)))
    given = Decision(visit_id=visit.visit_id, choice_id=referral.id, kind=referral.kind, status="given",
                     grantor_ids=("g1", "g2"), child_ids=("c1",), capture=signed, recorded_by="sam-carter",
                     language="pl", content_fingerprint=view.fingerprint, recorded_at="2026-05-03T10:30:00Z")
    withdrawn = Decision(visit_id=visit.visit_id, choice_id=referral.id, kind=referral.kind,
                         status="withdrawn", grantor_ids=("g2",), child_ids=("c1",),
                         capture=Capture("verbal", None, "Sam Carter"), recorded_by="sam-carter",
                         language="pl", content_fingerprint=view.fingerprint, replaces=given.decision_id,
                         reason="Asked by phone", recorded_at="2026-06-12T09:00:00Z")
    first = summary.build(view, visit, {referral.id: given}, [given])
    assert set(first.signatures) == {"signature-g1.png", "signature-g2.png"}
    assert 'src="signature-g1.png"' in first.html and 'src="signature-g2.png"' in first.html
    later = summary.build(view, visit, {referral.id: withdrawn}, [given, withdrawn])
    catalog = i18n.catalogs()

    def pl(message: str) -> str:
        return catalog.lookup("familyprivacy", message, None, "pl").text

    text = " ".join(pdf_text(write_pdf(later, "pl", tmp_path / "later.pdf")).split())
    assert pl("Withdrawn") in text and pl("Withdrawn") != "Withdrawn"
    assert "12 czerwca 2026" in text, "the withdrawal's date, in Polish"
    assert "3 maja 2026" in text, "what was decided before, with its date"
    assert pl("You took this back. You can decide again at any time: tell your worker.") in text
    assert pl("Changing your mind") not in text, "nothing left to take back: no 'how to take it back'"
    first_pdf = PdfReader(write_pdf(first, "pl", tmp_path / "first.pdf"))
    assert sum(len(page.images) for page in first_pdf.pages) == 2, "each person's signature, drawn"
    signed_text = " ".join(pdf_text(tmp_path / "first.pdf").split())
    assert "Amelia Nowak" in signed_text and "Piotr Nowak" in signed_text
    assert "Your choices" not in text and pl("Your choices") in text, "the family's language"


def test_right_to_left_summary_is_mirrored_and_its_time_reads_whole(qtbot: QtBot) -> None:
    """In Urdu the summary's table puts each label on the right, names are isolated, and the time is
    an isolated left-to-right run, so '3:51 AM' never shows as 'AM 3:51'."""
    _view, result = build("ur")
    html = result.html
    row = next(r for r in html.split("<tr>") if "Sam Carter" in r)
    assert row.index("Sam Carter") < row.index(_("Your worker")), "the label is the last (rightmost) cell"
    assert "\u2068Sam Carter\u2069" in html and "\u2068Amelia Nowak\u2069" in html
    assert "\u2066" in html and "\u2069" in html.split("\u2066", 1)[1]
    assert "h1, h2, h3, b, .status { font-weight: normal; }" in html, "Nastaliq is never set bold"
    _view, english = build("en")
    assert "\u2068" not in english.html and "\u2066" in english.html
    assert "font-weight: normal" not in english.html


def test_the_councils_contact_details_are_in_the_familys_language_around_the_names(
        qtbot: QtBot, tmp_path: Path) -> None:
    """How to reach the DPO, the council and the ICO: the sentences in Polish, every name, address,
    number and e-mail address exactly as the notice gives them."""
    view, result = build("pl")
    notice = load_all().by_id(NOTICE)
    for field in ("dpo", "contact", "ico"):
        shown = view.council_text[field]
        assert shown.language == "pl" and shown.text != getattr(notice.council, field), field
    assert "Martin Skipsey" in view.council_text["dpo"].text
    assert "foiandcomplaints@stockton.gov.uk" in view.council_text["contact"].text
    assert "SK9 5AF" in view.council_text["ico"].text and "0303 123 1113" in view.council_text["ico"].text
    text = " ".join(pdf_text(write_pdf(result, "pl", tmp_path / "pl.pdf")).split())
    assert "The notice names the Data Protection Officer" not in text and "Martin Skipsey" in text
    assert "It gives no e-mail" not in text
