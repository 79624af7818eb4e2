"""Who decided, for which children, how (signed on screen or said aloud before a witness), and the
interpreter. ``collect()`` gives checked model objects or a list of plain problems to fix.

Relationships are kept in English in the record (the council reads it); the form
shows them in the family's language.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.consent.model import MAX_TEXT, Capture, Child, Grantor, Interpreter
from familyprivacy.i18n import N_, W_, languages
from familyprivacy.ui import access
from familyprivacy.ui.fitting import WrappingRadio
from familyprivacy.ui.flow_layout import FlowLayout
from familyprivacy.ui.forms import (
    FocusFirst,
    scrolling_column,
    worker_direction,
    worker_locale,
)

RELATIONSHIPS = (N_("mother"), N_("father"), N_("carer"), N_("special guardian"), N_("grandparent"),
                 N_("young person"), N_("other family member"))
INTERPRETER_MODES = (("none", N_("No interpreter")), ("in-person", N_("In person")),
                     ("phone", N_("By phone")), ("video", N_("By video")))
MAX_PEOPLE = 8


@dataclass(frozen=True)
class People:
    grantors: tuple[Grantor, ...]
    children: tuple[Child, ...]
    interpreter: Interpreter
    case_reference: str
    capture: Capture


class FormProblems(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _PersonRow(QWidget):
    def __init__(self, with_relationship: bool, on_remove: Callable[[], None]) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_TEXT)
        self.relationship: QComboBox | None = None
        self.remove = QPushButton()
        self.remove.clicked.connect(on_remove)
        row = FlowLayout(self)  # wraps at large text, rather than pushing the form off the side (1.4.4)
        row.setContentsMargins(0, 0, 0, 0)
        # The field is labelled by a word shown beside it, not by its placeholder only (1.3.1).
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name)
        row.addWidget(self.name_label)
        self.name.setMinimumWidth(self.name.fontMetrics().averageCharWidth() * 12)
        row.addWidget(self.name)
        if with_relationship:
            self.relationship = QComboBox()
            row.addWidget(self.relationship)
        row.addWidget(self.remove)

    def retranslate(self, number: int) -> None:
        self.name_label.setText(W_("Name"))
        self.name.setAccessibleName(W_("Name of person {number}").format(number=number))
        if self.relationship is not None:
            current = self.relationship.currentIndex()
            self.relationship.clear()
            for key in RELATIONSHIPS:
                self.relationship.addItem(W_(key), key)
            self.relationship.setCurrentIndex(max(current, 0))
            self.relationship.setAccessibleName(W_("Relationship of person {number}").format(number=number))
        self.remove.setText(W_("Remove"))
        self.remove.setAccessibleName(W_("Remove person {number}").format(number=number))


class PeopleForm(FocusFirst, QWidget):
    next_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)  # a heading wraps at large text, never cut (1.4.4)
        # For the worker, before recording: whether the council signed off the content shown.
        self.signoff_note = QLabel()
        self.signoff_note.setWordWrap(True)
        self.signoff_note.setTextFormat(Qt.TextFormat.PlainText)
        self.signoff_note.setVisible(False)
        self.case_reference = QLineEdit()
        self.case_reference.setMaxLength(MAX_TEXT)
        self.case_label = QLabel()
        self.case_label.setBuddy(self.case_reference)

        self.people_box = QGroupBox()
        self.people_rows: list[_PersonRow] = []
        self.people_list = QVBoxLayout()
        self.add_person = QPushButton()
        self.add_person.clicked.connect(lambda: self._add_row(self.people_rows, self.people_list, True))
        people = QVBoxLayout(self.people_box)
        people.addLayout(self.people_list)
        people.addWidget(self.add_person, 0, Qt.AlignmentFlag.AlignLeading)

        self.children_box = QGroupBox()
        self.child_rows: list[_PersonRow] = []
        self.children_list = QVBoxLayout()
        self.add_child = QPushButton()
        self.add_child.clicked.connect(lambda: self._add_row(self.child_rows, self.children_list, False))
        children = QVBoxLayout(self.children_box)
        children.addLayout(self.children_list)
        children.addWidget(self.add_child, 0, Qt.AlignmentFlag.AlignLeading)

        self.interpreter_box = QGroupBox()
        self.mode = QComboBox()
        self.interpreter_language = QComboBox()
        for lang in languages.all_languages():
            self.interpreter_language.addItem(f"{lang.native_name} — {lang.english_name}", lang.code)
        self.reference = QLineEdit()
        self.reference.setMaxLength(MAX_TEXT)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.interpreter_labels = (QLabel(), QLabel(), QLabel())
        interpreter_form = QFormLayout(self.interpreter_box)
        for label, field in zip(self.interpreter_labels, (self.mode, self.interpreter_language,
                                                          self.reference), strict=True):
            label.setBuddy(field)
            interpreter_form.addRow(label, field)

        self.how_box = QGroupBox()
        self.signed = WrappingRadio()
        self.verbal = WrappingRadio()
        self.signed.setChecked(True)
        self.how_group = QButtonGroup(self)
        self.how_group.addButton(self.signed)
        self.how_group.addButton(self.verbal)
        # Signing comes last, on the review, each person under the answers they decided (ReviewScreen).
        self.witness = QLineEdit()
        self.witness.setMaxLength(MAX_TEXT)
        self.signed.toggled.connect(self._how_changed)
        how = QGridLayout(self.how_box)
        how.addWidget(self.signed, 0, 0)
        how.addWidget(self.verbal, 0, 1)
        how.setColumnStretch(0, 1)
        how.setColumnStretch(1, 1)
        # The witness's field is labelled by words shown beside it, not by its placeholder only (1.3.1).
        self.witness_label = QLabel()
        self.witness_label.setBuddy(self.witness)
        witness_row = QHBoxLayout()
        witness_row.addWidget(self.witness_label)
        witness_row.addWidget(self.witness, 1)
        how.addLayout(witness_row, 1, 0, 1, 2)

        self.problems = access.StatusLabel()  # each problem to fix is said as it appears
        self.problems.setObjectName("problem")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setVisible(False)

        body = QWidget()
        form = QVBoxLayout(body)
        form.addWidget(self.heading)
        form.addWidget(self.signoff_note)
        case_row = FlowLayout()
        case_row.addWidget(self.case_label)
        case_row.addWidget(self.case_reference)
        form.addLayout(case_row)
        for box in (self.people_box, self.children_box, self.how_box, self.interpreter_box):
            form.addWidget(box)
        form.addStretch(1)
        scroll = scrolling_column(body)

        self.back = QPushButton()
        self.back.clicked.connect(self.back_requested)
        self.next = QPushButton()
        self.next.setDefault(True)
        self.next.clicked.connect(self._next)
        for field in (self.case_reference, self.witness, self.reference):
            field.returnPressed.connect(self._next)  # Enter checks the form, as in a dialog
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.next)  # two buttons: they fit side by side at 200% too
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self.first_focus = self.case_reference
        for field in (self.case_reference, self.witness):
            field.textChanged.connect(self._recheck)
        self.verbal.toggled.connect(self._recheck)
        self.reset()

    # -- rows ----------------------------------------------------------------------------------------
    def _add_row(self, rows: list[_PersonRow], layout: QVBoxLayout, relationship: bool) -> _PersonRow | None:
        if len(rows) >= MAX_PEOPLE:
            return None
        row: _PersonRow = _PersonRow(relationship, lambda: self._remove_row(rows, layout, row))
        row.name.returnPressed.connect(self._next)
        row.name.textChanged.connect(self._recheck)
        rows.append(row)
        layout.addWidget(row)
        self.retranslate()
        row.name.setFocus()
        return row

    def _remove_row(self, rows: list[_PersonRow], layout: QVBoxLayout, row: _PersonRow) -> None:
        if rows is self.people_rows and len(rows) == 1:
            row.name.clear()  # someone must decide: the last row is emptied, not removed
            return
        rows.remove(row)
        layout.removeWidget(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        self.retranslate()

    def add_person_row(self) -> _PersonRow | None:
        return self._add_row(self.people_rows, self.people_list, True)

    def add_child_row(self) -> _PersonRow | None:
        return self._add_row(self.child_rows, self.children_list, False)

    def reset(self) -> None:
        """A new visit: nothing of the last family stays on screen."""
        for rows, layout in ((self.people_rows, self.people_list), (self.child_rows, self.children_list)):
            for row in rows:
                layout.removeWidget(row)
                row.hide()  # off the screen at once: a deleted row must not overlap the new one
                row.setParent(None)
                row.deleteLater()
            rows.clear()
        self.case_reference.clear()
        self.reference.clear()
        self.witness.clear()
        self.mode.setCurrentIndex(0)
        self.signed.setChecked(True)
        self.problems.setVisible(False)
        self.add_person_row()
        self.retranslate()

    def _tab_order(self) -> None:
        """Reading order, whatever order the rows were added in."""
        chain: list[QWidget] = [self.case_reference]
        for row in self.people_rows:
            chain += [row.name] + ([row.relationship] if row.relationship else []) + [row.remove]
        chain.append(self.add_person)
        for row in self.child_rows:
            chain += [row.name, row.remove]
        chain += [self.add_child, self.signed, self.verbal, self.witness, self.mode,
                  self.interpreter_language, self.reference, self.back, self.next]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _mode_changed(self) -> None:
        on = self.mode.currentData() not in (None, "none")
        self.interpreter_language.setEnabled(on)
        self.reference.setEnabled(on)

    def _how_changed(self) -> None:
        self.witness.setVisible(not self.signed.isChecked())
        self.witness_label.setVisible(not self.signed.isChecked())

    # -- result --------------------------------------------------------------------------------------
    def collect(self) -> People:
        """The form as model objects; raises FormProblems naming each field to fix (never its value)."""
        problems: list[str] = []
        case = self.case_reference.text().strip()
        if not case:
            problems.append(W_("Enter the case reference."))
        grantors = []
        for i, row in enumerate(self.people_rows, 1):
            name = row.name.text().strip()
            if not name:
                problems.append(W_("Enter the name of person {number}.").format(number=i))
                continue
            relationship = row.relationship.currentData() if row.relationship is not None else None
            grantors.append(Grantor(f"g{i}", name, str(relationship or "other family member")))
        children = []
        for i, row in enumerate(self.child_rows, 1):
            name = row.name.text().strip()
            if not name:
                problems.append(W_("Enter the name of child {number}, or remove that row.").format(number=i))
                continue
            children.append(Child(f"c{i}", name))
        mode = str(self.mode.currentData() or "none")
        reference = self.reference.text().strip() or None
        interpreter = (Interpreter() if mode == "none"
                       else Interpreter(mode, str(self.interpreter_language.currentData()), reference))
        if self.signed.isChecked():
            capture = Capture("signature")  # each person signs on the review, after checking their answers
        else:
            witness = self.witness.text().strip()
            capture = Capture("verbal", None, witness)
            if not witness:
                problems.append(W_("Enter the name of the witness."))
        if problems:
            raise FormProblems(problems)
        return People(tuple(grantors), tuple(children), interpreter, case, capture)

    def _recheck(self) -> None:
        """Problems once shown go as soon as their field is fixed (and only those that are fixed)."""
        if not self.problems.isVisible():
            return
        try:
            self.collect()
        except FormProblems as exc:
            self.problems.setText("\n".join(exc.problems))
            return
        self.problems.setVisible(False)

    def _next(self) -> None:
        try:
            self.collect()
        except FormProblems as exc:
            self.problems.setText("\n".join(exc.problems))
            self.problems.setVisible(True)
            return
        self.problems.setVisible(False)
        self.next_requested.emit()

    def set_signoff_note(self, text: str, unsigned: bool) -> None:
        """What the worker should know before recording: who signed off the content shown, or not."""
        self.signoff_note.setText(text)
        self.signoff_note.setObjectName("problem" if unsigned else "")
        self.signoff_note.style().unpolish(self.signoff_note)
        self.signoff_note.style().polish(self.signoff_note)
        self.signoff_note.setVisible(bool(text))

    def retranslate(self) -> None:
        self.setLayoutDirection(worker_direction())  # a worker's screen: the worker's language
        self.setLocale(worker_locale())
        self.heading.setText(W_("Who decided, and how"))
        self.case_label.setText(W_("Case reference"))
        self.case_reference.setAccessibleName(W_("Case reference"))
        self.people_box.setTitle(W_("People who decided"))
        self.add_person.setText(W_("Add another person"))
        self.add_person.setAccessibleName(W_("Add another person who decided"))
        self.add_person.setEnabled(len(self.people_rows) < MAX_PEOPLE)
        self.children_box.setTitle(W_("The children these choices are for"))
        self.add_child.setText(W_("Add a child"))
        self.add_child.setAccessibleName(W_("Add a child these choices are for"))
        self.add_child.setEnabled(len(self.child_rows) < MAX_PEOPLE)
        for i, row in enumerate(self.people_rows, 1):
            row.retranslate(i)
        for i, row in enumerate(self.child_rows, 1):
            row.retranslate(i)
            row.name.setAccessibleName(W_("Name of child {number}").format(number=i))
            row.remove.setAccessibleName(W_("Remove child {number}").format(number=i))
        self.interpreter_box.setTitle(W_("Interpreter"))
        mode = self.mode.currentIndex()
        self.mode.clear()
        for key, text in INTERPRETER_MODES:
            self.mode.addItem(W_(text), key)
        self.mode.setCurrentIndex(max(mode, 0))
        self.mode.setAccessibleDescription(W_("Was there an interpreter?"))
        self.interpreter_language.setAccessibleName(W_("The interpreter's language"))
        self.reference.setPlaceholderText(W_("Interpreter's booking or badge reference"))
        self.reference.setAccessibleName(W_("Interpreter's booking or badge reference"))
        for label, text in zip(self.interpreter_labels, (W_("How"), W_("Language"), W_("Reference")),
                               strict=True):
            label.setText(text)
        self.mode.setAccessibleName(self.interpreter_labels[0].text())
        self.how_box.setTitle(W_("How the decision was given"))
        self.signed.setText(W_("Each person signs on screen, after checking the answers"))
        self.verbal.setText(W_("Said aloud, with a witness"))
        self.witness_label.setText(W_("Name of the witness"))
        self.witness.setAccessibleName(self.witness_label.text())
        self.back.setText(W_("Back"))
        self.back.setAccessibleName(W_("Back to the choices"))
        self.next.setText(W_("Check everything"))
        self.next.setAccessibleName(W_("Check everything before saving"))
        self._mode_changed()
        self._how_changed()
        self._tab_order()
