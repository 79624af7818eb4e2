"""``familyprivacy screenshot``: the main screens in English, right-to-left and long-word languages.

``--gallery`` instead shows one topic page in every translated language, so a
reviewer can look at each script and direction the way a family would see it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from familyprivacy.ui.main_window import MainWindow

DEFAULT_OUT = Path("docs") / "screenshots"
LANGUAGES = ("en", "ur", "en-XA", "ar-XB")
GALLERY = "gallery"
RECORDING = "recording"
RECORDING_LANGUAGES = ("en", "ur", "bn")  # left to right, right to left in Nastaliq, vowel signs
GALLERY_TOPIC = "your-rights"
ALONGSIDE = ("ur", "pl")  # one right-to-left, one left-to-right
PRESENTED = "ar"  # presentation mode, high contrast
LARGEST = "bn"  # the largest text size, with vowel signs above and below the line


def register(subparsers: Any) -> None:
    shot = subparsers.add_parser(
        "screenshot", help="write PNGs of the main screens (English, right-to-left, long words)")
    shot.add_argument("--out", default=str(DEFAULT_OUT), help=f"folder for the PNGs (default: {DEFAULT_OUT})")
    shot.add_argument("--notice", default="", help="notice id (default: the first installed)")
    shot.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    shot.add_argument("--gallery", action="store_true",
                      help=f"instead, one topic page per translated language, into OUT/{GALLERY}")
    shot.add_argument("--recording", action="store_true",
                      help="instead, the recording screens (a decision, who decided, the review with its "
                      "signature pads) in English, Urdu and Bengali, into OUT/recording")
    shot.add_argument("--topic", default=GALLERY_TOPIC,
                      help=f"the gallery's topic (default: {GALLERY_TOPIC})")
    shot.set_defaults(func=_cmd_screenshot)


def _cmd_screenshot(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Screenshots never touch this laptop's real settings or records.
    before = os.environ.get("FAMILYPRIVACY_DATA_DIR")
    with tempfile.TemporaryDirectory() as data:
        os.environ["FAMILYPRIVACY_DATA_DIR"] = data
        try:
            return _shoot(args)
        finally:
            if before is None:
                os.environ.pop("FAMILYPRIVACY_DATA_DIR", None)
            else:
                os.environ["FAMILYPRIVACY_DATA_DIR"] = before


def _shoot(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from familyprivacy import i18n, settings
    from familyprivacy.content.loader import load_all
    from familyprivacy.ui.app import application, build_window

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"familyprivacy screenshot: --size must be WIDTHxHEIGHT, not {args.size!r}", file=sys.stderr)
        return 2
    loaded = load_all()
    if not loaded.notices:
        print("familyprivacy screenshot: no notices are installed", file=sys.stderr)
        return 1
    try:
        notice = loaded.by_id(args.notice) if args.notice else loaded.notices[0]
    except KeyError:
        print(f"familyprivacy screenshot: no notice {args.notice!r}", file=sys.stderr)
        return 2
    topics = [s.topic for s in notice.sections]
    if args.gallery and args.topic not in topics:
        print(f"familyprivacy screenshot: the notice has no topic {args.topic!r}", file=sys.stderr)
        return 2
    out = Path(args.out) / (GALLERY if args.gallery else RECORDING if args.recording else "")
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    prefs = settings.Loaded(settings.Settings(council=notice.council.id))
    window = build_window(app, loaded, settings.Loaded(settings.Settings(), first_run=True))
    window.resize(width, height)
    window.show()
    written: list[Path] = []

    def grab(name: str) -> None:
        for _ in range(3):
            QApplication.processEvents()
        path = out / f"{name}.png"
        # Committed pictures: full colour (the review is about colour and contrast too), at the PNG
        # writer's strongest compression.
        window.grab().toImage().save(str(path), quality=0)
        written.append(path)

    window.settings = prefs.settings
    try:
        if args.gallery:
            _gallery(window, notice.id, args.topic, grab)
        elif args.recording:
            _recording(window, notice.id, grab)
        else:
            _screens(window, notice.id, grab, width, height)
    finally:
        if window.presenting:
            window.request_leave_presentation()
        window.close()
        window.deleteLater()
        i18n.set_language("en")
    for path in written:
        print(path)
    return 0


def _screens(window: MainWindow, notice_id: str, grab: Callable[[str], None], width: int,
             height: int) -> None:
    """The main screens in English, Urdu and the two pseudo-languages."""
    window.show_council_picker()
    grab("01-council-en")
    window.start_visit(notice_id)
    grab("02-languages-en")
    view = window.topic_view
    for lang in LANGUAGES:
        window.choose_language(lang)
        view.go(1)
        grab(f"03-topic-{lang}")
        if lang != "en":
            view.alongside.click()
            grab(f"04-alongside-{lang}")
            view.alongside.click()
    window.choose_language("ur")
    view.official.click()
    grab("05-exact-words-ur")
    window.choose_language("en")
    window.show_language_picker()
    window.language_picker.filter.setText("pa")
    grab("06-language-filter")
    window.choose_language("ar-XB")
    window.set_high_contrast(True)
    window.bar.contrast.setChecked(True)
    window.enter_presentation()
    window.resize(width, height)
    view.go(7)
    grab("07-presentation-high-contrast-ar-XB")


def _recording(window: MainWindow, notice_id: str, grab: Callable[[str], None]) -> None:
    """The family's decision screen, the worker's form and the review with a pad per person, in each
    of RECORDING_LANGUAGES: what a family and a worker see while a decision is recorded."""
    from familyprivacy.consent.model import Capture, Child, Grantor, Interpreter
    from familyprivacy.ui.people_form import People

    recorder = window.recorder
    recorder.ask_skip = lambda seen, total: "The family has read this notice before"
    for lang in RECORDING_LANGUAGES:
        window.start_visit(notice_id)
        window.choose_language(lang)
        recorder.start_choices()
        flow = recorder.flow
        grab(f"{lang}-decision")
        while window.stack.currentWidget() is flow:
            (flow.explained if flow.explained.isVisible() else flow.buttons["refused"]).click()
        grab(f"{lang}-people-form")
        views = recorder._views()
        assert views is not None
        people = People((Grantor("g1", "Amelia Nowak", "mother"), Grantor("g2", "Piotr Nowak", "father")),
                        (Child("c1", "Zofia"),), Interpreter(), "CH-12345", Capture("signature"))
        recorder.review.show_review(views[0], flow.answers, people)
        recorder._show(recorder.review)
        grab(f"{lang}-review")
        window.new_visit()


def _gallery(window: MainWindow, notice_id: str, topic: str, grab: Callable[[str], None]) -> None:
    """One topic page in every translated language, plus the views a reviewer must also see."""
    from PySide6.QtCore import Qt

    from familyprivacy.i18n import coverage

    window.start_visit(notice_id)
    grab("languages")
    view = window.topic_view
    langs = coverage.translated_languages()
    for lang in langs:
        window.choose_language(lang)
        view.go([p.topic for p in view.pages].index(topic))
        grab(f"{lang}-topic")
        if lang in ALONGSIDE:
            view.alongside.click()
            grab(f"{lang}-alongside")
            view.alongside.click()
    if LARGEST in langs:
        window.choose_language(LARGEST)
        while window.bar.bigger.isEnabled():
            window.bar.bigger.click()
        grab(f"{LARGEST}-largest-text")
        while window.bar.smaller.isEnabled():
            window.bar.smaller.click()
    if PRESENTED in langs:
        window.choose_language(PRESENTED)
        size = window.size()
        window.bar.contrast.setChecked(True)
        window.enter_presentation()
        # Full screen here is the offscreen screen (800x800): show it at a laptop's size instead.
        window.setWindowState(Qt.WindowState.WindowNoState)
        window.resize(size)
        grab(f"{PRESENTED}-presentation-high-contrast")
