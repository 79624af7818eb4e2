"""What start-up does not do: load the recording side before it is used, or size screens nobody sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from familyprivacy.content.loader import LoadResult
from familyprivacy.ui.first_paint import viewport_of
from familyprivacy.ui.main_window import MainWindow
from familyprivacy.ui.topic_list import TopicDelegate, TopicList
from tests.test_ui_support import no_translations, notices, window  # noqa: F401 - fixtures
from tests.waiting import HANG_GUARD, HANG_GUARD_MS

ROOT = Path(__file__).resolve().parent.parent

# Loaded only when a worker unlocks, records a decision, prints or syncs.
RECORDING_SIDE = ("cryptography", "argon2", "familyprivacy.consent.store", "familyprivacy.ui.summary_pdf",
                  "familyprivacy.ui.records_screen", "familyprivacy.ui.people_form", "httpx",
                  "PySide6.QtPrintSupport", "babel")

SCRIPT = """
import json, sys
from familyprivacy.ui.app import application, build_window, open_first_topic
from familyprivacy.ui.first_paint import run_until_first_paint

painted = []
if sys.argv[1] == "locked":
    window = build_window(application(), lock=True)
    run_until_first_paint(window.stack.currentWidget(), window.show,
                          lambda: painted.append(type(window.stack.currentWidget()).__name__))
else:
    paints = []
    window = open_first_topic(lambda: paints.append(1))
    painted = [type(window.stack.currentWidget()).__name__ for _ in paints]
import PySide6.QtWidgets
print(json.dumps({"painted": painted, "modules": sorted(sys.modules),
                  "qt_types": sorted(PySide6.QtWidgets.__dict__)}))  # the classes PySide has set up
"""


def _start(kind: str, tmp_path: Path) -> tuple[list[str], set[str], set[str]]:
    """A second start, as on any day but the first: the first builds the caches (language names)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), QT_QPA_PLATFORM="offscreen",
               FAMILYPRIVACY_DATA_DIR=str(tmp_path / kind), FAMILYPRIVACY_CACHE_DIR=str(tmp_path / "cache"))
    for _first_then_second in range(2):
        out = subprocess.run([sys.executable, "-c", SCRIPT, kind], env=env, capture_output=True, text=True,
                             timeout=HANG_GUARD, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["painted"], set(result["modules"]), set(result["qt_types"])


def _loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_first_topic_is_shown_without_the_recording_side(tmp_path: Path) -> None:
    painted, modules, qt_types = _start("visit", tmp_path)
    assert painted == ["TopicView"]
    assert "familyprivacy.ui.topic_view" in modules  # the check can see what was loaded
    assert [m for m in RECORDING_SIDE if _loaded(modules, m)] == []
    # Setting up QStyle's Python enums (about 800 members) is left until something needs them.
    assert "QListWidget" in qt_types and "QStyle" not in qt_types


def test_the_locked_app_opens_without_the_store(tmp_path: Path) -> None:
    painted, modules, _qt_types = _start("locked", tmp_path)
    assert painted == ["UnlockScreen"]
    assert "familyprivacy.ui.unlock_screen" in modules
    assert [m for m in RECORDING_SIDE if _loaded(modules, m)] == []
    assert not _loaded(modules, "jinja2")  # templates load with the first page


def test_screens_are_built_when_first_shown(window: MainWindow) -> None:  # noqa: F811 - fixture
    built = {type(window.stack.widget(i)).__name__ for i in range(window.stack.count())}
    assert "LanguagePicker" not in built and "DecisionFlow" not in built
    window.start_visit(window.loaded.notices[0].id)
    assert window.stack.currentWidget() is window.language_picker
    # The stack is sized by the screen shown, not by the tallest one made so far.
    assert window.stack.minimumSizeHint() == window.language_picker.minimumSizeHint()


def test_viewport_of_is_the_viewport(qtbot: QtBot, window: MainWindow) -> None:  # noqa: F811 - fixture
    browser = window.topic_view.browser
    assert viewport_of(browser) is browser.viewport()


def test_topic_rows_measure_the_viewport_with_and_without_a_scroll_bar(
        qtbot: QtBot, notices: LoadResult) -> None:  # noqa: F811 - fixture
    topics = TopicList()
    qtbot.addWidget(topics)
    topics.resize(300, 200)
    topics.show()
    qtbot.waitExposed(topics, timeout=HANG_GUARD_MS)
    delegate = topics.itemDelegate()
    assert isinstance(delegate, TopicDelegate)
    for count in (2, 40):  # no scroll bar, then one
        topics.clear()
        topics.addItems([f"Topic {i}" for i in range(count)])
        qtbot.waitUntil(lambda c=count: topics.verticalScrollBar().isVisible() == (c == 40),
                        timeout=HANG_GUARD_MS)
        assert delegate.row_width() == topics.viewport().width() - 2 * topics.spacing()


def test_choices_bar_starts_hidden(qtbot: QtBot, notices: LoadResult,  # noqa: F811 - fixture
                                   no_translations: None) -> None:  # noqa: F811 - fixture
    """On the list of notices as the first screen it once showed (tests/test_record_visit.py shows
    it appearing under a topic page of a notice with choices)."""
    from familyprivacy import settings
    from tests.test_ui_support import make_window

    win = make_window(qtbot, notices, settings.Loaded(settings.Settings(council="example")))
    assert win.stack.currentWidget() is win.notice_picker  # the first screen, already current
    assert not win.recorder.choices_bar.isVisible()
    win.start_visit("example/test")
    win.choose_language("en")
    assert win.stack.currentWidget() is win.topic_view
    assert not win.recorder.choices_bar.isVisible()  # this test notice offers no choices


def test_the_selected_topic_is_drawn_highlighted(qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor, QImage, QPalette

    topics = TopicList()
    qtbot.addWidget(topics)
    topics.resize(300, 200)
    topics.addItems(["Who we are", "Your rights", "How to complain"])
    topics.setCurrentRow(1)
    image = topics.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    highlight = topics.palette().color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
    active = topics.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)

    def highlighted(row: int) -> bool:
        rect = topics.visualItemRect(topics.item(row))
        y = rect.center().y()
        return any(QColor(image.pixel(x, y)) in (highlight, active) for x in range(rect.left(), rect.right()))

    assert highlighted(1)
    assert not highlighted(0) and not highlighted(2)
    # The selected title is drawn in the highlighted text colour (white on the highlight).
    text = topics.palette().color(QPalette.ColorRole.HighlightedText)
    rect = topics.visualItemRect(topics.item(1)).adjusted(2, 2, -2, -2)
    assert any(QColor(image.pixel(x, y)) == text
               for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom()))


