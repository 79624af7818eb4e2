"""The accessibility audit's checks: what a screen reader, a keyboard user and speech control meet on a
screen (WCAG 2.2 AA: 1.3.1, 2.1.1, 2.1.2, 2.4.3, 2.4.7, 2.4.11, 2.5.3, 2.5.8, 3.1.1, 4.1.2, 4.1.3).

Each check returns a list of problems, each naming the screen and the widget, so one failing test says
everything wrong with its screen at once. The checks read what Qt gives assistive technology: the
QAccessible interface's name and role, and the focus as Tab and Shift+Tab move it (real key presses).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSplitterHandle,
    QTextEdit,
    QToolButton,
    QWidget,
)

from familyprivacy.ui import access

Role = QAccessible.Role
BUTTON_ROLES = {Role.PushButton, Role.CheckBox, Role.RadioButton, Role.Button}
FIELD_ROLES = {Role.EditableText}
MIN_TARGET = 24  # WCAG 2.5.8: at least 24 by 24 CSS pixels


def describe(widget: QWidget) -> str:
    """A widget as a failure message names it: its class, object name or visible text, and name."""
    text = visible_label(widget)
    name = accessible_name(widget)
    bits = [type(widget).__name__]
    if widget.objectName():
        bits.append(f"#{widget.objectName()}")
    if text:
        bits.append(f"label {text!r}")
    bits.append(f"name {name!r}")
    return " ".join(bits)


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def accessible_role(widget: QWidget) -> QAccessible.Role | None:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.role() if iface is not None else None


def clean(text: str) -> str:
    """A label as speech control hears it: no & mnemonic, no trailing colon, spaces collapsed."""
    text = re.sub(r"&(.)", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(":：").strip().casefold()


def buddy_label(widget: QWidget) -> QLabel | None:
    """The visible label whose buddy is ``widget``."""
    top = widget.window()
    for label in top.findChildren(QLabel):
        if label.buddy() is widget and label.isVisible() and label.text().strip():
            return label
    return None


def visible_label(widget: QWidget) -> str:
    """The words shown on or for a control (what a speech-control user says to reach it)."""
    if isinstance(widget, QAbstractButton):
        main = getattr(widget, "main_text", "")  # a BigButton draws its own lines
        return str(main) if main else widget.text()
    label = buddy_label(widget)
    return label.text() if label is not None else ""


def is_interactive(widget: QWidget) -> bool:
    return isinstance(widget, (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextEdit,
                               QSplitterHandle)) or bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled() and not widget.visibleRegion().isEmpty()


def interactive_widgets(screen: QWidget) -> list[QWidget]:
    """The controls a person can use on ``screen`` now: visible, enabled, interactive."""
    found = [w for w in screen.findChildren(QWidget) if is_interactive(w) and shown(w)]
    found = [w for w in found if not _internal(w)]
    if is_interactive(screen) and shown(screen) and screen.focusPolicy() & Qt.FocusPolicy.TabFocus:
        found.insert(0, screen)
    return found


def _internal(widget: QWidget) -> bool:
    """Parts Qt builds inside another control (a combo box's view, a line edit's clear button)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QLineEdit, QAbstractSpinBox)) or (
                type(parent).__name__ == "QComboBoxPrivateContainer"):
            return True
        parent = parent.parentWidget()
    return type(widget).__name__.startswith("QLineEditIconButton")


# -- names and roles ---------------------------------------------------------------------------------------
def name_problems(screen_name: str, screen: QWidget) -> list[str]:
    """4.1.2 (a name), 2.5.3 (the name contains the visible label), 1.3.1 (not labelled only by
    placeholder; headings are headings) and 4.1.2 (roles)."""
    problems = []
    for widget in interactive_widgets(screen):
        name = accessible_name(widget)
        where = f"{screen_name}: {describe(widget)}"
        if isinstance(widget, QSplitterHandle):
            continue  # checked as a target (target_problems)
        if not name.strip():
            problems.append(f"{where}: no accessible name (4.1.2)")
            continue
        label = clean(visible_label(widget))
        if isinstance(widget, QComboBox):
            # A combo box's name is its current item (Qt); its label is its accessibleName property
            # and the label relation from its buddy, which screen readers read with it.
            name = widget.accessibleName()
        if label and label not in clean(name):
            problems.append(f"{where}: the accessible name does not contain the visible label (2.5.3)")
        role = accessible_role(widget)
        if isinstance(widget, QAbstractButton) and role not in BUTTON_ROLES:
            problems.append(f"{where}: role {role} is not a button's (4.1.2)")
        if isinstance(widget, QLineEdit):
            if role not in FIELD_ROLES:
                problems.append(f"{where}: role {role} is not a text field's (4.1.2)")
            if buddy_label(widget) is None and not _labelled_by_group(widget):
                problems.append(f"{where}: labelled only by its placeholder or not at all (1.3.1)")
    for label in screen.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip():
            continue
        where = f"{screen_name}: label {label.text()[:60]!r}"
        if label.objectName() == access.HEADING and accessible_role(label) != Role.Heading:
            problems.append(f"{where}: a heading not exposed as a heading (1.3.1)")
        plain = label.textFormat() == Qt.TextFormat.PlainText or not GuiQt.mightBeRichText(label.text())
        name = accessible_name(label)
        if plain and clean(label.text()) not in clean(name) and clean(name) not in clean(label.text()):
            problems.append(f"{where}: read as {name!r}, not as the words shown (1.3.1)")
    return problems


