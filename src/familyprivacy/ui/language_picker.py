"""The family's first choice: their language, each named in its own script, English first."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.i18n import _, languages
from familyprivacy.i18n.catalogs import translated_languages
from familyprivacy.ui import access, fonts
from familyprivacy.ui.big_button import BigButton
from familyprivacy.ui.forms import FocusFirst, keep_focus_in_view

COLUMNS = 3
CLEAR_SIZE = 32  # the search field's clear button: at least 24 by 24 (WCAG 2.5.8)


def _names(lang: languages.Language) -> tuple[str, ...]:
    return (lang.native_name.casefold(), lang.english_name.casefold(), lang.code.casefold())


def matches(lang: languages.Language, query: str) -> bool:
    q = query.strip().casefold()
    return not q or any(q in name for name in _names(lang))


def starts(lang: languages.Language, query: str) -> bool:
    q = query.strip().casefold()
    return bool(q) and any(name.startswith(q) for name in _names(lang))


class LanguagePicker(FocusFirst, QWidget):
    chosen = Signal(str)  # language code
    back_requested = Signal()

    def __init__(self, include_pseudo: bool = False, parent: QWidget | None = None,
                 translated: set[str] | None = None) -> None:
        super().__init__(parent)
        # Languages with a translation come first; the others are offered, honestly marked,
        # after them: the family still sees their language's name, the worker sees what it means.
        self.translated = ({"en", *translated_languages()} if translated is None
                           else {"en", *translated})
        self._pseudo = {lang.code for lang in languages.pseudo_languages()}
        self.languages = sorted([*languages.all_languages(), *languages.pseudo_languages()],
                                key=lambda lang: lang.code not in self.translated | self._pseudo)
        self.include_pseudo = include_pseudo
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.filter = QLineEdit()
        # Labelled by words shown above it, not only by its placeholder (1.3.1).
        self.filter_label = QLabel()
        self.filter_label.setBuddy(self.filter)
        # Its own clear button, beside the field: Qt's, inside it, was a 22 by 18 pixel target (2.5.8).
        self.clear = QToolButton()
        self.clear.setMinimumSize(CLEAR_SIZE, CLEAR_SIZE)
        self.clear.setAutoRaise(True)
        self.clear.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # as Qt's: the keyboard clears by editing
        self.clear.clicked.connect(self.filter.clear)
        self.clear.setVisible(False)
        self.filter.textChanged.connect(self._refilter)
        self.filter.returnPressed.connect(self._choose_first)
        self.back = QPushButton()
        self.back.clicked.connect(self.back_requested)
        self.buttons: list[BigButton] = []
        self._shown: list[BigButton] = []
        grid_host = QWidget(self)
        column = QVBoxLayout(grid_host)
        # The heading and the search scroll with the languages: at 200% in Urdu, held above them, they
        # left the languages a strip 70 pixels tall (1.4.4).
        column.setContentsMargins(32, 24, 32, 8)
        column.addWidget(self.heading)
        column.addWidget(self.filter_label)
        search = QHBoxLayout()
        search.addWidget(self.filter, 1)
        search.addWidget(self.clear)
        column.addLayout(search)
        self.none = QLabel()
        column.addWidget(self.none)
        self._grid = QGridLayout()
        column.addLayout(self._grid)
        column.addStretch(1)  # a short list keeps its buttons' size, at the top
        self._grid.setSpacing(12)
        for i in range(COLUMNS):  # columns of one width, whatever the names in them
            self._grid.setColumnStretch(i, 1)
        for lang in self.languages:
            button = BigButton(lang.code, grid_host)
            button.main_direction = (Qt.LayoutDirection.RightToLeft if lang.rtl
                                     else Qt.LayoutDirection.LeftToRight)
            button.clicked.connect(lambda _checked=False, c=lang.code: self.chosen.emit(c))
            self.buttons.append(button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop that shows nothing (2.4.7)
        keep_focus_in_view(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 24)
        layout.addWidget(scroll, 1)
        back_row = QHBoxLayout()
        back_row.setContentsMargins(32, 0, 32, 0)
        back_row.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeading)
        back_row.addStretch(1)
        layout.addLayout(back_row)
        self.first_focus = self.buttons[0]
        self._refilter("")
        self.retranslate()

    def set_include_pseudo(self, include: bool) -> None:
        """The pseudo-languages test layout; they are offered only in demonstration mode."""
        self.include_pseudo = include
        self._refilter(self.filter.text())

    def visible_codes(self) -> list[str]:
        """The languages on offer, in the order shown."""
        return [b.key for b in self._shown]

    def _refilter(self, text: str) -> None:
        if text and self.clear.icon().isNull():  # made when first needed: not at start-up
            from PySide6.QtWidgets import QStyle
            self.clear.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton))
        self.clear.setVisible(bool(text))
        for button in self.buttons:
            self._grid.removeWidget(button)
        found = [(b, lang) for b, lang in zip(self.buttons, self.languages, strict=True)
                 if matches(lang, text) and (self.include_pseudo or lang.code not in self._pseudo)]
        # Names that begin with what was typed come first; otherwise the usual order (English first).
        found.sort(key=lambda pair: not starts(pair[1], text))
        shown = [b for b, _lang in found]
        self._shown = shown
        for button in self.buttons:
            button.setHidden(button not in shown)
        for i, button in enumerate(shown):
            self._grid.addWidget(button, i // COLUMNS, i % COLUMNS)
        # Keyboard order follows the reading order of the grid.
        previous: QWidget = self.filter
        for button in shown:
            QWidget.setTabOrder(previous, button)
            previous = button
        QWidget.setTabOrder(previous, self.back)
        was_shown = not self.none.isHidden()
        self.none.setVisible(not shown)
        if not shown and not was_shown:
            access.announce(self.none, self.none.text())  # said: the focus stays in the search field

    def _choose_first(self) -> None:
        codes = self.visible_codes()
        if codes:
            self.chosen.emit(codes[0])

    def retranslate(self) -> None:
        # Each language's name is always written in its own language; only the small line changes.
        self.heading.setText(_("Choose your language"))
        self.filter_label.setText(_("Type to find a language"))
        # Qt's own words for its clear button, in Qt's translations (no new text to translate).
        self.clear.setText(QCoreApplication.translate("QLineEdit", "Clear text"))
        self.clear.setToolTip(self.clear.text())
        self.clear.setAccessibleName(self.clear.text())
        self.filter.setAccessibleName(self.filter_label.text())
        self.filter.setAccessibleDescription(_("Find a language by its name"))
        self.none.setText(_("No language matches what you typed."))
        self.back.setText(_("Back"))
        self.back.setAccessibleName(_("Back to the list of notices"))
        for button, lang in zip(self.buttons, self.languages, strict=True):
            sub = lang.english_name
            if lang.code not in self.translated and lang.code not in self._pseudo:
                # Its speaker reads at least "English" in their own language, beside the worker's note.
                sub = lang.english_own + " · " + _("{language}: not translated yet, shown in English").format(
                    language=lang.english_name)
            button.set_lines(lang.native_name, sub, fonts.native_style(lang.code))
