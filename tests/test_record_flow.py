"""The decision screens on their own: signature pad, choices, people, review, and what gets saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QMouseEvent, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLayout, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy import visit as session
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.errors import StoreError
from familyprivacy.consent.model import Capture, Decision, Grantor, Interpreter, ModelError, answers_digest
from familyprivacy.consent.store import Store
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import NoticeView, localize
from familyprivacy.ui import recording
from familyprivacy.ui.decision_flow import DecisionFlow
from familyprivacy.ui.people_form import FormProblems, People, PeopleForm
from familyprivacy.ui.review_screen import ReviewScreen
from familyprivacy.ui.signature_pad import SignaturePad
from tests.test_ui_support import no_translations
from tests.waiting import HANG_GUARD_MS

__all__ = ["no_translations"]
LEFT = Qt.MouseButton.LeftButton
NOTICE = "stockton-on-tees/childrens-social-care"


@pytest.fixture(scope="module")
def views() -> tuple[NoticeView, NoticeView]:
    notice = load_all().by_id(NOTICE)
    return localize(notice, "en"), localize(notice, "en")


def host(qtbot: QtBot, screen: QWidget) -> QWidget:
    """Shown as it is in the app: inside a window whose size does not follow every relayout."""
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    layout.addWidget(screen)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_GUARD_MS)
    return window


def sign(qtbot: QtBot, pad: SignaturePad, points: list[tuple[int, int]]) -> None:
    qtbot.mousePress(pad, LEFT, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        move = QMouseEvent(QEvent.Type.MouseMove, QPointF(x, y), pad.mapToGlobal(QPointF(x, y)), LEFT, LEFT,
                           Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(pad, move)
    qtbot.mouseRelease(pad, LEFT, pos=QPoint(*points[-1]))


def test_signature_pad_records_strokes_from_mouse_events(qtbot: QtBot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(400, 180)
    pad.show()
    assert pad.is_empty()
    with qtbot.waitSignal(pad.changed):
        sign(qtbot, pad, [(10, 20), (40, 60), (80, 90)])
    sign(qtbot, pad, [(200, 50), (220, 70)])
    strokes = pad.strokes()
    assert [[p[:2] for p in s] for s in strokes] == [[(10, 20), (40, 60), (80, 90)], [(200, 50), (220, 70)]]
    times = [p[2] for s in strokes for p in s]
    assert times == sorted(times) and times[0] == 0.0
    pad.clear()
    assert pad.is_empty() and pad.strokes() == ()


def test_signature_pad_takes_a_pen_and_a_finger(qtbot: QtBot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(400, 180)
    pad.show()
    pen = QPointingDevice("pen", 1, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 0)
    for kind, x, y in ((QEvent.Type.TabletPress, 10, 10), (QEvent.Type.TabletMove, 20, 30),
                       (QEvent.Type.TabletRelease, 30, 40)):
        at = QPointF(x, y)
        QApplication.sendEvent(pad, QTabletEvent(kind, pen, at, pad.mapToGlobal(at), 0.5, 0, 0, 0, 0, 0,
                                                 Qt.KeyboardModifier.NoModifier, LEFT, LEFT))
    assert [p[:2] for p in pad.strokes()[0]] == [(10, 10), (20, 30), (30, 40)]
    finger = QTest.createTouchDevice()
    QTest.touchEvent(pad, finger).press(0, QPoint(100, 50)).commit()
    QTest.touchEvent(pad, finger).move(0, QPoint(120, 60)).commit()
    QTest.touchEvent(pad, finger).release(0, QPoint(140, 70)).commit()
    assert len(pad.strokes()) == 2  # touch is taken once, not again as synthesised mouse events
    xs = [p[0] for p in pad.strokes()[1]]
    assert len(xs) == 3 and xs == sorted(xs) and 90 <= xs[0] <= 110


def test_signature_pad_keeps_points_inside_and_ignores_moves_without_press(qtbot: QtBot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(300, 160)
    pad.show()
    qtbot.mouseMove(pad, QPoint(50, 50))
    assert pad.is_empty()
    sign(qtbot, pad, [(10, 10), (5000, -40)])
    assert pad.strokes()[0][-1][:2] == (300.0, 0.0)


def test_choices_in_order_information_only_is_explained_not_yes(
        qtbot: QtBot, views: tuple[NoticeView, NoticeView], no_translations: None) -> None:
    family, english = views
    flow = DecisionFlow()
    _win = host(qtbot, flow)
    flow.start(family, english)
    first = family.choices[0]
    assert first.kind == "data-consent"  # Help and Support: "with your consent", the council says
    assert flow.title.text() == first.title.text
    assert first.if_yes.text.strip() in flow.yes_text.text()
    assert flow.buttons["given"].isVisible() and not flow.explained.isVisible()
    assert not flow.english_box.isVisible() and not flow.english_toggle.isVisible()  # English visit
    qtbot.mouseClick(flow.buttons["refused"], LEFT)
    assert flow.current() is family.choices[1]
    assert family.choices[1].kind == "information-only"
    assert "Information only" in flow.kind_note.text()
    assert not flow.buttons["given"].isVisible() and flow.explained.isVisible()
    assert flow.explained.text() == "Worker: I have explained this"  # the worker says it, not the family
    assert flow.explained.accessibleName() == flow.explained.text()
    expected = {first.id: "refused"}
    with qtbot.waitSignal(flow.finished):
        for choice in family.choices[1:]:
            if choice.kind == "information-only":
                assert flow.explained.isVisible() and not flow.buttons["given"].isVisible()
                qtbot.mouseClick(flow.explained, LEFT)
                expected[choice.id] = "given"
            else:  # a real choice again (the housing referral needs consent): yes and no are offered
                assert flow.buttons["refused"].isVisible() and not flow.explained.isVisible()
                qtbot.mouseClick(flow.buttons["refused"], LEFT)
                expected[choice.id] = "refused"
    assert flow.answers == expected
    qtbot.mouseClick(flow.back, LEFT)
    shown = flow.current()
    assert ("No" if shown.kind != "information-only" else "Explained") in flow.chosen.text()
    assert "Yes" not in flow.chosen.text()


def test_english_alongside_for_the_worker(qtbot: QtBot, no_translations: None) -> None:
    notice = load_all().by_id(NOTICE)
    flow = DecisionFlow()
    _win = host(qtbot, flow)
    flow.start(localize(notice, "ar-XB"), localize(notice, "en"))
    assert flow.english_toggle.isVisible() and not flow.english_box.isVisible(), \
        "the worker's English is folded away: the family's screen is theirs"
    qtbot.mouseClick(flow.english_toggle, LEFT)
    assert flow.english_box.isVisible()
    assert notice.choices[0].title in flow.english_text.text()


def fill_people(qtbot: QtBot, form: PeopleForm, signature: bool = True) -> None:
    qtbot.keyClicks(form.case_reference, "CH-12345")
    qtbot.keyClicks(form.people_rows[0].name, "Amelia Nowak")
    second = form.add_person_row()
    assert second is not None and second.relationship is not None
    qtbot.keyClicks(second.name, "Piotr Nowak")
    second.relationship.setCurrentIndex(1)
    child = form.add_child_row()
    assert child is not None
    qtbot.keyClicks(child.name, "Zofia")
    form.mode.setCurrentIndex(2)  # phone
    qtbot.keyClicks(form.reference, "LL-778")
    if not signature:  # signed: each person signs on the review, after checking the answers
        form.verbal.setChecked(True)
        qtbot.keyClicks(form.witness, "Dana Witness")


def test_people_form_names_what_is_missing(qtbot: QtBot, no_translations: None) -> None:
    form = PeopleForm()
    _win = host(qtbot, form)
    with pytest.raises(FormProblems) as problems:
        form.collect()
    assert len(problems.value.problems) == 2  # case reference, a name (signing comes after the review)
    qtbot.mouseClick(form.next, LEFT)
    assert form.problems.isVisible() and "case reference" in form.problems.text()
    qtbot.keyClicks(form.case_reference, "CH-1")  # fixed: its problem goes at once, the other stays
    assert form.problems.isVisible() and "case reference" not in form.problems.text()
    assert "name of person 1" in form.problems.text()
    qtbot.keyClicks(form.people_rows[0].name, "Amelia")
    assert not form.problems.isVisible(), "every problem fixed: nothing left on screen"
    assert not form.witness.isVisible()
    form.verbal.setChecked(True)
    assert form.witness.isVisible()


def test_people_form_collects_people_children_interpreter_and_signature(
        qtbot: QtBot, no_translations: None) -> None:
    form = PeopleForm()
    _win = host(qtbot, form)
    fill_people(qtbot, form)
    with qtbot.waitSignal(form.next_requested):
        qtbot.mouseClick(form.next, LEFT)
    people = form.collect()
    assert [(g.name, g.relationship) for g in people.grantors] == [("Amelia Nowak", "mother"),
                                                                   ("Piotr Nowak", "father")]
    assert [c.name for c in people.children] == ["Zofia"]
    assert people.interpreter.mode == "phone" and people.interpreter.reference == "LL-778"
    assert people.capture.method == "signature" and not people.capture.signature_strokes
    form.reset()
    assert form.case_reference.text() == "" and len(form.people_rows) == 1


def test_review_then_one_save_records_visit_and_decisions(
        qtbot: QtBot, tmp_path: Path, views: tuple[NoticeView, NoticeView], no_translations: None) -> None:
    family, _english = views
    form = PeopleForm()
    _win = host(qtbot, form)
    fill_people(qtbot, form, signature=False)
    people = form.collect()
    answers = {c.id: ("deferred" if c.kind != "information-only" else "given") for c in family.choices}
    review = ReviewScreen()
    _win2 = host(qtbot, review)
    review.show_review(family, answers, people)
    text = review.details.text()
    assert "CH-12345" in text and "Amelia Nowak (mother)" in text and "We want time to think" in text
    assert "Explained" in text and "<b>Yes</b>" not in text
    assert not review.print.isVisible() and review.save.isVisible()

    store = Store.create(tmp_path / "r.db", "correct horse battery", "Sam Carter", KdfParams.fast_for_tests())
    shown = session.Visit(NOTICE)
    shown.record(family, [family.sections[0].id])
    saves: list[int] = []

    def do_save() -> None:
        record, decisions = recording.build(shown, family, answers, people, recording.worker_for(store))
        recording.save(store, record, decisions)
        saves.append(1)
        review.show_saved()

    review.save_requested.connect(do_save)
    qtbot.mouseClick(review.save, LEFT)
    qtbot.mouseClick(review.save, LEFT)  # hidden by then: a second click saves nothing twice
    assert saves == [1]
    assert review.saved and review.state.isVisible() and "Saved" in review.state.text()
    assert review.print.isVisible() and not review.save.isVisible() and not review.back.isVisible()
    (saved,) = store.visits()
    assert saved.case_reference == "CH-12345" and saved.interpreter.mode == "phone"
    assert [s.section_id for s in saved.sections_shown] == [family.sections[0].id]
    current = store.current_decisions(saved.visit_id)
    assert {c: d.status for c, d in current.items()} == answers
    info = [d for d in current.values() if d.kind == "information-only"]
    assert info and all(d.status == "given" for d in info)
    assert all(d.capture.witness == "Dana Witness" and d.grantor_ids == ("g1", "g2")
               for d in current.values())


def test_a_save_that_failed_part_way_resumes_without_copies(
        tmp_path: Path, views: tuple[NoticeView, NoticeView], monkeypatch: pytest.MonkeyPatch) -> None:
    family, _english = views
    store = Store.create(tmp_path / "r.db", "correct horse battery", "Sam Carter", KdfParams.fast_for_tests())
    people = People((Grantor("g1", "Amelia Nowak", "mother"),), (), Interpreter(), "CH-9",
                    Capture("verbal", None, "Dana"))
    answers = {c.id: "given" for c in family.choices}
    record, decisions = recording.build(session.Visit(NOTICE), family, answers, people,
                                        recording.worker_for(store))
    real = store.record_decision
    calls = {"n": 0}

    def flaky(decision: Decision) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError("the disk is full")
        return real(decision)

    monkeypatch.setattr(store, "record_decision", flaky)
    with pytest.raises(StoreError):
        recording.save(store, record, decisions)
    assert len(store.decisions(record.visit_id)) == 1
    recording.save(store, record, decisions)
    assert len(store.visits()) == 1
    assert sorted(d.decision_id for d in store.decisions(record.visit_id)) == sorted(
        d.decision_id for d in decisions)


def test_choices_fit_a_narrow_screen(qtbot: QtBot, views: tuple[NoticeView, NoticeView],
                                     no_translations: None) -> None:
    family, english = views
    flow = DecisionFlow()
    win = host(qtbot, flow)
    flow.start(family, english)
    assert flow.bottom_row.indexOf(flow.answers_box) >= 0  # wide: answers always in view
    win.resize(420, 700)
    qtbot.waitUntil(lambda: flow.family_layout.indexOf(flow.answers_box) >= 0, timeout=HANG_GUARD_MS)
    # Narrow: the answers follow the text, one under the other, none cut off.
    buttons = [flow.buttons[s] for s in ("given", "refused", "deferred")]
    qtbot.waitUntil(lambda: all(b.width() >= b.sizeHint().width() for b in buttons),
                    timeout=HANG_GUARD_MS)
    assert buttons[0].y() < buttons[1].y() < buttons[2].y()


def test_a_fresh_choice_has_no_default_answer(qtbot: QtBot, views: tuple[NoticeView, NoticeView],
                                              no_translations: None) -> None:
    """Nothing pre-selected or focused (no pre-ticked boxes): Enter or Space on a fresh choice records
    nothing; an answer already given shows on its own button, checked and in words."""
    family, english = views
    flow = DecisionFlow()
    _win = host(qtbot, flow)
    flow.start(family, english)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is flow, timeout=HANG_GUARD_MS)
    assert not any(b.isChecked() for b in flow.buttons.values())
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
        qtbot.keyClick(flow, key)
    assert flow.answers == {} and flow.index == 0
    assert all(not b.autoDefault() and not b.isDefault() for b in flow.buttons.values())
    qtbot.mouseClick(flow.buttons["refused"], LEFT)
    assert flow.index == 1 and not flow.explained.isChecked()
    qtbot.mouseClick(flow.back, LEFT)
    assert flow.buttons["refused"].isChecked() and flow.buttons["refused"].text() == "No (chosen)"
    assert not flow.buttons["given"].isChecked() and flow.buttons["given"].text() == "Yes"
    assert QApplication.focusWidget() is flow, "coming back focuses no answer either"


def _signed_review(qtbot: QtBot, family: NoticeView, answers: dict[str, str]
                   ) -> tuple[ReviewScreen, People, list[QWidget]]:
    """The review of two people's answers (the windows returned must be kept while used)."""
    form = PeopleForm()
    windows = [host(qtbot, form)]
    fill_people(qtbot, form)  # two people decide, each signs on screen
    people = form.collect()
    review = ReviewScreen()
    windows.append(host(qtbot, review))
    review.show_review(family, answers, people)
    return review, people, windows


