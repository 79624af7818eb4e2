"""The worker's session and the recording screens, joined to the main window.

The window stays a coordinator of screens; this object owns what recording adds:
the lock (unlock at start, idle lock, the wall before leaving presentation), the
decision screens, saving, the family's summary and the worker's records. A
window built without the lock (the visit screens' own tests, screenshots) has
no worker: leaving presentation is then direct, and nothing can be saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QWidget

from familyprivacy import i18n
from familyprivacy.i18n import N_, W_, _, languages
from familyprivacy.ui.idle_lock import IdleLock

if TYPE_CHECKING:
    from PySide6.QtWidgets import QInputDialog

    from familyprivacy import summary
    from familyprivacy.consent.model import ContentSignoff, Decision, Signer, Visit
    from familyprivacy.content.localize import NoticeView
    from familyprivacy.ui.decision_flow import DecisionFlow
    from familyprivacy.ui.main_window import MainWindow
    from familyprivacy.ui.people_form import PeopleForm
    from familyprivacy.ui.pin_wall import PinWall
    from familyprivacy.ui.records_screen import RecordsScreen
    from familyprivacy.ui.review_screen import ReviewScreen
    from familyprivacy.ui.unlock_screen import UnlockScreen, WorkerSession

Screen = TypeVar("Screen", bound=QWidget)
# Why a worker may go on to the choices before the family has seen every topic (recorded as given).
SKIP_REASONS = (N_("We read the notice together on paper, with an interpreter"),
                N_("The family has read this notice before"),
                N_("The family chose not to read every topic"))


class Recorder(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session: WorkerSession | None = None
        self.locked = False
        self.saved: Visit | None = None
        self._pending: tuple[Visit, list[Decision]] | None = None  # built once per review: retries resume
        self._purpose = ""  # what the wall is up for: "leave" or "idle"
        self._resume: QWidget | None = None
        self._then: Callable[[], None] | None = None
        # The screens, and the modules behind them (the store, its cryptography, the PDF writer),
        # are built when first shown: a visit's first topic does not wait for them.
        self._built: dict[str, QWidget] = {}
        self.choices_button = QPushButton()
        self.choices_button.setMinimumHeight(48)
        self.choices_button.clicked.connect(self.start_choices)
        # Asked when the choices are wanted before every topic was shown; tests put their own.
        self.ask_skip: Callable[[int, int], str | None] = self._ask_skip_with_dialog
        self.choices_bar = QWidget()  # placed by the window under the topic view
        row = QHBoxLayout(self.choices_bar)
        row.setContentsMargins(16, 0, 16, 12)
        row.addStretch(1)
        row.addWidget(self.choices_button)
        self.choices_bar.setVisible(False)  # shown with a topic page of a notice that has choices
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.idle = IdleLock(app, window.settings.idle_lock_minutes, self)
        self.idle.is_presenting = lambda: window.presenting
        self.idle.lock_now.connect(self.lock)
        window.stack.currentChanged.connect(self._screen_changed)

        self.records_action = QAction(window)
        self.records_action.setShortcut(QKeySequence("Ctrl+R"))
        self.records_action.triggered.connect(self.show_records)
        self.lock_action = QAction(window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        window.visit_menu.insertActions(window.quit_action, [self.records_action, self.lock_action])
        window.worker_actions.append(self.records_action)
        self._unlisten = i18n.on_language_changed(lambda _code: self.retranslate())
        self.retranslate()

    # -- the screens, each built on first use ------------------------------------------------------
    def _screen(self, name: str, make: Callable[[], Screen]) -> Screen:
        screen = self._built.get(name)
        if screen is None:
            screen = make()
            self.window.add_screen(screen)
            screen.retranslate()  # type: ignore[attr-defined]
            self._built[name] = screen
        return screen  # type: ignore[return-value]

    def _built_screen(self, name: str) -> Any:
        """The screen if it exists, without building it."""
        return self._built.get(name)

    @property
    def screens(self) -> tuple[QWidget, ...]:
        return tuple(self._built.values())

    @property
    def unlock_screen(self) -> UnlockScreen:
        def make() -> UnlockScreen:
            from familyprivacy.ui.unlock_screen import UnlockScreen
            screen = UnlockScreen(parent=self.window.stack)
            screen.unlocked.connect(self._unlocked)
            return screen
        return self._screen("unlock", make)

    @property
    def wall(self) -> PinWall:
        def make() -> PinWall:
            from familyprivacy.ui.pin_wall import PinWall
            wall = PinWall(parent=self.window.stack)
            wall.unlocked.connect(self._wall_opened)
            wall.cancelled.connect(self._resume_screen)
            return wall
        return self._screen("wall", make)

    @property
    def flow(self) -> DecisionFlow:
        def make() -> DecisionFlow:
            from familyprivacy.ui.decision_flow import DecisionFlow
            flow = DecisionFlow(self.window.stack)
            flow.finished.connect(self._show_people)
            flow.back_requested.connect(lambda: self._show(self.window.topic_view))
            return flow
        return self._screen("flow", make)

    @property
    def people(self) -> PeopleForm:
        def make() -> PeopleForm:
            from familyprivacy.ui.people_form import PeopleForm
            people = PeopleForm(self.window.stack)
            people.back_requested.connect(lambda: self._show(self.flow))
            people.next_requested.connect(self.show_review)
            return people
        return self._screen("people", make)

    @property
    def review(self) -> ReviewScreen:
        def make() -> ReviewScreen:
            from familyprivacy.ui.review_screen import ReviewScreen
            review = ReviewScreen(self.window.stack)
            review.back_requested.connect(self._change_something)
            review.save_requested.connect(self.save)
            review.pdf_requested.connect(lambda: self._as_worker(self.save_pdf))
            review.print_requested.connect(lambda: self._as_worker(self.print_summary))
            review.finish_requested.connect(self.finish)
            return review
        return self._screen("review", make)

    @property
    def records(self) -> RecordsScreen:
        def make() -> RecordsScreen:
            from familyprivacy.ui.records_screen import RecordsScreen
            records = RecordsScreen(self._choice_title, self.window.stack)
            records.close_requested.connect(self.window.show_notice_picker)
            records.summary_requested.connect(self.save_records_summary)
            records.attach(None if self.locked else self.session)
            return records
        return self._screen("records", make)

    # -- locking -------------------------------------------------------------------------------------
    def lock_at_start(self) -> None:
        """The app opens locked: nothing is reachable before a worker unlocks their records."""
        self._resume = self.window.stack.currentWidget()
        self.unlock_screen.refresh()
        self._set_locked(True)
        self.window.stack.setCurrentWidget(self.unlock_screen)
        self.unlock_screen.setFocus(Qt.FocusReason.OtherFocusReason)

    def _unlocked(self, session: WorkerSession) -> None:
        if self.session is not None and self.session.store is not session.store:
            self.session.store.close()
        self.session = session
        if (records := self._built_screen("records")) is not None:
            records.attach(session)
        self.idle.start()
        self._set_locked(False)
        self._resume_screen()

    def lock(self) -> None:
        """Forget the keys and show the wall; only the passphrase opens it again."""
        if self.session is None or (self.locked and self._purpose != "leave"):
            return  # nothing unlocked yet, or already locked for good (a "leave" wall is raised to this)
        self.session.store.lock()
        if (records := self._built_screen("records")) is not None:
            records.attach(None)
        self.idle.stop()
        self._then = None  # a pending "leave, then …" is dropped: the worker starts again from the visit
        self._raise_wall("idle")

    def request_leave(self, then: Callable[[], None] | None = None) -> None:
        """Leaving presentation takes the worker's PIN or passphrase (there is no wall without a worker)."""
        if self.session is None:
            self.window.leave_presentation()
            if then:
                then()
            return
        self._then = then
        self._raise_wall("leave")

    def _raise_wall(self, purpose: str) -> None:
        current = self.window.stack.currentWidget()
        if current is not self.wall:
            self._resume = current
        self._purpose = purpose
        session = self.session
        assert session is not None
        idle = purpose == "idle"
        self.wall.arm(lambda secret: session.check(secret, allow_pin=not idle), passphrase_only=idle,
                      can_cancel=not idle)
        self._set_locked(True)
        self.window.stack.setCurrentWidget(self.wall)
        self.wall.setFocus(Qt.FocusReason.OtherFocusReason)

    def _wall_opened(self) -> None:
        purpose, then = self._purpose, self._then
        self._purpose, self._then = "", None
        self._set_locked(False)
        if purpose == "idle":
            assert self.session is not None
            if (records := self._built_screen("records")) is not None:
                records.attach(self.session)
        self.idle.start()
        if purpose == "leave":
            self.window.leave_presentation()
        self._resume_screen()
        if then:
            then()

    def _set_locked(self, on: bool) -> None:
        """While locked: no menus, bars or worker shortcuts; the screen shows nothing of the visit."""
        self.locked = on
        window = self.window
        presenting = window.presenting
        window.menuBar().setVisible(not on and not presenting)
        window.bar.setVisible(not on and (presenting or window.stack.currentWidget() is window.topic_view))
        window.banner_box.setVisible(not on and not presenting and bool(window._problems))
        for action in window.worker_actions:
            action.setEnabled(not on and not presenting)
        window.present_action.setEnabled(not on)
        self.lock_action.setEnabled(not on)
        self.choices_bar.setVisible(False if on else self._choices_available())

    def _resume_screen(self) -> None:
        self._set_locked(False)
        screen = self._resume
        if screen is None or screen in (self._built_screen("wall"), self._built_screen("unlock")):
            screen = self.window.council_picker
        self._show(screen)

    def _show(self, screen: QWidget) -> None:
        self.window.show_screen(screen)
        recording_screens = [self._built_screen(name) for name in ("flow", "people", "review")]
        if self.window.presenting or screen in recording_screens:
            self.window.bar.setVisible(True)

    def _as_worker(self, action: Callable[[], None]) -> None:
        """Printing and saving open system dialogs: never while the family holds the laptop."""
        if self.window.presenting:
            self.request_leave(then=action)
        else:
            action()

    # -- the choices ---------------------------------------------------------------------------------
    def _views(self) -> tuple[NoticeView, NoticeView] | None:
        from familyprivacy.content.localize import localize
        visit = self.window.visit
        if visit is None:
            return None
        notice = self.window.loaded.by_id(visit.notice_id)
        return localize(notice, visit.language), localize(notice, "en")

    def _choices_available(self) -> bool:
        visit = self.window.visit
        return (visit is not None and self.window.stack.currentWidget() is self.window.topic_view
                and bool(self.window.loaded.by_id(visit.notice_id).choices))

    def _screen_changed(self) -> None:
        if not self.locked:
            self.choices_bar.setVisible(self._choices_available())

    def start_choices(self) -> None:
        """The choices come after reading: once every topic has been shown, or, before that, only
        with the worker's reason for going on, which the saved visit records."""
        views = self._views()
        visit = self.window.visit
        if views is None or visit is None:
            return
        topics = self.window.topic_view
        seen, total = len(topics.visited), len(topics.pages)
        if seen < total and visit.reading_skipped is None:
            reason = self.ask_skip(seen, total)
            if reason is None:
                return  # back to the topics
            visit.reading_skipped = reason
        if self.flow.family is None or self.flow.family.notice_id != views[0].notice_id:
            self.flow.start(*views)
        else:
            self.flow.start(*views, answers=self.flow.answers)
        self._show(self.flow)

    def skip_dialog(self, seen: int, total: int) -> QInputDialog:
        """The question asked when the choices come before every topic was shown: all of it, buttons
        included, in the worker's language (Qt's own OK and Cancel have no Urdu, and followed the
        family's language)."""
        from PySide6.QtWidgets import QInputDialog

        from familyprivacy.ui.forms import worker_direction, worker_locale

        dialog = QInputDialog(self.window)
        dialog.setLayoutDirection(worker_direction())
        dialog.setLocale(worker_locale())
        dialog.setWindowTitle(W_("Not every topic has been shown"))
        dialog.setLabelText(W_("The family has seen {seen} of {total} topics. Cancel to go back to them, "
                               "or choose why you are going on to the choices:").format(seen=seen,
                                                                                          total=total))
        dialog.setComboBoxItems([W_(reason) for reason in SKIP_REASONS])
        dialog.setComboBoxEditable(False)
        dialog.setOkButtonText(W_("Go on to the family's choices"))
        dialog.setCancelButtonText(W_("Cancel"))
        from PySide6.QtWidgets import QComboBox
        reasons = dialog.findChild(QComboBox)
        if reasons is not None:  # named by the question shown above it, not by the answer chosen (2.5.3)
            reasons.setAccessibleName(dialog.labelText())
        return dialog

    def _ask_skip_with_dialog(self, seen: int, total: int) -> str | None:
        """The worker's choice, in the worker's language: back to the topics, or a reason to go on."""
        dialog = self.skip_dialog(seen, total)
        items = [W_(reason) for reason in SKIP_REASONS]
        if not dialog.exec() or dialog.textValue() not in items:
            return None
        return SKIP_REASONS[items.index(dialog.textValue())]  # the council's record, in English

    def _signed(self) -> tuple[ContentSignoff, str] | None:
        """The sign-off state of the content this visit showed, and the language it was shown in."""
        from familyprivacy.ui import recording
        visit = self.window.visit
        if visit is None:
            return None
        notice = self.window.loaded.by_id(visit.notice_id)
        return recording.content_signoff(notice, visit.language), visit.language

    def _reading(self) -> tuple[int, int, str | None] | None:
        """What the family read: topics seen, topics in all, and the reason given for going on early."""
        visit, topics = self.window.visit, self.window.topic_view
        if visit is None or not topics.pages:
            return None
        return len(topics.visited), len(topics.pages), visit.reading_skipped

    def _show_people(self) -> None:
        # The people form is the worker's: the worker's language (W_).
        signed = self._signed()
        if signed is not None:
            state, lang = signed
            lines = []
            if state.english is not None:
                lines.append(W_("The council signed off this notice's English content: {name} ({role}), "
                               "{date}.").format(name=state.english.by, role=state.english.role,
                                                 date=state.english.at[:10]))
            else:
                lines.append(W_("The council has not signed off this notice's English content yet."))
            if lang != "en":
                try:
                    name = languages.get(lang).native_name
                except KeyError:
                    name = lang
                if state.translation is not None:
                    lines.append(W_("The translation into {language} is signed off: {name}, {date}.").format(
                        language=name, name=state.translation.by, date=state.translation.at[:10]))
                else:
                    lines.append(W_("The translation into {language} is not signed off yet: the family sees "
                                   "it marked as a draft.").format(language=name))
            unsigned = state.english is None or (lang != "en" and state.translation is None)
            self.people.set_signoff_note("\n".join(lines), unsigned)
        self._show(self.people)

    def show_review(self) -> None:
        from familyprivacy.ui.people_form import FormProblems
        views = self._views()
        try:
            people = self.people.collect()
        except FormProblems:
            return
        if views is not None:
            self.review.show_review(views[0], self.flow.answers, people, views[1], self._reading())
            self._show(self.review)

    def _change_something(self) -> None:
        self._pending = None
        self._show(self.people)

    def save(self) -> None:
        """One clear action: the visit and every answer, each durable once this returns."""
        from familyprivacy.consent.errors import StoreError
        from familyprivacy.consent.model import ModelError
        from familyprivacy.ui import recording
        from familyprivacy.ui.people_form import FormProblems
        views, visit = self._views(), self.window.visit
        if self.session is None or views is None or visit is None:
            self.review.show_failed(_("no worker has unlocked their records"))
            return
        signed = self._signed()
        state = signed[0] if signed else None
        if state is not None and self.window.settings.record_only_signed_content:
            why = recording.unsigned_reason(state, visit.language)
            if why:  # the council's setting: nothing is recorded on content it has not approved
                self.review.show_failed(_("This council records decisions only on content it has signed "
                                          "off, and {reason}.").format(reason=_(why)))
                return
        try:
            if self._pending is None:
                people = self.people.collect()
                signers: tuple[Signer, ...] = ()
                if people.capture.method == "signature":
                    found = self.review.signers()
                    if found is None:
                        self.review.show_failed(_("each person who decided must sign below"))
                        return
                    signers = found
                self._pending = recording.build(visit, views[0], self.flow.answers, people,
                                                recording.worker_for(self.session.store), state, signers)
            recording.save(self.session.store, *self._pending)
        except (StoreError, ModelError, FormProblems, OSError) as exc:
            self.review.show_failed(str(exc) if not isinstance(exc, OSError) else type(exc).__name__)
            return
        self.saved, self._pending = self._pending[0], None
        self.review.show_saved()

    def family_summary(self) -> summary.Summary | None:
        from familyprivacy import summary
        views = self._views()
        if self.session is None or self.saved is None or views is None:
            return None
        store = self.session.store
        return summary.build(views[0], self.saved, store.current_decisions(self.saved.visit_id),
                             store.decisions(self.saved.visit_id))

    def records_summary(self, visit_id: str) -> summary.Summary | None:
        """The family's summary of a visit in Records, as it stands now (after any change), in the
        language the family was shown."""
        from familyprivacy import summary
        from familyprivacy.content.localize import localize
        if self.session is None:
            return None
        store = self.session.store
        visit = store.visit(visit_id)
        try:
            notice = self.window.loaded.by_id(visit.notice_id)
        except KeyError:
            return None
        return summary.build(localize(notice, visit.language), visit, store.current_decisions(visit_id),
                             store.decisions(visit_id))

    def save_records_summary(self, visit_id: str) -> None:
        result = self.records_summary(visit_id)
        if result is not None:
            from familyprivacy.ui import summary_pdf
            summary_pdf.save_with_dialog(result, result.language, self.window)

    def save_pdf(self) -> None:
        result = self.family_summary()
        if result is not None and self.saved is not None:
            from familyprivacy.ui import summary_pdf
            summary_pdf.save_with_dialog(result, self.saved.language, self.window)

    def print_summary(self) -> None:
        result = self.family_summary()
        if result is not None and self.saved is not None:
            from familyprivacy.ui import summary_pdf
            summary_pdf.print_with_dialog(result, self.saved.language, self.window)

    def forget_family(self) -> None:
        """Clear every screen that held this family's details: their answers, names, case reference,
        witness, signature and review. Part of MainWindow.new_visit, the one way a visit ends
        (Finish, Visit > New visit, Ctrl+N, a council change) or a new one starts."""
        if (flow := self._built_screen("flow")) is not None:
            flow.family = None
            flow.answers = {}
        if (people := self._built_screen("people")) is not None:
            people.reset()
            people.set_signoff_note("", False)
        if (review := self._built_screen("review")) is not None:
            review.show_review_cleared()
        self.saved = self._pending = None

    def finish(self) -> None:
        """Nothing of this family stays on screen for the next one (MainWindow.new_visit)."""
        if self.window.presenting:
            self.request_leave(then=self.window.new_visit)
        else:
            self.window.new_visit()

    # -- records -------------------------------------------------------------------------------------
    def show_records(self) -> None:
        """Worker only: never while presenting, never while locked."""
        if self.window.presenting or self.locked or self.session is None:
            return
        self.records.refresh()
        self._show(self.records)

    def _choice_title(self, notice_id: str, choice_id: str) -> str:
        try:
            notice = self.window.loaded.by_id(notice_id)
        except KeyError:
            return choice_id
        return next((c.title for c in notice.choices if c.id == choice_id), choice_id)

    def retranslate(self) -> None:
        self.records_action.setText(W_("&Records on this laptop"))  # the worker's menu: their language
        self.lock_action.setText(W_("&Lock now"))
        self.choices_button.setText(_("Next: your choices"))
        self.choices_button.setAccessibleName(self.choices_button.text())  # what speech control hears
        self.choices_button.setAccessibleDescription(_("Go on to the family's choices"))
        for screen in self.screens:
            screen.retranslate()  # type: ignore[attr-defined]
        if self.saved is None:
            self._pending = None  # saved, it will carry the language now shown
        flow, review = self._built_screen("flow"), self._built_screen("review")
        if flow is None or flow.family is None:
            return
        views = self._views()
        if views is not None:
            flow.set_views(*views)
            if review is not None and review._content is not None:
                review.show_review(views[0], review._content[1], review._content[2], views[1],
                                   self._reading())
                if self.saved is not None:
                    review.show_saved()

    def shutdown(self) -> None:
        self._unlisten()
        self.idle.close()
        if (records := self._built_screen("records")) is not None:
            records.stop_sync()
        if self.session is not None:
            self.session.store.close()
            self.session = None
