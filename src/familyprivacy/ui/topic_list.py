"""The list of topics beside the page: an icon and a title that wraps, never cut short."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QListView, QListWidget, QStyledItemDelegate, QStyleOptionViewItem, QWidget

PAD = 6  # at the row's sides, and between the icon and the title
VPAD = 3  # above and below: ten topics should fit beside the page without scrolling
Index = QModelIndex | QPersistentModelIndex


class TopicDelegate(QStyledItemDelegate):
    """Measures and draws a title with one and the same width, so the measured lines are the drawn ones.

    Qt's own item drawing measured a title a little wider than it drew it: a title that
    just fitted on one line was wrapped when drawn, and its second line became "…"
    (Arabic in presentation mode, Bengali at large text sizes).
    """

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._row_only = False

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if self._row_only:  # the style draws the row; the title and icon are drawn here
            option.text = ""
            option.icon = QIcon()

    @staticmethod
    def flags(rtl: bool) -> int:
        # Absolute: the painter is right-to-left too, and would mirror a plain AlignRight back to the left.
        side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        return int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignAbsolute
                   | side)

    def row_width(self) -> int:
        # The viewport's width, worked out without asking for the viewport: PySide's first
        # viewport() call sets up every class it has (60 Python enums, 20 ms at start-up).
        view = self._view
        width = view.maximumViewportSize().width()
        bar = view.verticalScrollBar()
        if bar.isVisible():
            width -= bar.width()
        return max(width - 2 * view.spacing(), 60)

    def text_rect(self, row: QRect, icon: QSize, rtl: bool) -> QRect:
        inner = row.adjusted(PAD, VPAD, -PAD, -VPAD)
        gap = icon.width() + PAD
        return inner.adjusted(0, 0, -gap, 0) if rtl else inner.adjusted(gap, 0, 0, 0)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self.row_width()
        rtl = opt.direction == Qt.LayoutDirection.RightToLeft
        icon: QSize = opt.decorationSize
        box = self.text_rect(QRect(0, 0, width, 10_000), icon, rtl)
        text: str = opt.text
        needed = QFontMetrics(opt.font).boundingRect(box, self.flags(rtl), text)
        return QSize(width, max(icon.height(), needed.height()) + 2 * VPAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text: str = opt.text
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        rtl = opt.direction == Qt.LayoutDirection.RightToLeft
        # Asked of the view, not of the option's state: reading that state would make PySide
        # set up QStyle's enums (about 800 members) while the first topic is opened.
        selection = self._view.selectionModel()
        selected = selection is not None and selection.isSelected(index)
        size: QSize = opt.decorationSize
        row: QRect = opt.rect
        # The style draws the row's background, selection and focus, as for any item.
        self._row_only = True
        try:
            super().paint(painter, option, index)
        finally:
            self._row_only = False
        painter.save()
        inner = row.adjusted(PAD, VPAD, -PAD, -VPAD)
        left = inner.right() - size.width() + 1 if rtl else inner.left()
        place = QRect(left, inner.top() + (inner.height() - size.height()) // 2, size.width(), size.height())
        if isinstance(icon, QIcon):
            icon.paint(painter, place, Qt.AlignmentFlag.AlignCenter,
                       QIcon.Mode.Selected if selected else QIcon.Mode.Normal)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        painter.setLayoutDirection(opt.direction)
        painter.drawText(self.text_rect(row, size, rtl), self.flags(rtl), text)
        painter.restore()


class TopicList(QListWidget):
    """One row per topic; long titles (long-word languages, big text) wrap onto more lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(TopicDelegate(self))
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)

    def title_fits(self, row: int) -> bool:
        """True when the row is tall and wide enough for its whole title (the tests' check)."""
        item = self.item(row)
        delegate = self.itemDelegate()
        if item is None or not isinstance(delegate, TopicDelegate):
            return False
        rect = self.visualItemRect(item)
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        box = delegate.text_rect(rect, self.iconSize(), rtl)
        needed = QFontMetrics(self.font()).boundingRect(box, delegate.flags(rtl), item.text())
        # A stroke may overhang the box by a pixel or two (Nastaliq); the padding beside it holds that.
        return needed.height() <= box.height() and needed.width() <= box.width() + PAD
