"""Where the instructions to the first painted topic go, part by part (Valgrind's callgrind).

A child process walks the path ``bench/startup.py`` times (``ui.app.open_first_topic``) one
step at a time and calls ``os.getppid()`` between steps; callgrind writes its counts each time
(``--dump-before=getppid``), so each part's count is exactly what that step executed.

Two walks:

    path     the app's own order: its core modules, PySide6, the screens' modules, then the
             visit (Jinja2 loads at the first page; here it is split out of it)
    imports  PySide6 first, then each group of the app's modules: what each group adds beyond
             PySide6 and the standard library PySide6 itself imports

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/startup_parts.py (needs valgrind)
"""

from __future__ import annotations

import os
import sys

PATH_PARTS = (
    "Python's own start",
    "the app's core modules (i18n, settings, visit, content)",
    "PySide6 (QtWidgets)",
    "PySide setting up the Qt namespace's enums",
    "the screens' modules (and the Qt classes they use)",
    "QApplication, and the bundled fonts registered",
    "the notices, from the parse cache, checked",
    "the main window built",
    "the main window shown",
    "the visit started: the language picker built and shown",
    "Jinja2, the templating module and the page template",
    "the language chosen: the first page rendered and laid out",
    "the event loop, to the page's first paint",
)

IMPORT_PARTS = (
    "Python's own start",
    "PySide6 (QtWidgets) and the standard library it imports",
    "standard library the app adds (platformdirs, hashlib, dataclasses, pickle...)",
    "i18n",
    "settings, visit, and the content model they use",
    "content.localize, content.loader",
    "the Qt namespace's enums",
    "ui.fonts",
    "ui.theme, topic_page, big_button, the pickers, presentation",
    "ui.recorder",
    "ui.topic_view (topic list, safe browser, icons)",
    "ui.main_window, ui.qt_translations",
    "jinja2",
    "content.templating",
)


def walk_path() -> None:
    """``ui.app.first_visit`` and ``open_first_topic``, step by step (keep them in step)."""
    mark = os.getppid
    mark()
    import gc

    gc.disable()  # as ui.app does while the modules load
    from familyprivacy import i18n, settings, visit  # noqa: F401
    from familyprivacy.content import localize  # noqa: F401
    from familyprivacy.content.loader import load_all

    mark()
    from PySide6.QtWidgets import QApplication  # noqa: F401

    mark()
    from PySide6.QtCore import Qt

    assert Qt.AlignmentFlag.AlignLeft
    mark()
    from familyprivacy.ui import app as ui_app
    from familyprivacy.ui.first_paint import run_until_first_paint, viewport_of

    mark()  # ui.app has frozen what the imports made and turned the collector back on
    qt_app = ui_app.application()
    mark()
    loaded = load_all(cached=True)
    mark()
    notice = loaded.notices[0]
    prefs = settings.Loaded(settings.Settings(council=notice.council.id))
    window = ui_app.build_window(qt_app, loaded, prefs)
    mark()
    window.resize(1200, 800)
    window.show()
    mark()
    window.start_visit(notice.id)
    mark()
    from familyprivacy.content import templating  # noqa: F401

    mark()

    def choose() -> None:
        window.choose_language("en")
        mark()

    def painted() -> None:
        mark()
        os._exit(0)

    run_until_first_paint(viewport_of(window.topic_view.browser), choose, painted)


def walk_imports() -> None:
    mark = os.getppid
    mark()
    import gc

    gc.disable()
    from PySide6.QtWidgets import QApplication  # noqa: F401

    mark()
    import dataclasses  # noqa: F401
    import hashlib  # noqa: F401
    import pickle  # noqa: F401

    import platformdirs  # noqa: F401

    mark()
    from familyprivacy import i18n  # noqa: F401

    mark()
    from familyprivacy import settings, visit  # noqa: F401

    mark()
    from familyprivacy.content import loader, localize  # noqa: F401

    mark()
    from PySide6.QtCore import Qt

    assert Qt.AlignmentFlag.AlignLeft
    mark()
    from familyprivacy.ui import fonts  # noqa: F401

    mark()
    from familyprivacy.ui import (  # noqa: F401
        big_button,
        council_picker,
        language_picker,
        notice_picker,
        presentation,
        theme,
        topic_page,
    )

    mark()
    from familyprivacy.ui import recorder  # noqa: F401

    mark()
    from familyprivacy.ui import topic_view  # noqa: F401

    mark()
    from familyprivacy.ui import main_window, qt_translations  # noqa: F401

    mark()
    import jinja2  # noqa: F401

    mark()
    from familyprivacy.content import templating  # noqa: F401

    mark()
    os._exit(0)


def count(walk: str, names: tuple[str, ...]) -> None:
    import subprocess
    import tempfile

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=os.path.join(root, "src"), PYTHONHASHSEED="0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as data:
        env["FAMILYPRIVACY_DATA_DIR"] = data
        child = [sys.executable, os.path.abspath(__file__), "--walk", walk]
        subprocess.run(child, env=env, capture_output=True, check=True, timeout=300)  # bytecode, caches
        out = os.path.join(data, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=getppid",
                        f"--callgrind-out-file={out}", *child],
                       env=env, capture_output=True, check=True, timeout=900)
        parts = sorted((int(f.rsplit(".", 1)[1]), f) for f in os.listdir(data)
                       if f.startswith("callgrind.out."))
        counts = []
        for _n, name in parts:
            with open(os.path.join(data, name)) as f:
                total = next(line for line in f if line.startswith(("summary:", "totals:")))
            counts.append(int(total.split()[1]))
    if len(counts) != len(names):
        raise RuntimeError(f"{walk}: {len(counts)} parts counted, {len(names)} named")
    print(f"\n{walk}: instructions (M), {sum(counts) / 1e6:,.0f} in all")
    for name, n in zip(names, counts, strict=True):
        print(f"  {n / 1e6:8.1f}  {name}")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--walk":
        if sys.argv[2] == "path":
            walk_path()
        else:
            walk_imports()
        return 0
    import shutil

    if shutil.which("valgrind") is None:
        print("startup_parts: valgrind is not installed (apt-get install valgrind)")
        return 0
    count("path", PATH_PARTS)
    count("imports", IMPORT_PARTS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
