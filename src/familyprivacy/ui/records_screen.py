"""The worker's own records on this laptop: visits, decisions, sync state, and changes after the visit.

Worker only: reached from the worker's menu, never from presentation mode. A
withdrawal or change is a new decision event that replaces the current one,
with who asked and how; nothing is edited in place. Synced visits leave the
laptop, so they leave this list too.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.consent import state
from familyprivacy.consent.errors import StoreError
from familyprivacy.consent.model import MAX_TEXT, Capture, Decision, ModelError, Visit
from familyprivacy.i18n import N_, W_
from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.status import SyncStatus
from familyprivacy.ui import access
from familyprivacy.ui.fitting import name_standard_buttons
from familyprivacy.ui.flow_layout import flow_row
from familyprivacy.ui.forms import (
    FocusFirst,
    scrolling_column,
    worker_direction,
    worker_locale,
)
from familyprivacy.ui.recording import worker_for
from familyprivacy.ui.unlock_screen import WorkerSession

if TYPE_CHECKING:
    from familyprivacy.sync.runner import BackgroundSync

VISIT_STATES = {"problem": N_("Sync problem"), "waiting": N_("Waiting to sync"),
                "confirmed": N_("Confirmed by the council")}
STATUS_WORDS = {"given": N_("Yes"), "refused": N_("No"), "deferred": N_("We want time to think"),
                "withdrawn": N_("Withdrawn"), "expired": N_("Expired"), "invalidated": N_("No longer valid")}
HOW_ASKED = (N_("in person"), N_("by phone"), N_("in writing"), N_("by e-mail"))
# The first item of the new decision, who asked and how: nothing is chosen for the worker.
CHOOSE = N_("Choose…")
ChoiceTitle = Callable[[str, str], str]  # (notice id, choice id) -> title for the worker


def visit_sync_states(session: WorkerSession) -> dict[str, str]:
    """Per visit: problem, waiting (not yet confirmed) or confirmed, from the store's outbox."""
    store = session.store
    problems = {event_id for event_id, _reason in store.outbox_problems()}
    result: dict[str, str] = {}
    for envelope in store.outbox_pending(1_000_000):
        visit_id = str((envelope.body or {}).get("visit_id", ""))
        if envelope.header.get("event_id") in problems:
            result[visit_id] = "problem"
        else:
            result.setdefault(visit_id, "waiting")
    return result


def _language_name(code: str) -> str:
    """The language a visit was shown in, by its own name (never a bare code such as "ur")."""
    from familyprivacy.i18n import languages

    try:
        return languages.get(code).native_name
    except KeyError:
        return code


def _local(stamp: str) -> str:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")