def test_each_person_signs_last_under_the_answers_and_a_change_asks_again(
        qtbot: QtBot, tmp_path: Path, views: tuple[NoticeView, NoticeView], no_translations: None) -> None:
    """Decide, review, then sign: one pad per person who decided, each under a sentence saying what
    they sign; the signatures are bound to these answers; changing an answer clears them."""
    family, _english = views
    answers = {c.id: ("given" if c.kind == "information-only" else "refused") for c in family.choices}
    review, people, _windows = _signed_review(qtbot, family, answers)
    assert list(review.pads) == ["g1", "g2"]
    sentences = [row[0].text() for row in review._sign_rows]
    assert sentences == [f"{name}: sign here to say that the answers above are your choices."
                         for name in ("Amelia Nowak", "Piotr Nowak")]
    assert review.signers() is None, "nobody has signed yet"
    sign(qtbot, review.pads["g1"], [(20, 30), (60, 80), (90, 40)])
    assert review.signers() is None, "each person signs for themselves"
    sign(qtbot, review.pads["g2"], [(25, 35), (70, 60)])
    signers = review.signers()
    assert signers is not None and [s.grantor_id for s in signers] == ["g1", "g2"]
    assert len({s.answers_digest for s in signers}) == 1

    # Back to the answers, one changed (No becomes Yes), and the review again: nobody's signature stays.
    real = next(c.id for c in family.choices if c.kind != "information-only")
    changed = answers | {real: "given"}
    review.show_review(family, changed, people)
    assert all(pad.is_empty() for pad in review.pads.values()) and review.signers() is None
    assert review.sign_note.isVisible() and "signs again" in review.sign_note.text()
    # A signature made for the old answers cannot be saved with the new ones.
    store = Store.create(tmp_path / "s.db", "correct horse battery", "Sam Carter", KdfParams.fast_for_tests())
    with pytest.raises(ModelError, match="signed for other answers"):
        recording.build(session.Visit(NOTICE), family, changed, people, recording.worker_for(store),
                        signers=signers)
    # Signed again, under the new answers: saved, and the record says who signed which answers.
    sign(qtbot, review.pads["g1"], [(20, 30), (60, 80)])
    sign(qtbot, review.pads["g2"], [(25, 35), (70, 60)])
    again = review.signers()
    assert again is not None
    record, decisions = recording.build(session.Visit(NOTICE), family, changed, people,
                                        recording.worker_for(store), signers=again)
    recording.save(store, record, decisions)
    saved = store.current_decisions(record.visit_id)[real]
    assert saved.status == "given" and saved.capture.method == "signature"
    assert [s.grantor_id for s in saved.capture.signers] == ["g1", "g2"]
    assert saved.capture.signers[0].answers_digest == answers_digest(
        family.fingerprint, changed, ("g1", "g2"))
    assert saved.capture.signature_strokes is None


