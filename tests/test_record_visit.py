"""A whole recorded visit in the real window, from unlock to saved decisions: by clicks and by keyboard.
Presentation mode cannot reach the records or the settings; the idle lock hides the visit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy import settings
from familyprivacy.consent import cli as records
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.store import Store
from familyprivacy.content.loader import LoadResult, load_all
from familyprivacy.ui.app import application, build_window
from familyprivacy.ui.main_window import MainWindow
from tests.test_record_flow import NOTICE, sign
from tests.test_ui_support import no_translations
from tests.waiting import HANG_GUARD_MS

__all__ = ["no_translations"]
LEFT = Qt.MouseButton.LeftButton
PASSPHRASE = "kettle orbit mango quietly"
SKIPPED = "The family has read this notice before"


def _locked_window(qtbot: QtBot) -> Iterator[MainWindow]:
    """A worker's store and the app's window, locked as it opens, on the Stockton notice."""
    Store.create(records.new_store_path(), PASSPHRASE, "Sam Carter",
                 KdfParams.fast_for_tests()).close()
    notice = load_all().by_id(NOTICE)
    prefs = settings.Loaded(settings.Settings(council=notice.council.id))
    window = build_window(application(), LoadResult(notices=[notice]), prefs, lock=True)
    window.recorder.ask_skip = lambda seen, total: SKIPPED  # most tests read a topic or two only
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_GUARD_MS)
    yield window
    if window.presenting:  # pytest-qt's own close came first and was refused while presenting
        window.leave_presentation()
    window.close()


@pytest.fixture
def locked_window(qtbot: QtBot, no_translations: None) -> Iterator[MainWindow]:
    yield from _locked_window(qtbot)


def visible_text(window: QWidget) -> str:
    """Everything a person could read on the window now."""
    parts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    return "\n".join(parts)


def _unlock_and_open(qtbot: QtBot, window: MainWindow, pin: str = "") -> None:
    """Unlock as the worker (with a presentation PIN if given), open the first notice in English."""
    unlock = window.recorder.unlock_screen
    qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
    if pin:
        qtbot.keyClicks(unlock.pin, pin)
    qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    qtbot.mouseClick(window.notice_picker.buttons[0], LEFT)
    window.choose_language("en")


def test_whole_visit_by_clicks(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    assert window.stack.currentWidget() is recorder.unlock_screen
    assert not window.menuBar().isVisible() and not any(a.isEnabled() for a in window.worker_actions)
    unlock = recorder.unlock_screen
    qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
    qtbot.keyClicks(unlock.pin, "2468")
    qtbot.mouseClick(unlock.unlock, LEFT)
    assert window.stack.currentWidget() is window.notice_picker and window.menuBar().isVisible()
    assert not recorder.choices_bar.isVisible()  # only under the topics of a visit
    qtbot.mouseClick(window.notice_picker.buttons[0], LEFT)
    (english,) = [b for b in window.language_picker.buttons if b.key == "en"]
    qtbot.mouseClick(english, LEFT)
    assert window.stack.currentWidget() is window.topic_view
    qtbot.mouseClick(window.topic_view.next, LEFT)
    qtbot.mouseClick(window.bar.present, LEFT)
    assert window.presenting
    # The family's screen cannot reach the records or the settings.
    assert not recorder.records_action.isEnabled() and not window.council_action.isEnabled()
    recorder.records_action.trigger()
    recorder.show_records()
    assert window.stack.currentWidget() is window.topic_view
    assert recorder.choices_button.isVisible()
    qtbot.mouseClick(recorder.choices_button, LEFT)
    flow = recorder.flow
    assert window.stack.currentWidget() is flow
    while window.stack.currentWidget() is flow:  # yes to each real choice; each other one explained
        button = flow.explained if flow.explained.isVisible() else flow.buttons["given"]
        assert button.isVisible()
        qtbot.mouseClick(button, LEFT)
    people = recorder.people
    assert window.stack.currentWidget() is people
    qtbot.keyClicks(people.case_reference, "CH-777")
    qtbot.keyClicks(people.people_rows[0].name, "Amelia Nowak")
    qtbot.mouseClick(people.add_child, LEFT)
    qtbot.keyClicks(people.child_rows[0].name, "Zofia")
    qtbot.mouseClick(people.next, LEFT)
    review = recorder.review
    assert window.stack.currentWidget() is review and "CH-777" in review.details.text()
    qtbot.mouseClick(review.save, LEFT)  # nobody has signed yet: nothing is saved
    assert not review.saved and "sign" in review.state.text() and recorder.session is not None
    assert recorder.session.store.visits() == []
    sign(qtbot, review.pads["g1"], [(30, 40), (70, 90), (120, 50)])  # signing comes last
    qtbot.mouseClick(review.save, LEFT)
    assert review.saved and "Saved" in review.state.text()
    assert recorder.session is not None
    store = recorder.session.store
    (visit,) = store.visits()
    assert visit.case_reference == "CH-777" and [g.name for g in visit.grantors] == ["Amelia Nowak"]
    assert window.visit is not None and len(window.visit.sections_viewed()) >= 2  # two topics were read
    assert [s.section_id for s in visit.sections_shown] == window.visit.sections_viewed()
    current = store.current_decisions(visit.visit_id)
    notice = window.loaded.by_id(NOTICE)
    assert {c: d.status for c, d in current.items()} == {c.id: "given" for c in notice.choices}
    assert all(d.capture.method == "signature" and d.child_ids == ("c1",) for d in current.values())
    assert all([s.grantor_id for s in d.capture.signers] == ["g1"] for d in current.values())
    # Saving or printing the summary opens system dialogs: only for the worker, past the wall.
    qtbot.mouseClick(review.pdf, LEFT)
    assert window.stack.currentWidget() is recorder.wall
    qtbot.mouseClick(recorder.wall.cancel, LEFT)
    assert window.stack.currentWidget() is review and window.presenting
    # Finishing while presenting goes through the wall; the PIN opens it.
    qtbot.mouseClick(review.finish, LEFT)
    assert window.stack.currentWidget() is recorder.wall and window.presenting
    assert "Amelia" not in visible_text(window) and "CH-777" not in visible_text(window)
    qtbot.keyClicks(recorder.wall.secret, "2468")
    qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
    assert not window.presenting and window.stack.currentWidget() is window.notice_picker
    assert recorder.people.case_reference.text() == "" and recorder.flow.answers == {}
    # The worker's records show the visit.
    recorder.records_action.trigger()
    assert window.stack.currentWidget() is recorder.records
    assert recorder.records.table.item(0, 1).text() == "CH-777"


def test_whole_visit_by_keyboard(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder

    def key(k: Qt.Key) -> None:
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, k)

    window.activateWindow()
    recorder.unlock_screen.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), PASSPHRASE)
    key(Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.notice_picker
    key(Qt.Key.Key_Space)
    picker = window.language_picker
    picker.filter.setFocus()
    qtbot.keyClicks(picker.filter, "english")
    key(Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.topic_view
    recorder.choices_button.setFocus()  # Tab order reaches it after the topic controls
    key(Qt.Key.Key_Space)
    flow = recorder.flow

    def tab_to(target: QWidget) -> None:
        """Tab until ``target`` has the focus: no answer starts focused, so the worker moves to it."""
        for _ in range(12):
            if QApplication.focusWidget() is target:
                return
            key(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {target.text()!r}")

    assert QApplication.focusWidget() is flow, "no answer is focused on a fresh choice"
    tab_to(flow.buttons["refused"])
    key(Qt.Key.Key_Space)
    while window.stack.currentWidget() is flow:
        assert QApplication.focusWidget() is flow
        tab_to(flow.explained if flow.current().kind == "information-only" else flow.buttons["refused"])
        key(Qt.Key.Key_Space)
    people = recorder.people
    people.setFocus()
    assert QApplication.focusWidget() is people.case_reference
    qtbot.keyClicks(people.case_reference, "CH-888")
    key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is people.people_rows[0].name
    qtbot.keyClicks(people.people_rows[0].name, "Amelia Nowak")
    people.verbal.setFocus()
    key(Qt.Key.Key_Space)  # said aloud, with a witness
    assert people.verbal.isChecked()
    people.witness.setFocus()
    qtbot.keyClicks(people.witness, "Dana Witness")
    key(Qt.Key.Key_Return)  # the default button: check everything
    review = recorder.review
    assert window.stack.currentWidget() is review
    review.save.setFocus()
    key(Qt.Key.Key_Space)
    assert review.saved
    assert recorder.session is not None
    store = recorder.session.store
    (visit,) = store.visits()
    statuses = {d.status for d in store.current_decisions(visit.visit_id).values()}
    assert "refused" in statuses and visit.case_reference == "CH-888"


def test_idle_lock_hides_the_visit_and_needs_the_passphrase(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window, pin="2468")
    recorder.start_choices()
    recorder.idle.set_minutes(0.003)  # 180 ms
    recorder.idle.start()
    qtbot.waitUntil(lambda: recorder.locked, timeout=HANG_GUARD_MS)
    assert window.stack.currentWidget() is recorder.wall and not recorder.wall.cancel.isVisible()
    assert recorder.session is not None and not recorder.session.store.is_unlocked
    notice = window.loaded.by_id(NOTICE)
    assert notice.choices[0].title not in visible_text(window)
    assert not window.menuBar().isVisible() and not window.bar.isVisible()
    qtbot.keyClicks(recorder.wall.secret, "2468")  # the PIN is not enough after an idle lock
    qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
    assert recorder.locked
    recorder.idle.set_minutes(5)
    qtbot.keyClicks(recorder.wall.secret, PASSPHRASE)
    qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
    assert not recorder.locked and recorder.session.store.is_unlocked
    assert window.stack.currentWidget() is recorder.flow  # back where the visit was


def test_leaving_presentation_needs_the_pin(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window, pin="2468")
    qtbot.mouseClick(window.bar.present, LEFT)
    qtbot.mouseClick(window.bar.present, LEFT)  # "Leave presentation"
    assert window.presenting and window.stack.currentWidget() is recorder.wall
    qtbot.mouseClick(recorder.wall.cancel, LEFT)
    assert window.presenting and window.stack.currentWidget() is window.topic_view
    qtbot.mouseClick(window.bar.present, LEFT)
    qtbot.keyClicks(recorder.wall.secret, "1111")
    qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
    assert window.presenting
    qtbot.keyClicks(recorder.wall.secret, "2468")
    qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
    assert not window.presenting and window.stack.currentWidget() is window.topic_view
    assert window.menuBar().isVisible()


def test_idle_lock_over_the_leave_wall_keeps_the_family_screen(qtbot: QtBot,
                                                               locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    window.enter_presentation()
    recorder.start_choices()
    recorder.request_leave(then=window.show_notice_picker)
    recorder.lock()  # the idle lock fires while the wall is up
    qtbot.keyClicks(recorder.wall.secret, PASSPHRASE)
    qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
    assert window.presenting and window.stack.currentWidget() is recorder.flow


def test_language_switch_during_the_choices_redraws_them(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    recorder.start_choices()
    english_title = recorder.flow.title.text()
    window.set_language("en-XA")  # the long pseudo-language: every string visibly changes
    assert recorder.flow.title.text() != english_title and english_title.split()[0] in (
        recorder.flow.english_text.text())
    assert recorder.flow.buttons["given"].text() != "Yes"
    assert recorder.flow.english_toggle.isVisible()
    recorder.flow.english_toggle.click()
    assert recorder.flow.english_box.isVisible()


def test_right_to_left_mirrors_the_choices(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    recorder.start_choices()
    flow = recorder.flow
    qtbot.waitUntil(lambda: flow.buttons["given"].x() < flow.buttons["refused"].x(), timeout=HANG_GUARD_MS)
    assert flow.back.mapTo(window, QPoint(0, 0)).x() < flow.buttons["given"].mapTo(window, QPoint(0, 0)).x()
    window.set_language("ar-XB")
    qtbot.waitUntil(lambda: flow.buttons["given"].x() > flow.buttons["refused"].x(),  # Yes reads first
                    timeout=HANG_GUARD_MS)
    assert flow.back.mapTo(window, QPoint(0, 0)).x() > flow.buttons["given"].mapTo(window, QPoint(0, 0)).x()


def _fill_a_visit(qtbot: QtBot, window: MainWindow) -> None:
    """A visit as far as the review: answers, names, a case reference, a witness and a signature."""
    recorder = window.recorder
    recorder.start_choices()
    flow = recorder.flow
    while window.stack.currentWidget() is flow:
        button = flow.explained if flow.explained.isVisible() else flow.buttons["refused"]
        qtbot.mouseClick(button, LEFT)
    people = recorder.people
    qtbot.keyClicks(people.case_reference, "CH-999")
    qtbot.keyClicks(people.people_rows[0].name, "Amelia Nowak")
    qtbot.mouseClick(people.add_child, LEFT)
    qtbot.keyClicks(people.child_rows[0].name, "Zofia")
    qtbot.keyClicks(people.witness, "Dana Witness")
    qtbot.mouseClick(people.next, LEFT)
    assert window.stack.currentWidget() is recorder.review and "CH-999" in recorder.review.details.text()
    sign(qtbot, recorder.review.pads["g1"], [(30, 40), (70, 90), (120, 50)])
    assert flow.answers and recorder.review.signers() is not None


@pytest.mark.parametrize("route", ["menu", "shortcut", "finish", "council"])
def test_every_way_to_a_new_visit_leaves_nothing_of_the_last_family(
        qtbot: QtBot, locked_window: MainWindow, route: str) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    _fill_a_visit(qtbot, window)
    if route == "menu":
        window.new_visit_action.trigger()
    elif route == "shortcut":
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    elif route == "finish":
        qtbot.mouseClick(recorder.review.save, LEFT)
        qtbot.mouseClick(recorder.review.finish, LEFT)
    else:
        window.choose_council(window.settings.council)
    assert window.visit is None and window.stack.currentWidget() is window.notice_picker
    # The next family starts here: every screen that held the last one's details is empty.
    qtbot.mouseClick(window.notice_picker.buttons[0], LEFT)
    window.choose_language("en")
    people, flow, review = recorder.people, recorder.flow, recorder.review
    assert flow.answers == {} and flow.family is None
    assert people.case_reference.text() == "" and people.witness.text() == ""
    assert [r.name.text() for r in people.people_rows] == [""] and people.child_rows == []
    assert people.verbal.isChecked() is False
    assert review.details.text() == "" and review.pads == {} and review.signers() is None
    assert not review.saved
    recorder.start_choices()
    assert "Chosen so far" not in visible_text(window) or "No" not in flow.chosen.text()
    for name in ("Amelia", "Zofia", "CH-999", "Dana Witness"):
        assert name not in visible_text(window)


@pytest.fixture
def translated_window(qtbot: QtBot) -> Iterator[MainWindow]:
    """The locked window with the real catalogs (``locked_window`` shows English only)."""
    yield from _locked_window(qtbot)


def test_worker_screens_speak_the_workers_language_while_the_family_reads_urdu(
        qtbot: QtBot, translated_window: MainWindow) -> None:
    """The family's screens are in Urdu; the people form, the wall and the records are in the worker's
    language (English here), left to right, so the worker can read the legal record they fill in."""
    from PySide6.QtCore import Qt as QtNs

    from familyprivacy import i18n

    window, recorder = translated_window, translated_window.recorder
    unlock = recorder.unlock_screen
    qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
    qtbot.keyClicks(unlock.pin, "2468")
    qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    qtbot.mouseClick(window.notice_picker.buttons[0], LEFT)
    window.choose_language("ur")
    assert i18n.current_language() == "ur" and i18n.worker_language() == "en"
    assert window.visit_menu.title() == "&Visit" and recorder.records_action.text().startswith("&Records")
    assert window.menuBar().layoutDirection() == QtNs.LayoutDirection.LeftToRight, "the worker's menus"
    recorder.start_choices()
    flow = recorder.flow
    assert flow.progress.text() == i18n._("Choice {number} of {total}").format(number=1, total=4)
    assert flow.progress.text() != "Choice 1 of 4", "the decisions are the family's: Urdu"
    while window.stack.currentWidget() is flow:
        button = flow.explained if flow.explained.isVisible() else flow.buttons["refused"]
        qtbot.mouseClick(button, LEFT)
    people = recorder.people
    assert window.stack.currentWidget() is people
    assert people.heading.text() == "Who decided, and how"
    assert people.case_label.text() == "Case reference"
    assert people.layoutDirection() == QtNs.LayoutDirection.LeftToRight
    assert window.layoutDirection() == QtNs.LayoutDirection.RightToLeft or \
        QApplication.layoutDirection() == QtNs.LayoutDirection.RightToLeft
    qtbot.mouseClick(people.next, LEFT)  # nothing filled in: the problems are the worker's to read
    assert "Enter the case reference." in people.problems.text()
    window.enter_presentation()
    recorder.request_leave()
    assert window.stack.currentWidget() is recorder.wall
    assert recorder.wall.layoutDirection() == QtNs.LayoutDirection.LeftToRight
    assert recorder.wall.secret.accessibleName() and all(
        "\u0600" > ch or ch > "\u06ff" for ch in recorder.wall.heading.text()), "the wall is in English"


def test_choices_come_after_reading_or_with_the_workers_reason(qtbot: QtBot,
                                                               locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    topics = window.topic_view
    asked: list[tuple[int, int]] = []
    recorder.ask_skip = lambda seen, total: asked.append((seen, total)) and None  # the worker cancels
    recorder.start_choices()
    assert asked == [(1, len(topics.pages))] and window.stack.currentWidget() is topics
    assert window.visit is not None and window.visit.reading_skipped is None
    # Every topic shown: the choices come without a question.
    for _ in range(len(topics.pages)):
        qtbot.mouseClick(topics.next, LEFT)
    assert len(topics.visited) == len(topics.pages)
    recorder.start_choices()
    assert window.stack.currentWidget() is recorder.flow and len(asked) == 1


def test_a_skipped_reading_is_recorded_with_its_reason(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    recorder.start_choices()  # one topic of ten seen: the fixture's worker gives a reason
    flow = recorder.flow
    while window.stack.currentWidget() is flow:
        qtbot.mouseClick(flow.explained if flow.explained.isVisible() else flow.buttons["deferred"], LEFT)
    people = recorder.people
    qtbot.keyClicks(people.case_reference, "CH-555")
    qtbot.keyClicks(people.people_rows[0].name, "Amelia Nowak")
    people.verbal.setChecked(True)
    qtbot.keyClicks(people.witness, "Dana Witness")
    qtbot.mouseClick(people.next, LEFT)
    total = len(window.topic_view.pages)
    assert f"1 of {total} topics seen — {SKIPPED}" in recorder.review.details.text(), "the review shows it"
    qtbot.mouseClick(recorder.review.save, LEFT)
    assert recorder.review.saved and recorder.session is not None
    (visit,) = recorder.session.store.visits()
    assert visit.reading_skipped == SKIPPED and len(visit.sections_shown) < len(window.topic_view.pages)
    # Later, from Records: the family's summary as it stands, built from the saved record.
    later = recorder.records_summary(visit.visit_id)
    assert later is not None and "We want time to think" in later.html and "Sam Carter" in later.html
