"""Topic icons are drawn when asked for, at the size and state asked for, in the theme's colours."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter
from pytestqt.qtbot import QtBot

from familyprivacy.ui import icons

INK, PAPER, SELECTED, HIGHLIGHT = "#1b1b1b", "#ffffff", "#ffff00", "#1d5e8c"


def colours_in(image: QImage) -> set[str]:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return {QColor(image.pixel(x, y)).name() for x in range(image.width()) for y in range(image.height())
            if QColor.fromRgba(image.pixel(x, y)).alpha() == 255}


def test_an_icon_is_drawn_at_the_size_and_in_the_colours_of_its_state(qtbot: QtBot) -> None:
    icon = icons.icon("why", INK, PAPER, selected=SELECTED, selected_background=HIGHLIGHT)
    normal = icon.pixmap(QSize(40, 40))
    assert normal.size() == QSize(40, 40)
    assert INK in colours_in(normal.toImage())
    selected = icon.pixmap(QSize(40, 40), QIcon.Mode.Selected)
    drawn = colours_in(selected.toImage())
    assert SELECTED in drawn and INK not in drawn
    sharp = icon.pixmap(QSize(40, 40), 2.0)  # a high-density screen gets its own drawing, not a stretched one
    assert sharp.size() == QSize(80, 80) and sharp.devicePixelRatio() == 2.0


def test_painting_into_a_row_draws_the_icon(qtbot: QtBot) -> None:
    icon = icons.icon("rights", INK, PAPER)
    image = QImage(60, 60, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    icon.paint(painter, QRect(10, 10, 40, 40))
    painter.end()
    assert INK in colours_in(image)
    assert QColor.fromRgba(image.pixel(2, 2)).alpha() == 0  # nothing outside the place given


def test_the_seen_tick_changes_the_drawing(qtbot: QtBot) -> None:
    plain = icons.icon("who", INK, PAPER).pixmap(QSize(48, 48)).toImage()
    seen = icons.icon("who", INK, PAPER, badge=True).pixmap(QSize(48, 48)).toImage()
    assert plain != seen


def test_an_unknown_or_broken_icon_draws_nothing_and_raises_nothing(qtbot: QtBot, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert icons.icon("no-such-icon", INK).isNull()
    (tmp_path / "broken.svg").write_text("<svg this is not", "utf-8")
    monkeypatch.setattr(icons.paths, "icons_dir", lambda: tmp_path)
    icons._svg.cache_clear()
    try:
        assert icons.icon("broken", INK).pixmap(QSize(48, 48)).isNull()
    finally:
        icons._svg.cache_clear()
        icons.icon.cache_clear()
