"""A large, touch-friendly button with a main line and a small line beneath it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


class BigButton(QPushButton):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.main = QLabel()
        self.sub = QLabel()
        for label in (self.main, self.sub):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(4)
        layout.addWidget(self.main)
        layout.addWidget(self.sub)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_lines(self, main: str, sub: str = "", main_font: QFont | None = None) -> None:
        self.main.setText(main)
        self.sub.setText(sub)
        self.sub.setVisible(bool(sub))
        font = QFont(main_font) if main_font is not None else QFont(self.font())
        if main_font is None:
            font.setPointSizeF(self.font().pointSizeF() * 1.4)
        self.main.setFont(font)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.9)
        self.sub.setFont(small)
        self.setAccessibleName(f"{main} ({sub})" if sub else main)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else super().sizeHint()
        hint.setHeight(max(hint.height(), 72))  # a comfortable touch target
        return hint
