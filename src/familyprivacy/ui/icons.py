"""The topic icons, drawn in the palette's colours so they follow the high-contrast theme.

Each icon is drawn when Qt first asks for it, at the size, pixel ratio and state asked
for: drawing every icon in every state ahead was 16 ms of opening the first topic.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
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


class _TopicIconEngine(QIconEngine):
    """Draws one topic icon on demand: ``colours`` maps an icon mode to (colour, background)."""

    def __init__(self, name: str, colours: dict[QIcon.Mode, tuple[str, str]], badge: bool) -> None:
        super().__init__()
        self.name = name
        self.colours = colours
        self.badge = badge
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def _colours(self, mode: QIcon.Mode) -> tuple[str, str]:
        return self.colours.get(mode) or self.colours[QIcon.Mode.Normal]

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode if mode in self.colours else QIcon.Mode.Normal)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        colour, background = self._colours(key[2])
        renderer = _renderer(self.name, colour, background)
        if renderer is None or size.isEmpty():
            return QPixmap()  # an unreadable icon draws nothing (the self-test looks for these)
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        w, h = size.width(), size.height()
        tick = _renderer("tick", colour, background) if self.badge else None
        if tick is not None:
            renderer.render(painter, QRectF(0, 0, w * 0.8, h * 0.8))
            tick.render(painter, QRectF(w * 0.5, h * 0.5, w * 0.5, h * 0.5))
        else:
            renderer.render(painter)
        painter.end()
        self._pixmaps[key] = pixmap
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        pixmap = self.pixmap(QSize(round(rect.width() * ratio), round(rect.height() * ratio)), mode, state)
        painter.drawPixmap(rect, pixmap)

    def clone(self) -> QIconEngine:
        return _TopicIconEngine(self.name, dict(self.colours), self.badge)


@lru_cache(maxsize=256)  # one per look; a language switch makes no new icon
def icon(name: str, colour: str, background: str = "#ffffff", badge: bool = False,
         selected: str = "", selected_background: str = "") -> QIcon:
    """The icon ``name`` in ``colour``, with a tick in the corner once seen (``badge``).

    ``selected`` (on ``selected_background``) is drawn on a highlighted row. An unknown or unreadable icon
    gives an empty icon, never an error.
    """
    if not _svg(name):
        return QIcon()
    colours = {QIcon.Mode.Normal: (colour, background)}
    if selected:
        colours[QIcon.Mode.Selected] = (selected, selected_background or background)
    return QIcon(_TopicIconEngine(name, colours, badge))
