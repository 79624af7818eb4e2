"""Pieces the recording screens share."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget

from familyprivacy.i18n import languages, worker_language


def worker_direction() -> Qt.LayoutDirection:
    """A worker's screen runs in the worker's language's direction, whatever the family's is."""
    rtl = languages.is_rtl(worker_language())
    return Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight


class FocusFirst:
    """A screen that, given the focus, passes it to its first control (``first_focus``).

    Not a focus proxy: Qt sends a Tab that reaches a widget with a proxy straight to the proxy, so every
    control between the screen and its proxy in the Tab order (the topic list, the page, the search
    field) could never be reached by Tab (WCAG 2.1.1, 2.4.3). Mixed in before QWidget.
    """

    first_focus: QWidget | None = None

    def setFocus(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:
        target = self.first_focus
        if target is not None and not target.isHidden() and target.isEnabled():
            target.setFocus(reason)
        else:
            assert isinstance(self, QWidget)
            QWidget.setFocus(self, reason)


def keep_focus_in_view(scroll: QScrollArea) -> None:
    """Scroll to show a control inside ``scroll`` whenever it takes the focus, however it came (Qt does
    so only when the focus moves from inside the area), so the focus is never out of view (2.4.11)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return

    def focus_changed(_old: QWidget | None, new: QWidget | None) -> None:
        if not shiboken6.isValid(scroll):
            app.focusChanged.disconnect(focus_changed)
            return
        body = scroll.widget()
        if new is not None and body is not None and body.isAncestorOf(new):
            scroll.ensureWidgetVisible(new)

    app.focusChanged.connect(focus_changed)


def worker_locale() -> QLocale:
    """The language a worker's screen tells assistive technology it is in (WCAG 3.1.1)."""
    return QLocale(worker_language())


def scrolling_column(body: QWidget) -> QScrollArea:
    """``body`` in a frameless area that scrolls up and down only: text wraps, never runs off the side."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(body)
    # No Tab stop of its own (it would show no focus): Tab moves through the controls inside, and the
    # area scrolls to show each one as it takes the focus.
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    keep_focus_in_view(scroll)
    return scroll