def test_the_same_answers_keep_their_signatures(
        qtbot: QtBot, views: tuple[NoticeView, NoticeView], no_translations: None) -> None:
    family, _english = views
    answers = {c.id: "given" for c in family.choices}
    review, people, _windows = _signed_review(qtbot, family, answers)
    for gid in review.pads:
        sign(qtbot, review.pads[gid], [(20, 30), (60, 80)])
    review.show_review(family, dict(answers), people)  # shown again (a redraw), nothing changed
    assert review.signers() is not None and not review.sign_note.isVisible()


def test_the_review_right_to_left_is_mirrored_and_keeps_names_whole(
        qtbot: QtBot, views: tuple[NoticeView, NoticeView]) -> None:
    """In Urdu the labels stand on the right, and each name or reference is isolated (FSI ... PDI),
    so 'Amelia Nowak (mother)' keeps its brackets and its order inside right-to-left text."""
    from familyprivacy import i18n

    _family, english = views
    notice = load_all().by_id(NOTICE)
    i18n.set_language("ur")
    family = localize(notice, "ur")
    people = People((Grantor("g1", "Amelia Nowak", "mother"),), (), Interpreter(), "CH-1",
                    Capture("verbal", None, "Dana"))
    review = ReviewScreen()
    _win = host(qtbot, review)
    review.show_review(family, {c.id: "given" for c in family.choices}, people)
    text = review.details.text()
    assert "dir='rtl'" in text and "\u2068CH-1\u2069" in text and "\u2068Amelia Nowak\u2069" in text
    row = next(r for r in text.split("<tr>") if "CH-1" in r)
    assert row.index("CH-1") < row.index(i18n._("Case reference")), "the label is the last (rightmost) cell"
    assert "<b>" not in text, "Nastaliq is not set bold: its strokes collide"
    review.show_review(english, {c.id: "given" for c in english.choices}, people)
    assert "\u2068" not in review.details.text() and "dir='ltr'" in review.details.text()


