"""Reading a notice topic by topic: plain words first, the council's exact words one step away."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QLocale, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.content.localize import NoticeView, localize
from familyprivacy.content.model import Notice
from familyprivacy.i18n import _, languages
from familyprivacy.ui import access, fonts, icons, theme
from familyprivacy.ui.forms import FocusFirst
from familyprivacy.ui.safe_browser import SafeBrowser
from familyprivacy.ui.topic_list import TopicList
from familyprivacy.ui.topic_page import Page, pages, render_page
from familyprivacy.visit import Visit


class TopicView(FocusFirst, QWidget):
    language_requested = Signal()
    page_shown = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notice: Notice | None = None
        self.visit: Visit | None = None
        self.pages: list[Page] = []
        self.index = 0
        self.mode = "plain"
        # The council's setting (mark_draft_translations); a language not signed off for the notice is
        # marked whatever it says (content/signoff.py, mark_drafts).
        self._mark_drafts = True
        self._marking: dict[tuple[str, str], bool] = {}
        self.visited: set[int] = set()
        self.scale = 1.0
        self.high_contrast = False
        self._views: dict[str, NoticeView] = {}

        self.topics = TopicList()
        self.topics.setIconSize(QSize(40, 40))
        self.topics.setSpacing(2)
        self.topics.setMinimumWidth(180)
        self.topics.setMaximumWidth(340)
        self.topics.currentRowChanged.connect(self._row_changed)
        self.language = QPushButton()
        self.language.clicked.connect(self.language_requested)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.progress_label = QLabel()
        self.browser = SafeBrowser()
        self.back = QPushButton()
        self.official = QPushButton()
        self.official.setCheckable(True)
        self.alongside = QPushButton()
        self.alongside.setCheckable(True)
        self.next = QPushButton()
        self.back.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.official.toggled.connect(lambda on: self._set_mode("official" if on else "plain"))
        self.alongside.toggled.connect(lambda on: self._set_mode("alongside" if on else "plain"))
        # The arrow points the way the reading goes: in a right-to-left language Next sits on the left.
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self.step(-1 if self._rtl() else 1))
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self.step(1 if self._rtl() else -1))

        top = QHBoxLayout()
        top.addWidget(self.progress_label)
        top.addWidget(self.progress, 1)
        top.addWidget(self.language)
        # Back, the two views and Next share one row when they fit, so the page keeps its height;
        # large text and long words move Back and Next to a second row (see _fit).
        self._views_row = QHBoxLayout()
        self._views_row.addStretch(1)
        self._views_row.addWidget(self.official)
        self._views_row.addWidget(self.alongside)
        self._views_row.addStretch(1)
        self._controls = QGridLayout()
        self._controls.setColumnStretch(1, 1)
        self._one_row: bool | None = None
        right = QVBoxLayout()
        right.addLayout(top)
        right.addWidget(self.browser, 1)
        right.addLayout(self._controls)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 16)
        layout.addWidget(self.topics)
        layout.addLayout(right, 1)
        self.browser.setTabChangesFocus(True)  # Tab leaves the page instead of moving between links
        self._fit(self.width())  # places the controls and sets the keyboard order
        self.first_focus = self.next  # the page opens with Next ready
        for button in (self.back, self.next, self.official, self.alongside, self.language):
            button.installEventFilter(self)
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter presses the focused button, as Space does: outside dialogs Qt leaves Enter unused."""
        if (isinstance(watched, QPushButton) and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and watched.isEnabled()):
            watched.click()
            return True
        return super().eventFilter(watched, event)

    # -- layout ----------------------------------------------------------
    def controls_width(self) -> int:
        """The width Back, the two views and Next need side by side."""
        spacing = max(self._controls.horizontalSpacing(), 0)
        shown = [w for w in (self.back, self.official, self.alongside, self.next) if not w.isHidden()]
        return sum(w.sizeHint().width() for w in shown) + spacing * (len(shown) + 3)

    def _fit(self, width: int) -> None:
        """One row of controls when it fits beside the topic list, two when it does not."""
        room = width - self.topics.width() - 48
        one_row = room >= self.controls_width()
        if one_row == self._one_row:
            return
        self._one_row = one_row
        for w in (self.back, self.next):
            self._controls.removeWidget(w)
        self._controls.removeItem(self._views_row)
        if one_row:
            self._controls.addWidget(self.back, 0, 0)
            self._controls.addLayout(self._views_row, 0, 1)
            self._controls.addWidget(self.next, 0, 2)
        else:
            self._controls.addLayout(self._views_row, 0, 0, 1, 3)
            self._controls.addWidget(self.back, 1, 0)
            self._controls.addWidget(self.next, 1, 2)
        # Keyboard order follows the screen, in either arrangement: the topics, Language above the page,
        # the page, then the controls under it row by row (Back, the two views, Next on one row).
        controls = ([self.back, self.official, self.alongside, self.next] if one_row
                    else [self.official, self.alongside, self.back, self.next])
        chain: list[QWidget] = [self.topics, self.language, self.browser, *controls]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _rtl(self) -> bool:
        return self.layoutDirection() == Qt.LayoutDirection.RightToLeft

    def step(self, delta: int) -> None:
        """The next (1) or previous (-1) topic."""
        self.go(self.index + delta)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit(event.size().width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LayoutRequest):
            self._fit(self.width())
        return super().event(event)

    # -- the visit -------------------------------------------------------
    def start(self, notice: Notice, visit: Visit) -> None:
        self.notice, self.visit = notice, visit
        self._views.clear()
        self.pages = pages(self.view())
        self.visited.clear()
        self.mode = "plain"
        self.index = -1
        self._fill_topics()
        self.go(0)

    def end(self) -> None:
        """Forget the visit: nothing of it stays on screen, and a language change no longer
        redraws (and lays out again) a page nobody is reading."""
        self.notice, self.visit = None, None
        self._views.clear()
        self.pages = []
        self.visited.clear()
        self.index = 0
        self.topics.blockSignals(True)
        self.topics.clear()
        self.topics.blockSignals(False)
        self.browser.clear()

    def view(self, lang: str | None = None) -> NoticeView:
        assert self.notice is not None and self.visit is not None
        lang = lang or self.visit.language
        if lang not in self._views:
            self._views[lang] = localize(self.notice, lang)
        return self._views[lang]

    def go(self, index: int) -> None:
        if not self.pages or not 0 <= index < len(self.pages):
            return
        changed = index != self.index
        self.index = index
        if changed:
            self._set_checked(self.official, False)
            self._set_checked(self.alongside, False)
            self.mode = "plain"
        self.visited.add(index)
        self.topics.blockSignals(True)
        self.topics.setCurrentRow(index)
        self.topics.blockSignals(False)
        self.redraw()
        if changed:  # a new page, said without moving the focus from Next
            access.announce(self, self.progress_label.text() + ": " + _(self.pages[index].title))
        self.page_shown.emit(index)

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.go(row)

    def _set_mode(self, mode: str) -> None:
        if mode != "plain":  # the two views exclude each other
            other = self.alongside if mode == "official" else self.official
            self._set_checked(other, False)
        elif self.official.isChecked() or self.alongside.isChecked():
            return
        self.mode = mode
        self.redraw()

    @staticmethod
    def _set_checked(button: QPushButton, on: bool) -> None:
        button.blockSignals(True)
        button.setChecked(on)
        button.blockSignals(False)

    def set_presenting(self, presenting: bool) -> None:
        """English alongside is for the worker; the family's screen keeps only what they read."""
        if presenting and self.alongside.isChecked():
            self.alongside.setChecked(False)
        self.alongside.setVisible(not presenting)

    # -- drawing ---------------------------------------------------------
    def set_look(self, scale: float, high_contrast: bool) -> None:
        self.scale, self.high_contrast = scale, high_contrast
        if self.pages:
            self._fill_topics()
            self.redraw(record=False)  # the same words, only bigger or in other colours

    def redraw(self, record: bool = True) -> None:
        """Draw the current page in the visit's language, and note what the family saw."""
        if not self.pages or self.visit is None:
            return
        lang = self.visit.language
        view = self.view()
        page = self.pages[self.index]
        css = theme.page_css(self.high_contrast, self.scale, fonts.css_font_family(lang),
                             bold_headings=lang != "ur")
        english = self.view("en") if self.mode == "alongside" else None
        html = render_page(view, page, self.mode, css, english, fonts.line_height_percent(lang),
                           self._marks(lang))
        self.browser.show_page(html, languages.is_rtl(lang))
        # The page's language, told to assistive technology (a text browser keeps no lang attribute).
        self.browser.setLocale(QLocale(lang))
        if record:
            self.visit.record(view, page.section_ids, self.mode)
        self._update_chrome()

    @property
    def mark_drafts(self) -> bool:
        return self._mark_drafts

    @mark_drafts.setter
    def mark_drafts(self, value: bool) -> None:
        self._mark_drafts = value
        self._marking.clear()

    def _marks(self, lang: str) -> bool:
        assert self.notice is not None
        if lang == "en":
            return False  # English is the source, never a draft (and start-up needs no sign-off code)
        key = (self.notice.id, lang)
        if key not in self._marking:
            from familyprivacy.content import signoff

            self._marking[key] = signoff.mark_drafts(self.notice, lang, self.mark_drafts)
        return self._marking[key]

    def _fill_topics(self) -> None:
        self.topics.blockSignals(True)
        self.topics.clear()
        for i, page in enumerate(self.pages):
            item = QListWidgetItem(self._icon(page, i in self.visited), "")
            self.topics.addItem(item)
        self.topics.setCurrentRow(max(self.index, 0))
        self.topics.blockSignals(False)
        self._update_chrome()

    def _icon(self, page: Page, seen: bool) -> QIcon:
        c = theme.colours(self.high_contrast)
        return icons.icon(page.icon, c.text, c.base, badge=seen, selected=c.highlight_text,
                          selected_background=c.highlight)

    def _update_chrome(self) -> None:
        if not self.pages:
            return
        for i, page in enumerate(self.pages):
            item = self.topics.item(i)
            if item is None:
                continue
            title = _(page.title)
            seen = i in self.visited
            item.setText(title)
            item.setIcon(self._icon(page, seen))
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         _("{topic}, seen").format(topic=title) if seen else title)
        n = len(self.pages)
        self.progress.setRange(0, n)
        self.progress.setValue(len(self.visited))
        self.progress_label.setText(_("Topic {number} of {total}").format(number=self.index + 1, total=n))
        self.progress.setAccessibleName(_("{seen} of {total} topics seen").format(
            seen=len(self.visited), total=n))
        self.back.setEnabled(self.index > 0)
        self.next.setEnabled(self.index < n - 1)
        english = self.visit is None or self.visit.language == "en"
        self.alongside.setEnabled(not english)
        has_official = any(self.view().section(s).official for s in self.pages[self.index].section_ids)
        self.official.setEnabled(has_official)

    def retranslate(self) -> None:
        self.topics.setAccessibleName(_("Topics"))
        self.browser.setAccessibleName(_("What this topic says"))
        self.language.setText(_("Language"))
        self.language.setAccessibleName(_("Change the language"))
        self.back.setText(_("Back"))
        self.back.setAccessibleName(_("Previous topic"))
        self.next.setText(_("Next"))
        self.next.setAccessibleName(_("Next topic"))
        self.official.setText(_("The council's exact words"))
        self.official.setAccessibleName(self.official.text())
        self.alongside.setText(_("English alongside"))
        self.alongside.setAccessibleName(_("Show English alongside, for the worker"))
        if self.pages:
            self.redraw()  # redraws the topic list and buttons too