def _labelled_by_group(widget: QWidget) -> bool:
    """A field alone in a titled group is labelled by the group's visible title (and named so)."""
    parent = widget.parentWidget()
    return (isinstance(parent, QGroupBox) and bool(parent.title())
            and clean(parent.title()) in clean(accessible_name(widget)))


# -- the keyboard -----------------------------------------------------------------------------------------
def focused() -> QWidget | None:
    return QApplication.focusWidget()


def _owner(widget: QWidget, candidates: list[QWidget]) -> QWidget:
    """The control that ``widget`` stands for: itself, or the control it is the focus proxy of."""
    for candidate in candidates:
        if widget is candidate:
            return candidate
    for candidate in candidates:
        if candidate.focusProxy() is widget:
            return candidate
    return widget


def _group(widget: QWidget) -> tuple[QWidget, ...] | None:
    """The buttons of the exclusive group ``widget`` is in: one Tab stop, whose buttons the arrow keys
    move between (Qt's behaviour, and what screen readers expect of radio buttons)."""
    if isinstance(widget, QRadioButton):
        group = widget.group()
        if group is not None and group.exclusive():
            return tuple(b for b in group.buttons() if b.isVisible())
        if widget.autoExclusive() and widget.parentWidget() is not None:
            return tuple(b for b in widget.parentWidget().findChildren(QRadioButton)
                         if b.autoExclusive() and b.isVisible())
    return None


def tab_walk(screen: QWidget, backwards: bool = False) -> tuple[list[QWidget], bool, list[QWidget]]:
    """Press Tab (or Shift+Tab) from the screen's first focus until the focus comes back to where it
    started. Returns the focus at each press, whether it came back (False: a keyboard trap), and the
    widgets that had the focus while out of view."""
    start = focused()
    assert start is not None, "nothing has the focus"
    steps: list[QWidget] = [start]
    hidden: list[QWidget] = []
    limit = 2 * len([w for w in screen.window().findChildren(QWidget)
                     if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus]) + 10
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
    for _ in range(limit):
        now = focused()
        assert now is not None
        QTest.keyClick(now, key, modifier)
        QApplication.processEvents()
        after = focused()
        if after is None:
            return steps, False, hidden
        if after.visibleRegion().isEmpty() or not _global_rect(after).intersects(
                _global_rect(after.window())):
            hidden.append(after)
        if after in steps:
            # Round again: at the first stop (the start, or the first control after a start that
            # is no Tab stop itself, such as a screen given the focus), or else trapped in a loop.
            anchor = start if start.focusPolicy() & Qt.FocusPolicy.TabFocus or len(steps) < 2 else steps[1]
            return steps, after is anchor, hidden
        steps.append(after)
    return steps, False, hidden


