"""``familyprivacy screenshot``: the main screens in English, right-to-left and long-word languages."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path("docs") / "screenshots"
LANGUAGES = ("en", "ur", "en-XA", "ar-XB")


def register(subparsers: Any) -> None:
    shot = subparsers.add_parser(
        "screenshot", help="write PNGs of the main screens (English, right-to-left, long words)")
    shot.add_argument("--out", default=str(DEFAULT_OUT), help=f"folder for the PNGs (default: {DEFAULT_OUT})")
    shot.add_argument("--notice", default="", help="notice id (default: the first installed)")
    shot.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
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
    out = Path(args.out)
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
        window.grab().save(str(path))
        written.append(path)

    grab("01-council-en")
    window.settings = prefs.settings
    window.start_visit(notice.id)
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
    window.request_leave_presentation()
    window.close()
    window.deleteLater()
    i18n.set_language("en")
    for path in written:
        print(path)
    return 0