def test_the_page_template_loads_while_the_family_reads_the_languages(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811 - fixture
    from familyprivacy.ui import topic_page

    calls: list[object] = []
    monkeypatch.setattr(topic_page, "prepare", lambda: calls.append(window.stack.currentWidget()))
    window.start_visit(window.loaded.notices[0].id)
    assert calls == []  # not before the picker has been drawn
    qtbot.waitUntil(lambda: calls == [window.language_picker], timeout=HANG_GUARD_MS)


def test_preparing_loads_the_page_template_and_leaves_a_broken_one_to_the_page(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from familyprivacy.content import templating
    from familyprivacy.ui import topic_page

    asked: list[str] = []

    class Templates:
        def get_template(self, name: str) -> None:
            asked.append(name)
            if len(asked) > 1:
                raise OSError("the template folder cannot be read")

    monkeypatch.setattr(templating, "environment", lambda: Templates())
    topic_page.prepare()
    assert asked == ["topic.html"]
    topic_page.prepare()  # raises nothing: the page itself reports the problem when shown
    assert asked == ["topic.html", "topic.html"]


GC_SCRIPT = """
import gc, json, sys
if sys.argv[1] == "broken":
    import builtins
    real_import = builtins.__import__
    def failing(name, *args, **kwargs):
        if name == "familyprivacy.ui.main_window":
            raise ImportError("broken on purpose")
        return real_import(name, *args, **kwargs)
    builtins.__import__ = failing
try:
    import familyprivacy.ui.app
    imported = True
except ImportError:
    imported = False
print(json.dumps({"imported": imported, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


@pytest.mark.parametrize("kind", ["working", "broken"])
def test_the_collector_is_back_on_after_start_up_imports_and_skips_what_they_made(kind: str) -> None:
    """The app's modules load with the collector off; after, it is on again, even if an import
    failed, and what they made (types, functions, tables that live as long as the app) is frozen
    out of its rounds."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", GC_SCRIPT, kind], env=env, capture_output=True, text=True,
                         timeout=HANG_GUARD, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["imported"] is (kind == "working")
    assert result["enabled"] is True
    assert result["frozen"] > 10_000  # every object alive once the modules are in
