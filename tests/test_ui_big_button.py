"""Big buttons draw their own two lines: sized for them, redrawn when the text size or language changes."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyprivacy.ui.big_button import BigButton
from familyprivacy.ui.main_window import MainWindow
from tests.test_ui_support import no_translations, notices, window

__all__ = ['no_translations', 'notices', 'window']  # pytest fixtures, shared

WRAP = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


def needed_height(button: BigButton) -> int:
    """What the two lines need at the button's width, measured here, not by the button."""
    width = button.width() - 32
    main = QFontMetrics(button.main_font()).boundingRect(QRect(0, 0, width, 10**5), WRAP, button.main_text)
    sub = QFontMetrics(button.sub_font()).boundingRect(QRect(0, 0, width, 10**5), WRAP, button.sub_text)
    return main.height() + (sub.height() + 4 if button.sub_text else 0) + 24


def ink_rows(button: BigButton) -> list[int]:
    """The rows of the button where its text colour was drawn."""
    image = button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    text = button.palette().color(button.palette().ColorRole.ButtonText)
    rows = []
    for y in range(image.height()):
        if any(QColor(image.pixel(x, y)) == text for x in range(8, image.width() - 8)):
            rows.append(y)
    return rows


def test_language_buttons_are_as_tall_as_their_lines_need(qtbot: QtBot, window: MainWindow) -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    window.set_text_scale(2.0)
    for lang in ("en", "ur"):
        window.set_language(lang)
        QApplication.processEvents()
        picker = window.language_picker
        shown = [b for b in picker.buttons if b.key in picker.visible_codes()]
        assert len(shown) > 9
        for button in shown:
            assert button.height() >= needed_height(button), (lang, button.key)
        urdu = next(b for b in picker.buttons if b.key == "ur")
        assert urdu.main_font().families()[1] == "Noto Nastaliq Urdu"


def test_a_change_of_text_size_reaches_the_lines(qtbot: QtBot, window: MainWindow) -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    button = window.language_picker.buttons[1]
    before = (button.main_font().pointSizeF(), button.sub_font().pointSizeF(), button.sizeHint().height())
    window.set_text_scale(1.5)
    QApplication.processEvents()
    after = (button.main_font().pointSizeF(), button.sub_font().pointSizeF(), button.sizeHint().height())
    assert after[0] > before[0] * 1.4 and after[1] > before[1] * 1.3
    assert after[2] > before[2]


def test_both_lines_are_drawn_inside_the_button(qtbot: QtBot) -> None:
    button = BigButton("pl")
    qtbot.addWidget(button)
    button.set_lines("Polski", "Polish", "native")
    button.ensurePolished()
    button.resize(button.sizeHint())
    rows = ink_rows(button)
    assert rows, "no text was drawn"
    # Two lines, with a gap between them, inside the frame.
    gaps = [b - a for a, b in itertools.pairwise(rows) if b - a > 1]
    assert gaps, "the two lines ran together or one is missing"
    assert rows[0] > 3 and rows[-1] < button.height() - 3
    assert button.accessibleName() == "Polski (Polish)"
    empty = BigButton("x")
    qtbot.addWidget(empty)
    empty.set_lines("Only one line")
    assert empty.sizeHint().height() >= 72 and empty.accessibleName() == "Only one line"
