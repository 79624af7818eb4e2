"""Everything the family decided, shown once more before it is saved; saving is one clear action,
and the saved state is shown so nobody can miss it.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.consent.model import Signer, answers_digest
from familyprivacy.content.localize import NoticeView
from familyprivacy.i18n import N_, W_, _, languages, worker_language
from familyprivacy.ui import access
from familyprivacy.ui.decision_flow import answer_label
from familyprivacy.ui.flow_layout import flow_row
from familyprivacy.ui.forms import FocusFirst, scrolling_column
from familyprivacy.ui.people_form import INTERPRETER_MODES, People
from familyprivacy.ui.signature_pad import SignaturePad

SAVED_STYLE = "background: #1e6b34; color: #ffffff; padding: 16px; border-radius: 6px; font-weight: bold;"
FAILED_STYLE = "background: #8c1d1d; color: #ffffff; padding: 16px; border-radius: 6px;"


def _native(code: str) -> str:
    try:
        return languages.get(code).native_name
    except KeyError:
        return code


class ReviewScreen(FocusFirst, QWidget):
    save_requested = Signal()
    back_requested = Signal()
    print_requested = Signal()
    pdf_requested = Signal()
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saved = False
        self._content: tuple[NoticeView, dict[str, str], People] | None = None
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)  # a heading wraps at large text, never cut (1.4.4)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.details.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.worker_details = QLabel()
        self.worker_details.setWordWrap(True)
        self.worker_details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.worker_details.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.worker_details.setVisible(False)
        self._english: NoticeView | None = None
        self._reading: tuple[int, int, str | None] | None = None
        # Signing comes last: each person who decided signs for themselves, under a sentence saying what
        # they sign, bound to these answers (answers_digest). Changed answers clear every signature.
        self.sign_box = QWidget()
        self.sign_layout = QVBoxLayout(self.sign_box)
        self.sign_layout.setContentsMargins(0, 8, 0, 0)
        self.sign_note = QLabel()
        self.sign_note.setWordWrap(True)
        self.sign_note.setTextFormat(Qt.TextFormat.PlainText)
        self.sign_note.setObjectName("problem")
        self.sign_note.setVisible(False)
        self.pads: dict[str, SignaturePad] = {}
        self._sign_rows: list[tuple[QLabel, QPushButton, str]] = []  # sentence, clear button, name
        self._digest: str | None = None
        self.state = access.StatusLabel()  # "Saved" or "Not saved", said as it appears
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setVisible(False)
        self.state.setAccessibleName("")
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.details)
        column.addWidget(self.worker_details)
        column.addWidget(self.sign_note)
        column.addWidget(self.sign_box)
        column.addStretch(1)
        scroll = scrolling_column(body)

        self.back = QPushButton()
        self.save = QPushButton()
        self.save.setMinimumHeight(56)
        self.save.setDefault(True)
        self.print = QPushButton()
        self.pdf = QPushButton()
        self.finish = QPushButton()
        self.back.clicked.connect(self.back_requested)
        self.save.clicked.connect(self._save_clicked)
        self.print.clicked.connect(self.print_requested)
        self.pdf.clicked.connect(self.pdf_requested)
        self.finish.clicked.connect(self.finish_requested)
        # A row that wraps: at 200% the buttons were squashed to "int the summa" (1.4.4).
        row = flow_row(self.back, None, self.print, self.pdf, self.finish, self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.heading)
        layout.addWidget(self.state)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        self.show_unsaved()

    def show_review(self, family: NoticeView, answers: dict[str, str], people: People,
                    english: NoticeView | None = None,
                    reading: tuple[int, int, str | None] | None = None) -> None:
        """``reading``: topics seen, topics in all, and the worker's reason for going on before all were
        seen (None if all were), so the review shows what was read."""
        self._content = (family, answers, people)
        self._english = english
        self._reading = reading
        grantors = tuple(g.id for g in people.grantors)
        digest = answers_digest(family.fingerprint, answers, grantors)
        signing = people.capture.method == "signature"
        if digest != self._digest or list(self.pads) != (list(grantors) if signing else []):
            signed_before = any(not pad.is_empty() for pad in self.pads.values())
            self._build_pads(people if signing else None)
            # What was signed is no longer what would be saved: everyone signs again.
            self.sign_note.setVisible(signed_before)
        self._digest = digest
        self.show_unsaved()

    def _build_pads(self, people: People | None) -> None:
        while (item := self.sign_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # gone from the screen now, not when Qt gets round to deleting it
                widget.setParent(None)
                widget.deleteLater()
        self.pads, self._sign_rows = {}, []
        for grantor in people.grantors if people is not None else ():
            sentence = QLabel()
            sentence.setWordWrap(True)
            sentence.setTextFormat(Qt.TextFormat.PlainText)
            pad = SignaturePad()
            clear = QPushButton()
            clear.setAutoDefault(False)
            clear.clicked.connect(pad.clear)
            sentence.setBuddy(pad)
            self.sign_layout.addWidget(sentence)
            self.sign_layout.addWidget(pad)
            self.sign_layout.addWidget(clear, 0, Qt.AlignmentFlag.AlignLeading)
            self.pads[grantor.id] = pad
            self._sign_rows.append((sentence, clear, grantor.name))
        self._tab_order()

    def _tab_order(self) -> None:
        """Reading order: each signature and its Clear button, then the buttons under the review."""
        chain: list[QWidget] = []
        for (_sentence, clear, _name), pad in zip(self._sign_rows, self.pads.values(), strict=True):
            chain += [pad, clear]
        chain += [self.back, self.print, self.pdf, self.finish, self.save]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def signers(self) -> tuple[Signer, ...] | None:
        """Each person's signature, bound to the answers shown; None while anyone has not signed."""
        if self._digest is None or any(pad.is_empty() for pad in self.pads.values()):
            return None
        return tuple(Signer(gid, pad.strokes(), self._digest) for gid, pad in self.pads.items())

    def show_review_cleared(self) -> None:
        """The visit is over: forget what was shown, and every signature."""
        self._content = None
        self._digest = None
        self._build_pads(None)
        self.sign_note.setVisible(False)
        self.show_unsaved()

    def _save_clicked(self) -> None:
        if not self.saved:  # one save per review, whatever the number of clicks
            self.save.setEnabled(False)
            self.save_requested.emit()

    def show_unsaved(self) -> None:
        self.saved = False
        self.state.setVisible(False)
        self._buttons()
        self.retranslate()

    def show_saved(self) -> None:
        self.saved = True
        self.state.setStyleSheet(SAVED_STYLE)
        self.state.setText("✔ " + _("Saved. These choices are stored safely on this laptop."))
        self.state.setAccessibleName(self.state.text())
        self.state.setVisible(True)
        self._buttons()
        self.retranslate()
        self.print.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_failed(self, reason: str) -> None:
        self.saved = False
        self.state.setStyleSheet(FAILED_STYLE)
        self.state.setText(_("Not saved: {reason}. Nothing has been lost: try again.").format(reason=reason))
        self.state.setAccessibleName(self.state.text())
        self.state.setVisible(True)
        self._buttons()

    def _buttons(self) -> None:
        self.save.setVisible(not self.saved)
        self.save.setEnabled(not self.saved)
        self.back.setVisible(not self.saved)
        for button in (self.print, self.pdf, self.finish):
            button.setVisible(self.saved)
        self.first_focus = self.print if self.saved else self.save

    def retranslate(self) -> None:
        self.heading.setText(_("Your choices have been saved") if self.saved
                             else _("Check everything before saving"))
        self.back.setText(_("Change something"))
        self.back.setAccessibleName(_("Go back and change something"))
        self.save.setText(_("Save these choices"))
        self.save.setAccessibleName(_("Save these choices"))
        self.print.setText(_("Print the summary"))
        self.print.setAccessibleName(self.print.text())
        self.print.setAccessibleDescription(_("Print the family's summary"))
        self.pdf.setText(_("Save the summary as PDF"))
        self.pdf.setAccessibleName(self.pdf.text())
        self.pdf.setAccessibleDescription(_("Save the family's summary as a PDF file"))
        self.finish.setText(_("Finish the visit"))
        self.finish.setAccessibleName(_("Finish the visit"))
        self.sign_note.setText(_("The answers changed after signing, so each person signs again."))
        for sentence, clear, name in self._sign_rows:
            sentence.setText(_("{name}: sign here to say that the answers above are your choices.").format(
                name=name))
            clear.setText(_("Clear the signature"))
            clear.setAccessibleName(_("Clear the signature of {name}").format(name=name))
        for (sentence, _clear, _name), pad in zip(self._sign_rows, self.pads.values(), strict=True):
            pad.label = sentence.text()  # named by the sentence shown above it, what each person signs
            pad.retranslate()
        self._draw()

    def _draw(self) -> None:
        if self._content is None:
            self.details.setText("")
            self.worker_details.setText("")
            self.worker_details.setVisible(False)
            return
        family, answers, people = self._content
        self.details.setText(self._render(family, answers, people, _, languages.is_rtl(family.language)))
        # The review is bilingual: beside the family's words, the same record in the worker's language
        # (when it is another), so the worker can read exactly what is being saved.
        worker = worker_language()
        bilingual = worker != family.language
        self.worker_details.setVisible(bilingual)
        if bilingual:
            title = W_("The same, for the worker")  # outside the f-string, so extraction finds it
            heading = f"<h3>{html.escape(title)}</h3>"
            self.worker_details.setText(heading + self._render(family, answers, people, W_,
                                                               languages.is_rtl(worker), worker=True))

    def _render(self, family: NoticeView, answers: dict[str, str], people: People,
                t: Callable[[str], str], rtl: bool, worker: bool = False) -> str:
        """The record as a table and a list, with every label in ``t``'s language. Choice titles are
        the family's (what they were shown); the worker's copy adds the English title where it differs."""

        def e(text: str) -> str:
            """Escaped, and isolated (FSI ... PDI) so a name or reference in another script keeps its
            brackets and its order inside right-to-left text."""
            return f"\u2068{html.escape(text)}\u2069" if rtl else html.escape(text)

        rows = [
            (t(N_("Notice")), f"{family.council_name} — {family.title.text}"),
            (t(N_("Language")), _native(family.language)),
            (t(N_("Case reference")), people.case_reference),
            (t(N_("Who decided")), ", ".join(t(N_("{name} ({relationship})")).format(
                name=f"\u2068{g.name}\u2069" if rtl else g.name, relationship=t(g.relationship))
                for g in people.grantors)),
            (t(N_("Children")), ", ".join(c.name for c in people.children) or t(N_("None named"))),
            (t(N_("Interpreter")), self._interpreter(people, t)),
            *([(t(N_("Topics read")), t(N_("{seen} of {total} topics seen")).format(
                seen=self._reading[0], total=self._reading[1])
                + (f" — {t(self._reading[2])}" if self._reading[2] else ""))] if self._reading else []),
            (t(N_("How")), t(N_("Each person signs below")) if people.capture.method == "signature"
             else t(N_("Said aloud, with a witness: {witness}")).format(
                 witness=people.capture.witness or "")),
        ]
        direction = "rtl" if rtl else "ltr"
        align = "right" if rtl else "left"
        # Right to left, the table is mirrored: the labels stand on the right, the values beside them
        # (Qt's rich text lays table cells out left to right whatever the direction, so the cells are
        # given in mirrored order).
        # Nastaliq (Urdu) is not set bold: its bold strokes collide; elsewhere labels are bold.
        copy_language = worker_language() if worker else family.language
        b, b_end = ("", "") if copy_language == "ur" else ("<b>", "</b>")
        parts = [f"<div dir='{direction}'><table align='{align}' cellpadding='4'>"] + [
            (f"<tr><td align='{align}'>{e(v)}</td><td align='{align}'>{b}{e(k)}{b_end}</td></tr>" if rtl
             else f"<tr><td>{b}{e(k)}{b_end}</td><td>{e(v)}</td></tr>") for k, v in rows] + ["</table>"]
        heading = t(N_("The choices"))
        parts.append(f"<h3>{e(heading)}</h3><ul>")
        english = {c.id: c.title.text for c in self._english.choices} if worker and self._english else {}
        for choice in family.choices:
            status = answers.get(choice.id)
            shown = answer_label(choice.kind, status, t) if status else t(N_("Not answered"))
            title = choice.title.text
            if english.get(choice.id) and english[choice.id] != title:
                title = f"{title} ({english[choice.id]})"
            parts.append(f"<li>{e(title)}: {b}{e(shown)}{b_end}</li>")
        parts.append("</ul></div>")
        return "".join(parts)

    @staticmethod
    def _interpreter(people: People, t: Callable[[str], str] = _) -> str:
        interp = people.interpreter
        mode = t(dict(INTERPRETER_MODES)[interp.mode])
        if interp.mode == "none":
            return mode
        name = _native(interp.language) if interp.language else ""
        return ", ".join(p for p in (mode, name, interp.reference or "") if p)
