"""What a screen reader gets beyond Qt's own: headings exposed as headings, and status messages announced.

Headings. A ``QLabel`` whose object name is ``heading`` (the style sheet's name for a screen's title) is
given the accessible role Heading through an accessibility factory (``QAccessible.installFactory``):
Qt's own QLabel interface reports every label as StaticText, and the role cannot be set on a widget.
The role is what NVDA, Orca and VoiceOver read, so "next heading" works on every screen. The object name
must be set before the label is first given text (Qt makes a widget's interface once, when it first
changes): ``heading_label()`` does that.

Announcements. A message that appears without moving the focus (a wrong passphrase, a form's problems,
"Saved", a sync error) is posted as a ``QAccessibleAnnouncementEvent`` (Qt 6.8), which screen readers
speak at once. Qt gives Python no hook to watch the events it posts, so ``announce`` also tells
``listeners`` (the accessibility audit, tests/test_accessibility.py, records them there).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QLabel, QWidget

HEADING = "heading"
ROLE = "accessibleRole"  # a widget's dynamic property: the QAccessible.Role a plain widget is read as
listeners: list[Callable[[QObject, str], None]] = []
_interfaces: list[QAccessibleWidget] = []  # kept while Qt holds them (Qt deletes them with their widget)
_installed = False


class HeadingInterface(QAccessibleWidget):
    """A label read as a heading, named by its text."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label, QAccessible.Role.Heading)
        self._label = label

    def text(self, t: QAccessible.Text) -> str:
        if t == QAccessible.Text.Name:
            return self._label.accessibleName() or self._label.text()
        return super().text(t)


def _factory(_key: str, obj: QObject) -> QAccessibleInterface | None:
    interface: QAccessibleWidget | None = None
    if isinstance(obj, QLabel) and obj.objectName() == HEADING:
        interface = HeadingInterface(obj)
    elif isinstance(obj, QWidget) and isinstance(role := obj.property(ROLE), QAccessible.Role):
        interface = QAccessibleWidget(obj, role)  # named and described by its accessible name, description
    if interface is not None:
        _interfaces[:] = [i for i in _interfaces if shiboken6.isValid(i)]
        _interfaces.append(interface)
    return interface


def set_role(widget: QWidget, role: QAccessible.Role) -> None:
    """Have ``widget`` read as ``role`` (a plain QWidget is read as "client"); call in its constructor,
    before anything is asked of its accessibility."""
    widget.setProperty(ROLE, role)


def install() -> None:
    """Once per process, before the first window is made."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def heading_label(parent: QWidget | None = None) -> QLabel:
    """A screen's heading: styled as one, and read as one."""
    label = QLabel(parent)
    label.setObjectName(HEADING)
    label.setWordWrap(True)
    return label


class StatusLabel(QLabel):
    """A label for status messages (a wrong passphrase, a form's problems, "Saved"): each message set is
    announced, so a screen reader says it without the focus moving to it (WCAG 4.1.3)."""

    def setText(self, text: str) -> None:
        super().setText(text)
        announce(self, text)


def announce(source: QObject, message: str) -> None:
    """Have a screen reader speak ``message`` now, without moving the focus."""
    if not message:
        return
    QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(source, message))
    for listener in list(listeners):
        listener(source, message)
