"""The family's choices, one at a time: the plain explanation again, what yes and no mean, then they choose.

"Information only" items have no yes or no. They are shown as such and can only
be marked as explained; they are recorded with status "given" and kind
"information-only", and shown as "explained", never as "yes".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.content.localize import ChoiceView, NoticeView
from familyprivacy.i18n import N_, _
from familyprivacy.ui.forms import scrolling_column

INFORMATION_ONLY = "information-only"
# What each answer button records (information-only items are recorded as explained: "given").
ANSWERS = (("given", N_("Yes")), ("refused", N_("No")), ("deferred", N_("We want time to think")))
EXPLAINED = N_("Explained")
# Information-only items: the worker's statement, pressed by the worker, never the family's.
WORKER_EXPLAINED = N_("Worker: I have explained this")
# On the button of the answer already given (coming back to a choice): in words, not only colour.
CHOSEN = N_("{answer} (chosen)")


def answer_label(kind: str, status: str, t: Callable[[str], str] = _) -> str:
    """The words for a recorded answer (``t``: in the family's language unless told otherwise); an
    information-only item is "explained", never "yes"."""
    if kind == INFORMATION_ONLY:
        return t(EXPLAINED)
    return t(dict(ANSWERS).get(status, status))


def _label(wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)  # content is never read as markup
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Width comes from the window, never from the longest word: long-word languages wrap, not scroll.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    label.setMinimumWidth(120)
    return label


class DecisionFlow(QWidget):
    """Emits ``finished`` when every choice has an answer; ``back_requested`` from the first one."""

    finished = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.family: NoticeView | None = None
        self.english: NoticeView | None = None
        self.index = 0
        self.answers: dict[str, str] = {}  # choice id -> given | refused | deferred

        self.progress = _label(False)
        self.title = _label()
        self.title.setObjectName("heading")
        self.title.setWordWrap(True)  # a heading wraps at large text, never cut (1.4.4)
        self.kind_note = _label()
        self.kind_note.setObjectName("note")
        self.kind_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.kind_note.setMargin(8)
        self.explanation = _label()
        self.yes_heading, self.yes_text = _label(), _label()
        self.no_heading, self.no_text = _label(), _label()
        for heading in (self.yes_heading, self.no_heading):
            bold = QFont(heading.font())
            bold.setBold(True)
            heading.setFont(bold)
        self.chosen = _label()
        self.english_box = QFrame()
        self.english_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.english_heading = _label()
        self.english_text = _label()
        self.english_box.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        english = QVBoxLayout(self.english_box)
        english.addWidget(self.english_heading)
        english.addWidget(self.english_text)
        english.addStretch(1)
        # The English is the worker's: folded away unless they open it, so the family's screen is
        # the family's language at full width.
        self.english_toggle = QPushButton("English, for the worker")  # deliberately not translated
        self.english_toggle.setCheckable(True)
        self.english_toggle.setAutoDefault(False)
        self.english_toggle.setAccessibleName("English, for the worker")
        self.english_toggle.toggled.connect(lambda _on: self.show_choice())

        family = QWidget()
        family_layout = self.family_layout = QVBoxLayout(family)
        for widget in (self.title, self.kind_note, self.explanation, self.yes_heading, self.yes_text,
                       self.no_heading, self.no_text, self.chosen):
            family_layout.addWidget(widget)
        family_layout.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.addWidget(family, 3)
        self.columns.addWidget(self.english_box, 2)
        page = QWidget()
        page.setLayout(self.columns)
        scroll = scrolling_column(page)

        self.back = QPushButton()
        self.back.clicked.connect(self.go_back)
        self.buttons: dict[str, QPushButton] = {}
        self.answers_box = QWidget()
        self.answer_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.answers_box)
        self.answer_row.setContentsMargins(0, 0, 0, 0)
        for status, _text in ANSWERS:
            button = QPushButton()
            button.setMinimumHeight(56)
            button.setCheckable(True)  # checked: the answer already given, shown on the button itself
            button.setAutoDefault(False)  # Enter never answers for the family
            button.clicked.connect(lambda _checked=False, s=status: self.answer(s))
            self.buttons[status] = button
            self.answer_row.addWidget(button)
        self.explained = QPushButton()
        self.explained.setMinimumHeight(56)
        self.explained.setCheckable(True)
        self.explained.setAutoDefault(False)
        self.explained.clicked.connect(lambda: self.answer("given"))
        self.answer_row.addWidget(self.explained)
        row = self.bottom_row = QHBoxLayout()
        row.addWidget(self.back, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.english_toggle, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        row.addWidget(self.answers_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.progress)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        self.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Side by side when there is room; stacked when big text or long words need it."""
        width = self.width()
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self.columns.setDirection(across if width >= 900 else down)
        needed = sum(b.sizeHint().width() for b in self.buttons.values()) + self.back.sizeHint().width() + 96
        if width >= needed:  # under the page, always in view
            self.answer_row.setDirection(across)
            if self.bottom_row.indexOf(self.answers_box) < 0:
                self.bottom_row.addWidget(self.answers_box)
        else:  # too narrow: one under the other at the end of the text, where reading ends
            self.answer_row.setDirection(down)
            if self.family_layout.indexOf(self.answers_box) < 0:
                self.family_layout.insertWidget(self.family_layout.count() - 1, self.answers_box)

    # -- state ---------------------------------------------------------------------------------------
    def start(self, family: NoticeView, english: NoticeView, answers: dict[str, str] | None = None) -> None:
        """Begin at the first choice; earlier answers (coming back from the review) are kept."""
        self.family, self.english = family, english
        self.answers = dict(answers or {})
        self.index = 0
        self.show_choice()

    def set_views(self, family: NoticeView, english: NoticeView) -> None:
        """The language changed: same choice, new words."""
        self.family, self.english = family, english
        self.show_choice()

    @property
    def choices(self) -> tuple[ChoiceView, ...]:
        return self.family.choices if self.family is not None else ()

    def current(self) -> ChoiceView | None:
        return self.choices[self.index] if 0 <= self.index < len(self.choices) else None

    def answer(self, status: str) -> None:
        choice = self.current()
        if choice is None:
            return
        self.answers[choice.id] = status
        if self.index + 1 < len(self.choices):
            self.index += 1
            self.show_choice()
        else:
            self.finished.emit()

    def go_back(self) -> None:
        if self.index == 0:
            self.back_requested.emit()
        else:
            self.index -= 1
            self.show_choice()

    def complete(self) -> bool:
        return all(c.id in self.answers for c in self.choices)

    # -- drawing -------------------------------------------------------------------------------------
    def show_choice(self) -> None:
        choice = self.current()
        info = choice is not None and choice.kind == INFORMATION_ONLY
        for button in self.buttons.values():
            button.setVisible(not info)
        self.explained.setVisible(info)
        if choice is None or self.family is None:
            return
        self.progress.setText(_("Choice {number} of {total}").format(number=self.index + 1,
                                                                    total=len(self.choices)))
        self.title.setText(choice.title.text)
        self.kind_note.setText(
            _("Information only: there is no yes or no here. Your worker explains it, and records that "
              "they did.")
            if info else _("This is your choice. You can change your mind later."))
        self.explanation.setText(choice.explanation.text)
        self.yes_heading.setVisible(not info)
        self.yes_text.setVisible(not info)
        self.yes_heading.setText(_("If you say yes"))
        self.yes_text.setText(choice.if_yes.text)
        self.no_heading.setText(_("Can you say no?") if info else _("If you say no"))
        self.no_text.setText(choice.if_no.text)
        previous = self.answers.get(choice.id)
        self.chosen.setVisible(previous is not None)
        if previous is not None:
            self.chosen.setText(_("Chosen so far: {answer}").format(answer=answer_label(choice.kind,
                                                                                      previous)))
        self._show_english(choice)
        self._show_answer_on_buttons(choice, previous)
        # No answer is focused or pre-selected: the screen itself takes the focus, so Enter or Space
        # records nothing, and Tab reaches Back and the answers in the order they are shown.
        self.setFocusProxy(None)  # type: ignore[arg-type]  # Qt takes nullptr: no proxy
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if self.isVisible():  # a language switch elsewhere must not pull the focus here
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_answer_on_buttons(self, choice: ChoiceView, previous: str | None) -> None:
        """The answer given so far is the checked button, and says so in words; none is checked on a
        choice not yet answered."""
        info = choice.kind == INFORMATION_ONLY
        for status, text in ANSWERS:
            chosen = not info and previous == status
            self.buttons[status].setChecked(chosen)
            self.buttons[status].setText(_(CHOSEN).format(answer=_(text)) if chosen else _(text))
        explained = info and previous is not None
        self.explained.setChecked(explained)
        label = _(WORKER_EXPLAINED)
        self.explained.setText(_(CHOSEN).format(answer=label) if explained else label)
        self.explained.setAccessibleName(self.explained.text())

    def _show_english(self, choice: ChoiceView) -> None:
        english = None
        if self.english is not None and self.family is not None and self.family.language != "en":
            english = next((c for c in self.english.choices if c.id == choice.id), None)
        self.english_toggle.setVisible(english is not None)
        self.english_box.setVisible(english is not None and self.english_toggle.isChecked())
        if english is None:
            return
        parts = [english.title.text, english.explanation.text]
        if english.kind != INFORMATION_ONLY:
            parts += ["If you say yes:", english.if_yes.text]
        parts += ["If you say no:", english.if_no.text]
        self.english_heading.setText("For the worker, in English")  # deliberately not translated
        self.english_text.setText("\n\n".join(p.strip() for p in parts if p.strip()))

    def retranslate(self) -> None:
        self.back.setText(_("Back"))
        self.back.setAccessibleName(_("Go back to the previous choice"))
        for status, text in ANSWERS:
            self.buttons[status].setText(_(text))
            self.buttons[status].setAccessibleName(_(text))
        self.explained.setText(_(WORKER_EXPLAINED))
        self.explained.setAccessibleName(_(WORKER_EXPLAINED))  # show_choice marks the chosen one
        self.setAccessibleName(_("Your choices"))
        self.show_choice()
        self._fit()
