"""Pieces the recording screens share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from familyprivacy.i18n import languages, worker_language


def worker_direction() -> Qt.LayoutDirection:
    """A worker's screen runs in the worker's language's direction, whatever the family's is."""
    rtl = languages.is_rtl(worker_language())
    return Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight


def scrolling_column(body: QWidget) -> QScrollArea:
    """``body`` in a frameless area that scrolls up and down only: text wraps, never runs off the side."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(body)
    return scroll
