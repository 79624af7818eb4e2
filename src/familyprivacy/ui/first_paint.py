"""Waiting for a widget's first paint: how start-up is measured by the self-test and bench/."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


class _Watch(QObject):
    def __init__(self, loop: QEventLoop, on_paint: Callable[[], None]) -> None:
        super().__init__()
        self.loop, self.on_paint, self.done = loop, on_paint, False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            try:
                self.on_paint()
            finally:  # a reading that fails must not leave the loop waiting for ever
                self.loop.quit()
        return False


def run_until_first_paint(target: QWidget, start: Callable[[], None], on_paint: Callable[[], None]) -> None:
    """Run ``start``, then the event loop until ``target`` paints; ``on_paint`` takes the reading then.

    A screen whose whole area is a scroll area (the unlock screen, so it scrolls at large text) never
    paints itself, only its parts: the first paint of the screen or of any part counts."""
    loop = QEventLoop()
    watch = _Watch(loop, on_paint)
    watched = [target, *target.findChildren(QWidget)]
    for widget in watched:
        widget.installEventFilter(watch)
    try:
        start()
        if not watch.done:
            loop.exec()
    finally:
        for widget in watched:
            widget.removeEventFilter(watch)


def viewport_of(area: QAbstractScrollArea) -> QWidget:
    """The widget a scroll area paints its content in.

    Found by its object name: PySide's first ``viewport()`` call sets up every class it
    has (20 ms), which a measurement must not add to what it measures.
    """
    found = area.findChild(QWidget, "qt_scrollarea_viewport")
    return found if found is not None else area.viewport()