class RecordsScreen(FocusFirst, QWidget):
    close_requested = Signal()
    summary_requested = Signal(str)  # a visit id: the family's summary as it stands now
    status_arrived = Signal(object)  # a SyncStatus, from the sync thread: queued to this one

    def __init__(self, title: ChoiceTitle | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: WorkerSession | None = None
        self._sync: BackgroundSync | None = None
        self.title = title or (lambda _notice, choice: choice)
        self.visits: list[Visit] = []
        self.opened: Visit | None = None
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)  # a heading wraps at large text, never cut (1.4.4)
        self.search = QLineEdit()
        self.search.setMaxLength(MAX_TEXT)
        self.search.returnPressed.connect(self.refresh)
        self.find_button = QPushButton()
        self.find_button.clicked.connect(self.refresh)
        self.sync = QPushButton()
        self.sync.clicked.connect(self.sync_now)
        self.setup = QPushButton()
        self.setup.clicked.connect(self.set_up_sync)
        self.sync_state = access.StatusLabel()  # a sync problem is said as it appears
        self.sync_state.setWordWrap(True)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close_requested)
        self.table = QTableWidget(0, 5)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table (the arrow keys move between its rows): it was a keyboard trap (2.1.2).
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the notice id is the longest
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._selected)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.change_box = QGroupBox()
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.new_status = QComboBox()
        self.who = QComboBox()
        self.how = QComboBox()
        self.note = QLineEdit()
        self.note.setMaxLength(MAX_TEXT)
        self.record = QPushButton()
        self.record.setAutoDefault(False)
        self.record.clicked.connect(self.record_change)
        for combo in (self.new_status, self.who, self.how):
            combo.currentIndexChanged.connect(self._update_record)
        # Asked before anything is recorded, with the change in plain words; tests put their own.
        self.confirm: Callable[[str], bool] = self._confirm_with_dialog
        self.change_message = access.StatusLabel()  # "Recorded", "Not recorded", said as they appear
        self.change_message.setWordWrap(True)
        self.change_message.setTextFormat(Qt.TextFormat.PlainText)
        self.change_labels = [QLabel() for _ in range(5)]
        change = QFormLayout(self.change_box)
        # Each label above its field, so a choice's whole name shows in the column's width.
        change.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for label, field in zip(self.change_labels, (self.choice, self.new_status, self.who, self.how,
                                                     self.note), strict=True):
            label.setBuddy(field)
            change.addRow(label, field)
        change.addRow(self.record)
        change.addRow(self.change_message)

        # Rows that wrap: at 200% the buttons were squashed to "ose recor" (1.4.4).
        top = flow_row(self.heading, self.sync_state, None, self.sync, self.setup, self.close_button)
        # The search field is labelled by words shown beside it, not only by its placeholder (1.3.1).
        self.search_label = QLabel()
        self.search_label.setBuddy(self.search)
        find = flow_row(self.search_label, self.search, self.find_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.detail)
        # After a change, the family gets their record as it stands now (in their language).
        self.summary_button = QPushButton()
        self.summary_button.setAutoDefault(False)
        self.summary_button.setEnabled(False)
        self.summary_button.clicked.connect(
            lambda: self.summary_requested.emit(self.opened.visit_id) if self.opened else None)
        right_layout.addWidget(self.summary_button, 0, Qt.AlignmentFlag.AlignLeading)
        right_layout.addWidget(self.change_box)
        # Side by side in fixed shares, not in a splitter: a splitter's handle could only be dragged, and
        # was 4 pixels wide (WCAG 2.5.7, 2.5.8).
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.addWidget(self.table, 3)
        # Scrolled, never squashed: at large text the decisions, the new line among them and the
        # change form each keep their height (at 200% "Recorded" was drawn over the button).
        self.split.addWidget(scrolling_column(right), 2)
        self._right = right
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(top)
        layout.addLayout(find)
        layout.addLayout(self.split, 1)
        # Keyboard order follows the screen: the buttons at the top, the search, the visits, then the
        # chosen visit and its change form.
        chain: list[QWidget] = [self.sync, self.setup, self.close_button, self.search, self.find_button,
                                self.table, self.summary_button, self.choice, self.new_status, self.who,
                                self.how, self.note, self.record]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.status_arrived.connect(self.show_sync_status)
        self.first_focus = self.search
        self.retranslate()

    # -- data ----------------------------------------------------------------------------------------
    def attach(self, session: WorkerSession | None) -> None:
        """The unlocked worker's records; ``None`` forgets everything shown (on lock)."""
        if session is not self.session:
            self.stop_sync()
        self.session = session
        self.search.clear()
        self.opened = None
        self.refresh()

    def refresh(self) -> None:
        keep = self.opened
        self.table.blockSignals(True)  # rebuilding the rows is not the worker choosing another visit
        try:
            problem = self._fill()
        finally:
            self.table.blockSignals(False)
        ids = [v.visit_id for v in self.visits]
        if keep is not None and keep.visit_id in ids:
            self.table.selectRow(ids.index(keep.visit_id))
            self.opened = keep
        else:
            self.opened = None
        self._show_detail()
        if problem:
            self.detail.setText(html.escape(problem))

    def _fill(self) -> str:
        """The rows; a problem to show instead when the records cannot be read."""
        self.table.setRowCount(0)
        self.visits = []
        if self.session is None:
            return ""
        store = self.session.store
        wanted = self.search.text().strip()
        try:
            self.visits = store.find_by_case_reference(wanted) if wanted else store.visits()
            states = visit_sync_states(self.session)
            counts = {v.visit_id: len(store.current_decisions(v.visit_id)) for v in self.visits}
        except StoreError as exc:
            return W_("The records cannot be read: {reason}").format(reason=str(exc))
        self.visits.sort(key=lambda v: v.started_at, reverse=True)
        self.table.setRowCount(len(self.visits))
        for row, visit in enumerate(self.visits):
            cells = (_local(visit.started_at), visit.case_reference, visit.notice_id,
                     str(counts[visit.visit_id]), W_(VISIT_STATES[states.get(visit.visit_id, "confirmed")]))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        return ""

    def _selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        self.opened = self.visits[rows.pop()] if len(rows) == 1 else None
        self._show_detail()

    def open_visit(self, visit_id: str) -> None:
        ids = [v.visit_id for v in self.visits]
        self.table.selectRow(ids.index(visit_id))

    def current(self) -> dict[str, Decision]:
        if self.session is None or self.opened is None:
            return {}
        return self.session.store.current_decisions(self.opened.visit_id)

    def _show_detail(self) -> None:
        visit = self.opened
        self.change_box.setEnabled(visit is not None)
        self.summary_button.setEnabled(visit is not None)
        self.choice.blockSignals(True)
        self.choice.clear()
        self.who.clear()
        if visit is None or self.session is None:
            self.detail.setText(html.escape(W_("Choose a visit to see its decisions.")) if self.visits
                                else html.escape(W_("No visits on this laptop match.")))
            self.choice.blockSignals(False)
            return
        e = html.escape
        history = self.session.store.decisions(visit.visit_id)
        current = {d.decision_id for d in self.current().values()}
        people = {g.id: f"{g.name} ({g.relationship})" for g in visit.grantors}
        lines = [f"<p><b>{e(visit.case_reference)}</b> — {e(_local(visit.started_at))} — "
                 f"{e(_language_name(visit.language))}</p>",
                 f"<p>{e(', '.join(people.values()))}</p>",
                 f"<p>{e(', '.join(c.name for c in visit.children))}</p><ul>"]
        for d in history:
            mark = "" if d.decision_id in current else " " + W_("(replaced)")
            word = W_("Explained") if d.kind == "information-only" else W_(STATUS_WORDS[d.status])
            reason = f" — {e(d.reason)}" if d.reason else ""
            lines.append(f"<li>{e(_local(d.recorded_at))} {e(self.title(visit.notice_id, d.choice_id))}: "
                         f"<b>{e(word)}</b>{e(mark)}{reason}</li>")
        self.detail.setText("".join(lines) + "</ul>")
        for choice_id, decision in self.current().items():
            if decision.kind != "information-only":
                self.choice.addItem(self.title(visit.notice_id, choice_id), choice_id)
        self.who.addItem(W_(CHOOSE), None)
        for grantor in visit.grantors:
            self.who.addItem(people[grantor.id], grantor.id)
        self.choice.blockSignals(False)
        self._choice_changed()

    def _choice_changed(self) -> None:
        self.new_status.clear()
        decision = self.current().get(str(self.choice.currentData() or ""))
        if decision is None:
            self.record.setEnabled(False)
            return
        self.new_status.addItem(W_(CHOOSE), None)  # no new decision is chosen for the worker
        if decision.status == "given":
            allowed = state.AFTER_GIVEN
        elif decision.status in ("withdrawn", "expired", "invalidated"):
            allowed = state.FIRST_STATUSES
        else:
            allowed = state.AFTER_OTHER
        for status in ("withdrawn", "given", "refused", "deferred", "expired", "invalidated"):
            if status in allowed:
                self.new_status.addItem(W_(STATUS_WORDS[status]), status)
        self._update_record()

    def _update_record(self) -> None:
        """Record only once the new decision, who asked and how are all chosen."""
        self.record.setEnabled(all(combo.currentData() is not None
                                   for combo in (self.choice, self.new_status, self.who, self.how)))

    def confirm_box(self, text: str) -> QMessageBox:
        """The question asked before a change is recorded, in the worker's language; No is the default."""
        box = QMessageBox(QMessageBox.Icon.Question, W_("Record this change?"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setLayoutDirection(worker_direction())
        box.setLocale(worker_locale())
        name_standard_buttons(box)
        return box

    def _confirm_with_dialog(self, text: str) -> bool:
        return self.confirm_box(text).exec() == QMessageBox.StandardButton.Yes

    def record_change(self) -> None:
        """Who asked, how and (optionally) why, as a new event that replaces the current decision."""
        if self.session is None or self.opened is None:
            return
        current = self.current().get(str(self.choice.currentData() or ""))
        status, who, how = self.new_status.currentData(), self.who.currentData(), self.how.currentData()
        if current is None or status is None or who is None or how is None:
            return
        restated = W_("{choice}: from “{old}” to “{new}”. Asked {how} by {who}.").format(
            choice=self.choice.currentText(), old=W_(STATUS_WORDS[current.status]),
            new=W_(STATUS_WORDS[str(status)]), how=W_(str(how)), who=self.who.currentText())
        if not self.confirm(restated):
            self.change_message.setText(W_("Not recorded."))
            return
        worker = worker_for(self.session.store)
        note = self.note.text().strip()
        reason = "Asked " + how + (f". {note}" if note else "")  # the council's record, in English
        change = Decision(visit_id=current.visit_id, choice_id=current.choice_id, kind=current.kind,
                          status=str(status), grantor_ids=(str(who),),
                          child_ids=current.child_ids, capture=Capture("verbal", None, worker.name),
                          recorded_by=worker.id, language=current.language,
                          content_fingerprint=current.content_fingerprint, replaces=current.decision_id,
                          reason=reason)
        try:
            self.session.store.record_decision(change)
        except (StoreError, ModelError) as exc:
            self.change_message.setText(W_("Not recorded: {reason}").format(reason=str(exc)))
            return
        self.note.clear()
        self.how.setCurrentIndex(0)  # the next change is chosen afresh, like the rest of the form
        self.change_message.setText(W_("Recorded. It will go to the council at the next sync."))
        self.refresh()

    def sync_now(self) -> None:
        """Start the background sync on first use, then ask it to try at once."""
        if self.session is None:
            return
        if self._sync is not None:
            self._sync.sync_now()
            return
        try:
            settings = sync_settings.load()
        except sync_settings.SettingsError as exc:
            self.sync_state.setText(W_("Sync cannot start: {reason}").format(reason=str(exc)))
            return
        from familyprivacy.sync.runner import BackgroundSync  # the HTTP client loads on first sync

        store = self.session.store
        self._sync = BackgroundSync(lambda: store, settings, on_status=self.status_arrived.emit,
                                    on_settings=sync_settings.save)
        self._sync.start()

    def set_up_sync(self) -> None:
        """The inbox's address and this worker's enrolment, behind the worker's unlock."""
        if self.session is None:
            return
        from familyprivacy.ui.sync_setup import SyncSetupDialog  # the HTTP client loads when needed

        dialog = SyncSetupDialog(self.session.store, self)
        dialog.exec()
        if dialog.enrolled:
            self.stop_sync()  # start again with the new address and this store's token
            self.sync_now()

    def stop_sync(self) -> None:
        if self._sync is not None:
            self._sync.stop(timeout=5.0)
            self._sync = None

    def show_sync_status(self, status: SyncStatus) -> None:
        reason = status.reason_text()
        self.sync_state.setText(status.label() + (f": {reason}" if reason else ""))
        self.refresh()

    # -- fitting the text size -------------------------------------------------------------------
    def _fit(self) -> None:
        """The visits beside the chosen visit when its change form fits in its share of the width, or
        above it when it does not: at 200% the form's choices were cut off at the side (1.4.4)."""
        need = self._right.sizeHint().width() + self.style().pixelMetric(
            self.style().PixelMetric.PM_ScrollBarExtent) + 8
        side_by_side = need <= self.width() * 2 // 5
        direction = QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        if self.split.direction() != direction:
            self.split.setDirection(direction)
            self.split.setStretch(0, 3 if side_by_side else 2)
            self.split.setStretch(1, 2 if side_by_side else 3)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def retranslate(self) -> None:
        self.setLayoutDirection(worker_direction())  # a worker's screen: the worker's language
        self.setLocale(worker_locale())
        self.heading.setText(W_("Records on this laptop"))
        self.search_label.setText(W_("Find by case reference"))
        self.search.setAccessibleName(self.search_label.text())
        self.find_button.setText(W_("Find"))
        self.find_button.setAccessibleName(W_("Find visits with this case reference"))
        self.sync.setText(W_("Sync now"))
        self.setup.setText(W_("Set up sync…"))
        # Each button is named by its own words (what speech control users say), described more fully.
        self.setup.setAccessibleName(self.setup.text())
        self.setup.setAccessibleDescription(W_("Set the council's inbox address and enrol these records"))
        self.sync.setAccessibleName(self.sync.text())
        self.sync.setAccessibleDescription(W_("Send the records to the council now"))
        self.close_button.setText(W_("Close records"))
        self.close_button.setAccessibleName(self.close_button.text())
        self.close_button.setAccessibleDescription(W_("Close the records"))
        self.table.setHorizontalHeaderLabels([W_("Date"), W_("Case reference"), W_("Notice"), W_("Choices"),
                                              W_("Sync")])
        self.table.setAccessibleName(W_("Visits on this laptop"))
        self.detail.setAccessibleDescription(W_("The decisions of the chosen visit"))
        self.change_box.setTitle(W_("Record a withdrawal or change"))
        texts = (W_("Choice"), W_("New decision"), W_("Who asked"), W_("How they asked"),
                 W_("Note (optional)"))
        for label, text in zip(self.change_labels, texts, strict=True):
            label.setText(text)
            buddy = label.buddy()
            if buddy is not None:
                buddy.setAccessibleName(text)
        index = self.how.currentIndex()
        self.how.clear()
        self.how.addItem(W_(CHOOSE), None)
        for how in HOW_ASKED:
            self.how.addItem(W_(how), how)
        self.how.setCurrentIndex(max(index, 0))
        self.summary_button.setText(W_("Save an updated summary for the family"))
        self.summary_button.setAccessibleName(W_("Save an updated summary for the family"))
        self.record.setText(W_("Record this change"))
        self.record.setAccessibleName(W_("Record this change as a new decision"))
        self._show_detail()
