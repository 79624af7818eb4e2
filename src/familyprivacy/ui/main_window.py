"""The main window: a coordinator of screens, nothing more.

It owns the visit, the settings and the language, and moves between the
screens; each screen draws itself. Later screens (unlock, decisions, records)
join the same stack.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from familyprivacy import i18n, settings
from familyprivacy.content.loader import LoadResult
from familyprivacy.content.model import Notice
from familyprivacy.i18n import W_, _, languages
from familyprivacy.ui import access, fonts, theme, topic_page
from familyprivacy.ui.council_picker import CouncilPicker
from familyprivacy.ui.forms import worker_direction, worker_locale
from familyprivacy.ui.language_picker import LanguagePicker
from familyprivacy.ui.lock_settings import install as install_lock_extras
from familyprivacy.ui.notice_picker import NoticePicker
from familyprivacy.ui.presentation import PresentationBar
from familyprivacy.ui.qt_translations import QtTranslations
from familyprivacy.ui.recorder import Recorder
from familyprivacy.ui.topic_view import TopicView
from familyprivacy.visit import Visit

PREPARE_PAGES_MS = 200


class ScreenStack(QStackedWidget):
    """The screens, one at a time, sized by the one shown.

    A plain QStackedWidget asks every screen for its size, so the tallest (a form,
    the list of languages in every script) sets the window's minimum for all of
    them, and laying out screens nobody sees costs time at start-up.
    """

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:
        screen = self.currentWidget()
        return screen.sizeHint() if screen is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        screen = self.currentWidget()
        return screen.minimumSizeHint() if screen is not None else super().minimumSizeHint()


class MainWindow(QMainWindow):
    def __init__(self, loaded: LoadResult, prefs: settings.Loaded, qt: QtTranslations) -> None:
        super().__init__()
        access.install()  # headings read as headings (before any screen's heading is made)
        self.loaded = loaded
        self.settings = prefs.settings
        self.qt = qt
        self.visit: Visit | None = None
        self.presenting = False
        self._problems = [str(e) for e in loaded.errors] + ([prefs.problem] if prefs.problem else [])
        self._font_key: tuple[tuple[str, ...], float, bool] | None = None
        self._apply_font()  # styled before any widget exists, so each is polished once

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.details = QPushButton()
        self.details.setCheckable(True)
        self.details.toggled.connect(self.show_problems)
        self.problems = QLabel()  # shown in place, not in a dialog that could hide the visit
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setVisible(False)
        banner = QWidget()
        column = QVBoxLayout(banner)
        row = QHBoxLayout()
        row.addWidget(self.banner, 1)
        row.addWidget(self.details)
        column.addLayout(row)
        column.addWidget(self.problems)
        self.banner_box = banner
        self.bar = PresentationBar(self.settings.text_scale, self.settings.high_contrast)
        self.bar.scale_changed.connect(self.set_text_scale)
        self.bar.contrast_changed.connect(self.set_high_contrast)
        self.bar.present_requested.connect(self.enter_presentation)
        self.bar.leave_requested.connect(self.request_leave_presentation)

        # Screens are made inside the stack: one moved there later is restyled, for every script
        # it shows. The council and language pickers are made when first shown.
        self.stack = ScreenStack()
        self._council_picker: CouncilPicker | None = None
        self._language_picker: LanguagePicker | None = None
        self.notice_picker = NoticePicker(self.stack)
        self.topic_view = TopicView(self.stack)
        self.topic_view.mark_drafts = self.settings.mark_draft_translations
        for screen in (self.notice_picker, self.topic_view):
            self.stack.addWidget(screen)
        self.notice_picker.chosen.connect(self.start_visit)
        self.topic_view.language_requested.connect(self.show_language_picker)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(banner)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        banner.setVisible(bool(self._problems))
        # A fixed minimum instead of one that follows every relayout: the window's size hints
        # then stay put while text size and language change (and screens scroll instead).
        own_layout = self.layout()
        if own_layout is not None:
            own_layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(720, 540)
        self._build_menus()
        self.recorder = Recorder(self)  # unlock, decisions, summary, records
        # The idle lock's warning, the reason on the wall, Settings > Idle lock (ui/lock_settings.py).
        self.lock_extras = install_lock_extras(self)
        layout.addWidget(self.recorder.choices_bar)
        self._unlisten = i18n.on_language_changed(self.apply_language)
        self._apply_look()
        self.apply_language(i18n.current_language())
        if prefs.first_run or not (self.settings.council or self.settings.demo):
            self.show_council_picker()
        else:
            self.show_notice_picker()

    # -- menus -------------------------------------------------------------
    def _build_menus(self) -> None:
        self.visit_menu = self.menuBar().addMenu("")
        self.new_visit_action = QAction(self)
        self.new_visit_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_visit_action.triggered.connect(lambda: self.new_visit())  # not its "checked" argument
        self.present_action = QAction(self)
        self.present_action.setShortcut(QKeySequence("F5"))
        self.present_action.triggered.connect(self.enter_presentation)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.visit_menu.addActions([self.new_visit_action, self.present_action, self.quit_action])
        self.settings_menu = self.menuBar().addMenu("")
        self.council_action = QAction(self)
        self.council_action.triggered.connect(self.show_council_picker)
        self.demo_action = QAction(self)
        self.demo_action.setCheckable(True)
        self.demo_action.setChecked(self.settings.demo)
        self.demo_action.toggled.connect(lambda on: self.choose_council(self.settings.council, demo=on))
        self.settings_menu.addActions([self.council_action, self.demo_action])
        # Actions that must not work while the family holds the laptop.
        self.worker_actions = [self.new_visit_action, self.quit_action, self.council_action,
                               self.demo_action]

    # -- screens -----------------------------------------------------------
    @property
    def council_picker(self) -> CouncilPicker:
        if self._council_picker is None:
            picker = CouncilPicker(self.loaded.notices, self.stack)
            picker.chosen.connect(self.choose_council)
            picker.demo_chosen.connect(lambda: self.choose_council("", demo=True))
            self.stack.addWidget(picker)
            self._council_picker = picker
        return self._council_picker

    @property
    def language_picker(self) -> LanguagePicker:
        if self._language_picker is None:
            picker = LanguagePicker(include_pseudo=self.settings.demo, parent=self.stack)
            picker.chosen.connect(self.choose_language)
            picker.back_requested.connect(self.show_notice_picker)
            picker.back.setVisible(not self.presenting)
            self.stack.addWidget(picker)
            self._language_picker = picker
        return self._language_picker

    def show_council_picker(self) -> None:
        self._show(self.council_picker)

    def choose_council(self, council: str, demo: bool = False) -> None:
        self.new_visit(show_notices=False)  # another council's notices: this family's visit is over
        self._save(self.settings.with_changes(council=council, demo=demo))
        self.demo_action.blockSignals(True)
        self.demo_action.setChecked(demo)
        self.demo_action.blockSignals(False)
        if self._language_picker is not None:
            self._language_picker.set_include_pseudo(demo)
        self.show_notice_picker()

    def notices_for_laptop(self) -> list[Notice]:
        if self.settings.demo:
            return list(self.loaded.notices)
        return [n for n in self.loaded.notices if n.council.id == self.settings.council]

    def show_notice_picker(self) -> None:
        self.notice_picker.set_notices(self.notices_for_laptop())
        self._show(self.notice_picker)

    def new_visit(self, show_notices: bool = True) -> None:
        """End this visit, however it ends (Finish, Visit > New visit, Ctrl+N, a council change):
        nothing of this family stays on any screen; back to the worker's own language and the
        list of notices."""
        if (recorder := getattr(self, "recorder", None)) is not None:
            recorder.forget_family()
        self.visit = None
        self.topic_view.end()
        if i18n.current_language() != self.settings.worker_language:
            self.set_language(self.settings.worker_language)
        if show_notices:
            self.show_notice_picker()

    def start_visit(self, notice_id: str) -> None:
        if (recorder := getattr(self, "recorder", None)) is not None:
            recorder.forget_family()  # whatever way the last visit was left
        self.topic_view.end()  # the last family's pages are not this family's
        self.visit = Visit(notice_id, language=i18n.current_language())
        self.show_language_picker()

    def show_language_picker(self) -> None:
        self.language_picker.filter.clear()
        self._show(self.language_picker)
        # While the family reads the languages, the page template loads (once), so the first
        # page follows their choice sooner; after the picker has been drawn, not before it.
        QTimer.singleShot(PREPARE_PAGES_MS, topic_page.prepare)

    def choose_language(self, code: str) -> None:
        if self.visit is None:
            return
        # The topic view is shown before its first page is set, so the page is laid out once,
        # at the size it is shown: set before, it was laid out at the view's unshown size and
        # then again (in Nastaliq, a third of the family's wait). Nothing is drawn until all
        # of this is done.
        self._show(self.topic_view)
        self.set_language(code)
        if self.topic_view.visit is not self.visit:
            self.topic_view.start(self.loaded.by_id(self.visit.notice_id), self.visit)

    def add_screen(self, screen: QWidget) -> None:
        """Later screens (unlock, decisions, records) join the same stack."""
        self.stack.addWidget(screen)

    def show_screen(self, screen: QWidget) -> None:
        self._show(screen)

    def _show(self, screen: QWidget) -> None:
        if self.stack.indexOf(screen) < 0:
            self.add_screen(screen)
        self.stack.setCurrentWidget(screen)
        self.bar.setVisible(screen in (self._language_picker, self.topic_view) or self.presenting)
        screen.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- language ------------------------------------------------------------
    def set_language(self, code: str) -> None:
        """The one way the language changes; every screen re-renders at once."""
        if self.visit is not None:
            self.visit.set_language(code)
        i18n.set_language(code)

    def apply_language(self, code: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.qt.switch(code)
        rtl = languages.is_rtl(code)
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        app.setLayoutDirection(direction)
        # The language assistive technology is told (WCAG 3.1.1); the worker's screens set their own.
        self.setLocale(QLocale(code))
        self._apply_font()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Family Privacy"))
        # The menus are the worker's (hidden while presenting): the worker's language.
        self.menuBar().setLayoutDirection(worker_direction())
        for menu in (self.menuBar(), self.visit_menu, self.settings_menu):
            menu.setLocale(worker_locale())  # the language assistive technology is told (3.1.1)
            menu.setLayoutDirection(worker_direction())
        self.visit_menu.setTitle(W_("&Visit"))
        self.new_visit_action.setText(W_("&New visit"))
        self.present_action.setText(W_("&Present to the family"))
        self.quit_action.setText(W_("&Quit"))
        self.settings_menu.setTitle(W_("&Settings"))
        self.council_action.setText(W_("Change &council…"))
        self.demo_action.setText(W_("&Demonstration: show every council"))
        self.banner.setText(_("Some files could not be used. Everything else works.") + " "
                            + _("Tell your IT team."))
        self.details.setText(_("Details"))
        if self.details.isChecked():
            self.show_problems(True)
        self.details.setAccessibleName(self.details.text())  # what speech control hears
        self.details.setAccessibleDescription(_("Show the details of the problem"))
        for screen in (self._council_picker, self.notice_picker, self._language_picker, self.bar,
                       self.topic_view):
            if screen is not None:
                screen.retranslate()

    def show_problems(self, shown: bool = True) -> None:
        self.problems.setText(_("These files could not be used:") + "\n" + "\n".join(self._problems))
        self.problems.setVisible(shown)

    # -- presentation ------------------------------------------------------
    def enter_presentation(self) -> None:
        self.presenting = True
        self.menuBar().setVisible(False)
        self.banner_box.setVisible(False)
        for action in self.worker_actions:
            action.setEnabled(False)
        if self._language_picker is not None:
            self._language_picker.back.setVisible(False)
        self.topic_view.set_presenting(True)
        self.bar.set_presenting(True)
        self.bar.setVisible(True)
        self._apply_look()
        self.showFullScreen()

    def request_leave_presentation(self) -> None:
        """The only way out of presentation mode: the worker's PIN or passphrase, on the wall."""
        self.recorder.request_leave()

    def leave_presentation(self) -> None:
        self.presenting = False
        self.menuBar().setVisible(True)
        self.banner_box.setVisible(bool(self._problems))
        for action in self.worker_actions:
            action.setEnabled(True)
        if self._language_picker is not None:
            self._language_picker.back.setVisible(True)
        self.topic_view.set_presenting(False)
        self.bar.set_presenting(False)
        self._apply_look()
        self.showNormal()

    # -- look ----------------------------------------------------------------
    def set_text_scale(self, scale: float) -> None:
        self._save(self.settings.with_changes(text_scale=scale))
        self._apply_look()

    def set_high_contrast(self, on: bool) -> None:
        self._save(self.settings.with_changes(high_contrast=on))
        self._apply_look()

    def effective_scale(self) -> float:
        return self.settings.text_scale * (theme.PRESENTATION_FACTOR if self.presenting else 1.0)

    def _apply_look(self) -> None:
        self._apply_font()
        self.topic_view.set_look(self.effective_scale(), self.settings.high_contrast)

    def _apply_font(self) -> None:
        """Fonts and colours for the language, text size and contrast; restyling every widget is
        slow, so only on a change."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        lang = i18n.current_language()
        key = (tuple(fonts.families_for(lang)), self.effective_scale(), self.settings.high_contrast)
        if key != self._font_key:
            self._font_key = key
            size = theme.BASE_POINT_SIZE * key[1]
            QApplication.setFont(fonts.ui_font(lang, size))  # dialogs and widgets made later
            theme.apply(app, self.settings.high_contrast, size, list(key[0]))

    def _save(self, new: settings.Settings) -> None:
        self.settings = new
        try:
            settings.save(new)
        except OSError as exc:
            self._problems.append(_("The settings could not be saved: {reason}").format(
                reason=exc.strerror or type(exc).__name__))
            self.banner_box.setVisible(not self.presenting)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.presenting:  # the family cannot close the app from presentation mode
            event.ignore()
            return
        self._unlisten()
        self.recorder.shutdown()
        self.qt.remove()
        super().closeEvent(event)
