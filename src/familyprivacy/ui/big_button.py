"""A large, touch-friendly button with a main line and a small line beneath it.

The button draws its two lines itself. It was a button holding two word-wrapped labels in a
layout: the language picker's twenty of them were sixty widgets to style and lay out, and
building and showing the picker took about 55 ms; now it takes about 35.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from familyprivacy.ui import fonts, theme

_MARGIN_X, _MARGIN_Y, _SPACING = 16, 12, 4
MIN_HEIGHT = 72  # a comfortable touch target
_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
_TALL = 100_000


def line_font(base: QFont, style: str) -> QFont:
    """The font of a line in ``style``: ``big`` and ``small`` follow the interface font
    ``base``; ``native`` and ``native_ur`` name a language in its own script."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else theme.BASE_POINT_SIZE
    native = fonts.native_families()
    if style in native:
        font.setFamilies(native[style])
    font.setPointSize(max(1, round(size * theme.LINE_SCALES.get(style, 1.0))))
    return font


class BigButton(QPushButton):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.main_text = ""
        self.sub_text = ""
        self.style_name = "big"
        # The main line's direction follows its own language, not the interface's.
        self.main_direction: Qt.LayoutDirection | None = None
        self._fonts: tuple[QFont, QFont] | None = None
        self._heights: dict[int, tuple[int, int]] = {}
        self._widths_cache: tuple[int, int] | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_lines(self, main: str, sub: str = "", style: str = "big") -> None:
        """``style`` names the main line's look (``big``, or ``native`` for a language's name)."""
        if (main, sub, style) != (self.main_text, self.sub_text, self.style_name):
            self.main_text, self.sub_text, self.style_name = main, sub, style
            self._forget()
        self.setAccessibleName(f"{main} ({sub})" if sub else main)

    def main_font(self) -> QFont:
        return self._line_fonts()[0]

    def sub_font(self) -> QFont:
        return self._line_fonts()[1]

    # -- size ----------------------------------------------------------------
    def _line_fonts(self) -> tuple[QFont, QFont]:
        if self._fonts is None:
            base = self.font()
            self._fonts = (line_font(base, self.style_name), line_font(base, "small"))
        return self._fonts

    def _forget(self) -> None:
        self._fonts = None
        self._heights.clear()
        self._widths_cache = None
        self.updateGeometry()
        self.update()

    def _line_heights(self, text_width: int) -> tuple[int, int]:
        """The heights of the main and small lines, wrapped to ``text_width``."""
        cached = self._heights.get(text_width)
        if cached is None:
            if len(self._heights) > 32:  # a window being resized asks for many widths
                self._heights.clear()
            main_font, sub_font = self._line_fonts()
            width = max(1, text_width)
            main = QFontMetrics(main_font).boundingRect(QRect(0, 0, width, _TALL), _FLAGS, self.main_text)
            sub = (QFontMetrics(sub_font).boundingRect(QRect(0, 0, width, _TALL), _FLAGS, self.sub_text)
                   if self.sub_text else QRect())
            cached = self._heights[text_width] = (main.height(), sub.height())
        return cached

    def _widths(self) -> tuple[int, int]:
        """The widest line unwrapped, and the widest word (shaping text is the costly part: once each)."""
        if self._widths_cache is None:
            natural = longest = 0
            for font, text in zip(self._line_fonts(), (self.main_text, self.sub_text), strict=True):
                if text:
                    metrics = QFontMetrics(font)
                    natural = max(natural, metrics.horizontalAdvance(text))
                    # Wrapped to no width at all, every word is a line of its own.
                    longest = max(longest, metrics.boundingRect(QRect(0, 0, 1, _TALL), _FLAGS, text).width())
            self._widths_cache = (natural, longest)
        return self._widths_cache

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        main, sub = self._line_heights(width - 2 * _MARGIN_X)
        return max(MIN_HEIGHT, main + (sub + _SPACING if sub else 0) + 2 * _MARGIN_Y)

    def sizeHint(self) -> QSize:
        # As a word-wrapped label does: one line, unless it is longer than about 80 characters.
        natural, longest = self._widths()
        width = max(longest, min(natural, QFontMetrics(self.main_font()).averageCharWidth() * 80))
        width += 2 * _MARGIN_X
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = self._widths()[1] + 2 * _MARGIN_X
        return QSize(width, self.heightForWidth(width))

    def changeEvent(self, event: QEvent) -> None:
        # The style sheet sets the interface font (language, text size) through here.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget()
        super().changeEvent(event)

    # -- drawing -------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the button's frame, colours and focus ring (it has no text of its own)
        painter = QPainter(self)
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        painter.setPen(self.palette().color(group, QPalette.ColorRole.ButtonText))
        area = self.rect().adjusted(_MARGIN_X, _MARGIN_Y, -_MARGIN_X, -_MARGIN_Y)
        main_h, sub_h = self._line_heights(area.width())
        total = main_h + (sub_h + _SPACING if sub_h else 0)
        top = area.top() + max(0, (area.height() - total) // 2)  # together in the middle of a tall row
        main_font, sub_font = self._line_fonts()
        painter.setFont(main_font)
        painter.setLayoutDirection(self.main_direction or self.layoutDirection())
        painter.drawText(QRect(area.left(), top, area.width(), main_h), _FLAGS, self.main_text)
        if sub_h:
            painter.setFont(sub_font)
            painter.setLayoutDirection(self.layoutDirection())
            painter.drawText(QRect(area.left(), top + main_h + _SPACING, area.width(), sub_h), _FLAGS,
                             self.sub_text)
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter chooses, as Space does (a family pressing Enter on their language expects it to work)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)
