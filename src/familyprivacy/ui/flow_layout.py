"""A row of controls that wraps onto more lines when the text is large or the window narrow.

A plain row of buttons could only squash them: at 200% text on a 1024 by 768 screen the summary's
buttons read "int the summa" and "ose recor" (WCAG 1.4.4). In a ``FlowLayout`` each control keeps the
width its words need, and what does not fit goes onto the next line. On each line the controls that
may grow (a horizontal size policy that expands) share the room left over, so a name field still
fills its row. Right to left, the lines run from the right.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QStyle, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        if parent is None:
            self.setContentsMargins(QMargins(0, 0, 0, 0))

    # -- QLayout -----------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        m = self.contentsMargins()
        width = sum(i.sizeHint().width() for i in shown) + self._gap * max(0, len(shown) - 1)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """As narrow as the widest control: one control a line."""
        shown = self._shown()
        m = self.contentsMargins()
        width = max((i.minimumSize().width() for i in shown), default=0)
        height = max((i.minimumSize().height() for i in shown), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    # -- placing -----------------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty() or i.spacerItem() is not None]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            need = min(item.sizeHint().width(), width)
            if lines[-1] and used + self._gap + need > width:
                lines.append([])
                used = 0
            used += (self._gap if lines[-1] else 0) + need
            lines[-1].append(item)
        return [line for line in lines if line]

    def _place(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.marginsRemoved(m)
        width = max(1, area.width())
        parent = self.parentWidget()
        direction = parent.layoutDirection() if parent is not None else Qt.LayoutDirection.LeftToRight
        y = area.y()
        for line in self._lines(width):
            widths = [min(max(i.sizeHint().width(), i.minimumSize().width()), width) for i in line]
            spare = width - sum(widths) - self._gap * (len(line) - 1)
            growing = [n for n, i in enumerate(line)
                       if i.expandingDirections() & Qt.Orientation.Horizontal
                       or _policy(i) & QSizePolicy.PolicyFlag.ExpandFlag]
            for k, n in enumerate(growing):
                share = spare // len(growing) + (1 if k < spare % len(growing) else 0)
                widths[n] += max(0, share)
            heights = [i.heightForWidth(w) if i.hasHeightForWidth() else i.sizeHint().height()
                       for i, w in zip(line, widths, strict=True)]
            tall = max(heights)
            x = area.x()
            for item, w, h in zip(line, widths, heights, strict=True):
                if apply:
                    box = QRect(QPoint(x, y + (tall - h) // 2), QSize(w, h))
                    item.setGeometry(QStyle.visualRect(direction, area, box))
                x += w + self._gap
            y += tall + self._gap
        return y - self._gap - area.y() + m.top() + m.bottom() if y > area.y() else m.top() + m.bottom()


def _policy(item: QLayoutItem) -> QSizePolicy.PolicyFlag:
    widget = item.widget()
    if widget is None:
        return QSizePolicy.PolicyFlag(0)
    return QSizePolicy.PolicyFlag(widget.sizePolicy().horizontalPolicy().value)


def flow_row(*widgets: QWidget | None, spacing: int = 8) -> FlowLayout:
    """``widgets`` in a wrapping row; a ``None`` among them is a gap that takes the room left on its
    line (so what follows it sits at the line's far end)."""
    row = FlowLayout(spacing=spacing)
    for widget in widgets:
        if widget is None:
            row.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum))
        else:
            row.addWidget(widget)
    return row
