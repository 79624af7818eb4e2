"""The worker's records screen: sync state, find by case reference, open a visit, record a withdrawal."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyprivacy import visit as session
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.model import Capture, Child, Grantor, Interpreter
from familyprivacy.consent.store import Store
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.ui import recording
from familyprivacy.ui.people_form import People
from familyprivacy.ui.records_screen import RecordsScreen
from familyprivacy.ui.unlock_screen import WorkerSession
from tests.test_record_flow import NOTICE, host
from tests.test_ui_support import no_translations
from tests.waiting import HANG_GUARD_MS

__all__ = ["no_translations"]
LEFT = Qt.MouseButton.LeftButton


def saved_visit(store: Store, case: str, status: str) -> str:
    family = localize(load_all().by_id(NOTICE), "en")
    people = People((Grantor("g1", "Amelia Nowak", "mother"), Grantor("g2", "Piotr Nowak", "father")),
                    (Child("c1", "Zofia"),), Interpreter(), case, Capture("verbal", None, "Dana"))
    answers = {c.id: (status if c.kind != "information-only" else "given") for c in family.choices}
    record, decisions = recording.build(session.Visit(NOTICE), family, answers, people,
                                        recording.worker_for(store))
    recording.save(store, record, decisions)
    return record.visit_id


@pytest.fixture
def worker(tmp_path: Path) -> WorkerSession:
    store = Store.create(tmp_path / "w.db", "a passphrase", "Sam Carter", KdfParams.fast_for_tests())
    return WorkerSession(store)


def test_find_open_and_withdraw(qtbot: QtBot, worker: WorkerSession, no_translations: None) -> None:
    store = worker.store
    first = saved_visit(store, "CH-111", "given")
    saved_visit(store, "CH-222", "refused")
    notice = load_all().by_id(NOTICE)
    titles = {c.id: c.title for c in notice.choices}
    screen = RecordsScreen(lambda _n, choice: titles[choice])
    _win = host(qtbot, screen)
    screen.attach(worker)
    assert screen.table.rowCount() == 2
    assert {screen.table.item(r, 4).text() for r in range(2)} == {"Waiting to sync"}
    qtbot.keyClicks(screen.search, " ch-111 ")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.table.rowCount() == 1 and screen.table.item(0, 1).text() == "CH-111"
    screen.table.selectRow(0)
    assert screen.opened is not None and screen.opened.visit_id == first
    assert "Amelia Nowak (mother)" in screen.detail.text()
    assert "— English</p>" in screen.detail.text(), "the language by its name, never a code"
    assert "Referral to Help and Support" in screen.detail.text()
    # Information-only items cannot be "withdrawn": only the real choices are offered (Help and
    # Support, and the housing referral, both need the family's consent).
    real = [c.id for c in notice.choices if c.kind != "information-only"]
    assert screen.choice.count() == len(real) == 2
    referral = "help-and-support-referral"
    screen.choice.setCurrentIndex(screen.choice.findData(referral))
    assert screen.choice.currentData() == referral
    # Nothing is chosen for the worker: no new decision, nobody who asked, no way of asking.
    assert [screen.new_status.itemData(i) for i in range(screen.new_status.count())] == [
        None, "withdrawn", "expired", "invalidated"]
    assert screen.new_status.currentData() is None and screen.who.currentData() is None
    assert screen.how.currentData() is None and not screen.record.isEnabled()
    asked: list[str] = []
    screen.confirm = lambda text: asked.append(text) is None and False  # the worker says "No"
    screen.new_status.setCurrentIndex(screen.new_status.findData("withdrawn"))
    screen.who.setCurrentIndex(screen.who.findData("g2"))
    assert not screen.record.isEnabled(), "how they asked is still to choose"
    screen.how.setCurrentIndex(screen.how.findData("by phone"))
    assert screen.record.isEnabled()
    qtbot.keyClicks(screen.note, "called the office")
    qtbot.mouseClick(screen.record, LEFT)
    assert asked == ["Referral to Help and Support: from “Yes” to “Withdrawn”. Asked by phone by "
                     "Piotr Nowak (father)."]
    assert screen.change_message.text() == "Not recorded." and len(store.decisions(first)) == len(
        notice.choices), "declined at the confirmation: nothing recorded"
    screen.confirm = lambda text: asked.append(text) is None  # now "Yes"
    qtbot.mouseClick(screen.record, LEFT)
    assert "Recorded" in screen.change_message.text()
    history = store.decisions(first)
    change = history[-1]
    assert change.choice_id == referral and change.status == "withdrawn"
    assert change.replaces == next(d.decision_id for d in history[:-1] if d.choice_id == referral)
    assert change.grantor_ids == ("g2",) and change.reason == "Asked by phone. called the office"
    assert change.capture.method == "verbal" and change.capture.witness == "Sam Carter"
    assert store.current_decisions(first)[referral].status == "withdrawn"
    assert "Withdrawn" in screen.detail.text() and "(replaced)" in screen.detail.text()
    # The family gets their record as it stands now: an updated summary, offered right here.
    assert screen.summary_button.isEnabled()
    with qtbot.waitSignal(screen.summary_requested, timeout=HANG_GUARD_MS) as asked_for:
        qtbot.mouseClick(screen.summary_button, LEFT)
    assert asked_for.args == [first]
    # After a withdrawal the family can decide afresh.
    assert "given" in [screen.new_status.itemData(i) for i in range(screen.new_status.count())]


def test_confirmed_visits_show_as_confirmed_and_locking_forgets_the_list(
        qtbot: QtBot, worker: WorkerSession, no_translations: None) -> None:
    store = worker.store
    saved_visit(store, "CH-333", "deferred")
    store.mark_confirmed([e.header["event_id"] for e in store.outbox_pending(100)])
    screen = RecordsScreen()
    _win = host(qtbot, screen)
    screen.attach(worker)
    assert screen.table.item(0, 4).text() == "Confirmed by the council"
    screen.attach(None)
    assert screen.table.rowCount() == 0 and "CH-333" not in screen.detail.text()


def test_sync_now_without_enrolment_says_so(qtbot: QtBot, worker: WorkerSession,
                                            no_translations: None) -> None:
    screen = RecordsScreen()
    _win = host(qtbot, screen)
    screen.attach(worker)
    try:
        qtbot.mouseClick(screen.sync, LEFT)
        qtbot.waitUntil(lambda: "not set up" in screen.sync_state.text(), timeout=HANG_GUARD_MS)
    finally:
        screen.stop_sync()


def test_at_twice_the_text_size_nothing_in_the_change_form_overlaps(
        qtbot: QtBot, worker: WorkerSession, no_translations: None) -> None:
    """At 200% the message 'Recorded' was drawn over the Record button, and the list of decisions
    was squashed so the new line was hidden: now the column scrolls and each row keeps its height."""
    from familyprivacy.ui import fonts, theme
    from familyprivacy.ui.app import application

    app = application()
    theme.apply(app, False, theme.BASE_POINT_SIZE * 2, fonts.families_for("en"))
    try:
        first = saved_visit(worker.store, "CH-111", "given")
        notice = load_all().by_id(NOTICE)
        titles = {c.id: c.title for c in notice.choices}
        screen = RecordsScreen(lambda _n, choice: titles[choice])
        _win = host(qtbot, screen)
        screen.resize(1280, 800)
        screen.attach(worker)
        screen.table.selectRow(0)
        screen.confirm = lambda _text: True
        screen.new_status.setCurrentIndex(screen.new_status.findData("withdrawn"))
        screen.who.setCurrentIndex(screen.who.findData("g1"))
        screen.how.setCurrentIndex(screen.how.findData("in person"))
        qtbot.mouseClick(screen.record, LEFT)
        assert worker.store.current_decisions(first)["help-and-support-referral"].status == "withdrawn"
        QApplication.processEvents()
        message, button = screen.change_message, screen.record
        assert message.isVisible() and "Recorded" in message.text()
        assert not message.geometry().intersects(button.geometry()), "the message sits below the button"
        assert message.height() >= message.heightForWidth(message.width()) - 1, "the message is never cut"
        assert button.height() >= button.sizeHint().height()
        assert screen.detail.height() >= screen.detail.heightForWidth(screen.detail.width()) - 1, \
            "the decisions, the new one included, are never squashed"
        assert screen.how.currentData() is None, "the next change is chosen afresh"
    finally:
        theme.apply(app, False, theme.BASE_POINT_SIZE, fonts.families_for("en"))
