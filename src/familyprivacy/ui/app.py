"""Starting the app: fonts, theme, content and settings, then the main window."""

from __future__ import annotations

# isort: off
import gc

# Loading the modules makes the Python types, enums and dataclasses that live as long as the
# app; collecting garbage among them finds none, so the collector waits until they are loaded,
# and then leaves them out of its rounds (gc.freeze): the rounds during the first visit
# (Jinja2's import, the first page) no longer walk them. 22 M instructions to the first topic.
_collecting = gc.isenabled()
gc.disable()
try:
    # The core modules the first screens use load before Qt does. Once PySide6 is loaded it reads
    # the source of every module imported after it (looking for its ``__feature__`` imports):
    # about 0.3 ms a module, 20-40 ms of the app's start.
    from familyprivacy import i18n, settings, visit  # noqa: F401
    from familyprivacy.content import localize  # noqa: F401
    from familyprivacy.content.loader import LoadResult, load_all

    import argparse
    import sys
    from collections.abc import Callable

    from PySide6.QtWidgets import QApplication

    from familyprivacy.ui import fonts
    from familyprivacy.ui.main_window import MainWindow
    from familyprivacy.ui.qt_translations import QtTranslations
finally:
    gc.freeze()
    if _collecting:
        gc.enable()
# isort: on


def application() -> QApplication:
    """The one QApplication, created once, with the bundled fonts registered."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Family Privacy")
        app.setDesktopFileName("familyprivacy")
    fonts.register_fonts()
    return app


def build_window(app: QApplication, loaded: LoadResult | None = None,
                 prefs: settings.Loaded | None = None, lock: bool = False) -> MainWindow:
    """``lock``: open locked, as the app always does; off only for screenshots and screen tests."""
    prefs = prefs or settings.load()
    i18n.set_worker_language(prefs.settings.worker_language)
    i18n.set_language(prefs.settings.worker_language)
    window = MainWindow(loaded if loaded is not None else load_all(cached=True), prefs, QtTranslations(app))
    if lock:
        window.recorder.lock_at_start()
    return window


def run(args: argparse.Namespace) -> int:
    app = application()
    window = build_window(app, lock=True)
    window.resize(1200, 800)
    window.show()
    return int(app.exec())


def first_visit() -> MainWindow:
    """The first installed notice's visit, unlocked, at the language picker: shown, not yet painted."""
    app = application()
    loaded = load_all(cached=True)  # as the app loads them
    notice = loaded.notices[0]
    window = build_window(app, loaded, settings.Loaded(settings.Settings(council=notice.council.id)))
    window.resize(1200, 800)
    window.show()
    window.start_visit(notice.id)
    return window


def open_first_topic(on_paint: Callable[[], None]) -> MainWindow:
    """The visit the start-up figures time (bench/startup.py, ``--measure-startup``, the tests).

    The first installed notice, in English, without the lock: start to the first paint of
    its first topic page. ``on_paint`` takes the reading; the window is returned showing it.
    """
    from familyprivacy.ui.first_paint import run_until_first_paint, viewport_of

    window = first_visit()
    run_until_first_paint(viewport_of(window.topic_view.browser), lambda: window.choose_language("en"),
                          on_paint)
    return window
