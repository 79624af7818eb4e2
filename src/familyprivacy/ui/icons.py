"""The topic icons, drawn in the palette's colours so they follow the high-contrast theme."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from familyprivacy import paths


@lru_cache(maxsize=64)
def _svg(name: str) -> str:
    path = paths.icons_dir() / f"{name}.svg"
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


def _renderer(name: str, colour: str, background: str) -> QSvgRenderer | None:
    text = _svg(name)
    if not text:
        return None
    text = text.replace("#ffffff", background).replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    return renderer if renderer.isValid() else None


@lru_cache(maxsize=256)  # drawn once per look; a language switch redraws no icon
def icon(name: str, colour: str, background: str = "#ffffff", size: int = 48, badge: bool = False,
         selected: str = "", selected_background: str = "") -> QIcon:
    """The icon ``name`` in ``colour``, with a tick in the corner once seen (``badge``).

    ``selected`` (on ``selected_background``) is drawn on a highlighted row. An unknown or unreadable icon
    gives an empty icon, never an error.
    """
    result = QIcon()
    _add(result, name, colour, background, size, badge, QIcon.Mode.Normal)
    if selected:
        _add(result, name, selected, selected_background or background, size, badge, QIcon.Mode.Selected)
    return result


def _add(result: QIcon, name: str, colour: str, background: str, size: int, badge: bool,
         mode: QIcon.Mode) -> None:
    renderer = _renderer(name, colour, background)
    if renderer is None:
        return
    tick = _renderer("tick", colour, background) if badge else None
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        if tick is not None:
            renderer.render(painter, QRectF(0, 0, size * scale * 0.8, size * scale * 0.8))
            tick.render(painter, QRectF(size * scale * 0.5, size * scale * 0.5,
                                        size * scale * 0.5, size * scale * 0.5))
        else:
            renderer.render(painter)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        result.addPixmap(pixmap, mode)