def keyboard_problems(screen_name: str, screen: QWidget) -> list[str]:
    """2.1.1 every control reachable by Tab, once; 2.1.2 no trap, either way; 2.4.3 the order follows
    the screen (no step back along a row or up a column, mirrored right to left); 2.4.7 no Tab stop
    that shows nothing; 2.4.11 the focused control is in view."""
    problems: list[str] = []
    wanted = [w for w in interactive_widgets(screen) if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    steps, closed, hidden = tab_walk(screen)
    for widget in dict.fromkeys(hidden):
        problems.append(f"{screen_name}: {describe(widget)} takes the focus out of view (2.4.11)")
    if not closed:
        where = describe(steps[-1]) if steps else "?"
        problems.append(f"{screen_name}: Tab never comes back round: trapped at {where} (2.1.2)")
    back, back_closed, _hidden = tab_walk(screen, backwards=True)
    if not back_closed:
        where = describe(back[-1]) if back else "?"
        problems.append(f"{screen_name}: Shift+Tab never comes back round: trapped at {where} (2.1.2)")
    inside = [s for s in steps if s is screen or screen.isAncestorOf(s)]
    owners = [_owner(s, wanted) for s in inside]
    for widget in wanted:
        count = sum(o is widget for o in owners)
        group = _group(widget)
        if group is not None:  # the group is one stop: some button of it is reached, once
            count = sum(o in group for o in owners)
        if count != 1:
            problems.append(f"{screen_name}: forward Tab reaches {describe(widget)} {count} times, "
                            "not once (2.1.1, 2.4.3)")
    for widget in inside:
        if isinstance(widget, QAbstractScrollArea) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and type(widget).__name__ in ("QScrollArea",):
            problems.append(f"{screen_name}: a scroll area takes a Tab stop that shows no focus (2.4.7)")
    problems += _order_problems(screen_name, screen, _reading_start(screen, steps, wanted))
    return problems


def _reading_start(screen: QWidget, steps: list[QWidget], wanted: list[QWidget]) -> list[QWidget]:
    """The screen's controls in Tab order, from where Tab enters the screen (the walk starts at the
    screen's first focus, which may be its Next button, and goes round)."""
    def inside(widget: QWidget) -> bool:
        return widget is screen or screen.isAncestorOf(widget)

    entry = next((i for i in range(1, len(steps)) if inside(steps[i]) and not inside(steps[i - 1])), None)
    if entry is not None:
        steps = steps[entry:] + steps[:entry]
    owners = [_owner(s, wanted) for s in steps if inside(s)]
    order = [o for o in owners if o in wanted]
    if entry is None and order:  # Tab never leaves the screen: it may enter it anywhere in the round
        first = min(range(len(order)),
                    key=lambda i: len(_order_problems("", screen, order[i:] + order[:i])))
        order = order[first:] + order[:first]
    return order


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


def _shown_rect(widget: QWidget) -> QRect:
    """The part of ``widget`` on screen (not what is scrolled away), in global coordinates."""
    box = widget.visibleRegion().boundingRect()
    return QRect(widget.mapToGlobal(box.topLeft()), box.size())


def _order_problems(screen_name: str, screen: QWidget, order: list[QWidget]) -> list[str]:
    """A step that goes back against the reading: leftwards along one row (rightwards right to left),
    or up within one column."""
    rtl = screen.layoutDirection() == Qt.LayoutDirection.RightToLeft
    problems = []
    for a, b in itertools.pairwise(order):
        ra, rb = _shown_rect(a), _shown_rect(b)
        if ra.isEmpty() or rb.isEmpty():
            continue
        overlap_v = min(ra.bottom(), rb.bottom()) - max(ra.top(), rb.top())
        overlap_h = min(ra.right(), rb.right()) - max(ra.left(), rb.left())
        same_row = overlap_v > 0.5 * min(ra.height(), rb.height())
        backwards = rb.right() <= ra.left() if not rtl else rb.left() >= ra.right()
        if same_row and backwards:
            problems.append(f"{screen_name}: Tab goes from {describe(a)} back to {describe(b)}, "
                            f"{'right' if rtl else 'left'} along the row (2.4.3)")
        elif overlap_h > 0 and rb.bottom() <= ra.top():
            problems.append(f"{screen_name}: Tab goes from {describe(a)} up to {describe(b)} (2.4.3)")
    return problems


def target_problems(screen_name: str, screen: QWidget) -> list[str]:
    """2.5.8: a pointer target is at least 24 by 24 pixels (or has room around it); 2.5.7: what is
    dragged can also be done without dragging (a splitter is moved from the keyboard too)."""
    problems = []
    for widget in screen.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QSplitterHandle):
            splitter = widget.splitter()
            size = widget.width() if splitter.orientation() == Qt.Orientation.Horizontal else widget.height()
            if size < MIN_TARGET:
                problems.append(f"{screen_name}: splitter handle {size} px wide, under {MIN_TARGET} (2.5.8)")
            if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                problems.append(f"{screen_name}: the splitter moves only by dragging (2.5.7)")
        elif type(widget).__name__ == "QLineEditIconButton" or isinstance(widget, QToolButton) or (
                isinstance(widget, QAbstractButton) and isinstance(widget.parentWidget(), QLineEdit)):
            if widget.width() < MIN_TARGET or widget.height() < MIN_TARGET:
                problems.append(f"{screen_name}: {describe(widget)} is {widget.width()}x{widget.height()}, "
                                f"under {MIN_TARGET}x{MIN_TARGET} (2.5.8)")
    return problems


def locale_problems(screen_name: str, screen: QWidget, code: str) -> list[str]:
    """3.1.1: the language of the screen's words is the one assistive technology is told."""
    problems = []
    for widget in [screen, *interactive_widgets(screen)]:
        told = widget.locale().name()
        if told.split("_")[0] != code:
            problems.append(f"{screen_name}: {describe(widget)} tells the locale {told!r}, its words are "
                            f"{code!r} (3.1.1)")
    return problems