def test_the_review_is_bilingual_when_the_worker_reads_another_language(
        qtbot: QtBot, views: tuple[NoticeView, NoticeView]) -> None:
    """The family reads the review in Urdu; beneath it, the same record in the worker's English, with
    each choice's English title beside the Urdu one, so the worker can read what is being saved."""
    from familyprivacy import i18n

    _family, english = views
    i18n.set_language("ur")
    family = localize(load_all().by_id(NOTICE), "ur")
    people = People((Grantor("g1", "Amelia Nowak", "mother"),), (), Interpreter(), "CH-1",
                    Capture("verbal", None, "Dana"))
    answers = {c.id: ("refused" if c.kind != "information-only" else "given") for c in family.choices}
    review = ReviewScreen()
    _win = host(qtbot, review)
    review.show_review(family, answers, people, english)
    assert review.worker_details.isVisible()
    worker = review.worker_details.text()
    assert "The same, for the worker" in worker and "Case reference" in worker and "<b>No</b>" in worker
    assert english.choices[0].title.text in worker and family.choices[0].title.text in worker
    assert "Case reference" not in review.details.text(), "the family's part is in Urdu"
    review.show_review(english, answers, people, english)  # an English visit: one language, one copy
    assert not review.worker_details.isVisible()


def test_the_visit_records_how_long_each_section_was_shown() -> None:
    """A page stays on screen until the next is shown; each section on it counts that time, added up
    over every time it came back, per language; the last page counts until the record is made."""
    from datetime import UTC, datetime

    shown = session.Visit(NOTICE)
    shown.shown = [session.Shown("who-we-are", "en", "en", "plain", "2026-05-03T10:00:00+00:00"),
                   session.Shown("why", "en", "en", "plain", "2026-05-03T10:01:30+00:00"),
                   session.Shown("why-2", "en", "en", "plain", "2026-05-03T10:01:30+00:00"),
                   session.Shown("who-we-are", "ur", "ur", "plain", "2026-05-03T10:02:00+00:00"),
                   session.Shown("who-we-are", "en", "en", "plain", "2026-05-03T10:02:10+00:00")]
    until = datetime(2026, 5, 3, 10, 3, 0, tzinfo=UTC)
    times = {(s.section_id, s.language): s.seconds for s in recording.sections_with_time(shown, until)}
    assert times == {("who-we-are", "en"): 90 + 50, ("why", "en"): 30, ("why-2", "en"): 30,
                     ("who-we-are", "ur"): 10}
    assert [s.section_id for s in recording.sections_with_time(shown, until)] == [
        "who-we-are", "why", "why-2", "who-we-are"], "first seen order, one entry per language"