# -- announcements ----------------------------------------------------------------------------------------
@contextmanager
def announcements() -> Iterator[list[str]]:
    """The messages announced (QAccessibleAnnouncementEvent) while the block runs."""
    heard: list[str] = []

    def listen(_source: QObject, message: str) -> None:
        heard.append(message)

    access.listeners.append(listen)
    try:
        yield heard
    finally:
        access.listeners.remove(listen)


def announced(heard: list[str], message: str) -> bool:
    return any(clean(message) in clean(h) for h in heard)


Check = Callable[[str, QWidget], list[str]]


# -- text at 200% ------------------------------------------------------------------------------------------
def _scroll_area_of(content: QWidget) -> QScrollArea | None:
    """The scroll area whose content ``content`` is, if it is one."""
    viewport = content.parentWidget()
    area = viewport.parentWidget() if viewport is not None else None
    return area if isinstance(area, QScrollArea) and area.widget() is content else None


def _shown_text(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return widget.text() if widget.pixmap().isNull() else ""
    if isinstance(widget, QAbstractButton):
        return visible_label(widget)
    if isinstance(widget, QGroupBox):
        return widget.title()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return ""


def _cut(widget: QWidget) -> str:
    """How ``widget``'s own text does not fit its rectangle ("" when it does)."""
    w, h = widget.width(), widget.height()
    if isinstance(widget, QLabel):
        if widget.wordWrap():
            need = widget.heightForWidth(w)
            return f"is {h} px tall, its text needs {need}" if need > h + 1 else ""
        need = widget.sizeHint().width()
        return f"is {w} px wide, its text needs {need}" if need > w + 1 else ""
    if widget.sizePolicy().hasHeightForWidth():  # a BigButton: lines wrapped to its width
        need = widget.heightForWidth(w)
        return f"is {h} px tall, its lines need {need}" if need > h + 1 else ""
    hint = widget.minimumSizeHint() if isinstance(widget, (QComboBox, QLineEdit)) else widget.sizeHint()
    if isinstance(widget, QComboBox):  # the chosen item's words must show whole
        metrics = widget.fontMetrics()
        room = widget.style().subControlRect(
            widget.style().ComplexControl.CC_ComboBox, _combo_option(widget),
            widget.style().SubControl.SC_ComboBoxEditField, widget).width()
        need = metrics.horizontalAdvance(widget.currentText())
        if need > room + 1:
            return f"shows {room} px of its choice, which needs {need}"
    if isinstance(widget, QAbstractButton) and hint.width() > w + 1:
        return f"is {w} px wide, its label needs {hint.width()}"
    need = widget.heightForWidth(w) if widget.hasHeightForWidth() else hint.height()
    if need > h + 1:
        return f"is {h} px tall, it needs {need}"
    return ""


def _combo_option(combo: QComboBox):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QStyleOptionComboBox
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.editable = combo.isEditable()
    option.currentText = combo.currentText()
    return option


def _outside(widget: QWidget) -> str:
    """Which container cuts ``widget`` off, or "": its window, a parent that does not scroll, or a
    scroll area's content that is wider than the area and cannot be scrolled sideways. Inside a scroll
    area (or a list or text view, which scroll themselves) what is out of view can be scrolled to."""
    parent = widget.parentWidget()
    while parent is not None:
        box = QRect(widget.mapTo(parent, widget.rect().topLeft()), widget.size())
        if not parent.rect().adjusted(-1, -1, 1, 1).contains(box):
            where = "the window" if parent.isWindow() else describe(parent)
            return (f"runs outside {where} ({box.x()},{box.y()} {box.width()}x{box.height()} in "
                    f"{parent.width()}x{parent.height()})")
        area = _scroll_area_of(parent)
        if area is not None:
            shown = area.viewport().width()
            if (area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
                    and parent.width() > shown + 1):
                return (f"is in a column {parent.width()} px wide shown {shown} px wide, which does not "
                        f"scroll sideways")
            return ""
        if isinstance(parent, QAbstractScrollArea) or parent.isWindow():
            return ""
        parent = parent.parentWidget()
    return ""


def clipping_problems(screen_name: str, screen: QWidget) -> list[str]:
    """1.4.4: with the text at 200%, no words are cut off or elided: each label, button, field and
    choice is as big as its text needs, and none runs outside its window or a part that does not
    scroll (content in a scroll area may be scrolled to)."""
    problems = []
    for widget in [screen, *screen.findChildren(QWidget)]:
        if not widget.isVisible() or _internal(widget) or (widget.isWindow() and widget is not screen):
            continue
        text = _shown_text(widget)
        if not text.strip():
            continue
        why = _cut(widget) or _outside(widget)
        if why:
            problems.append(f"{screen_name}: {describe(widget)} {why} (1.4.4)")
    return problems
