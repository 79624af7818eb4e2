"""A large, touch-friendly button with a main line and a small line beneath it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeyEvent
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
        # The two lines stay together in the middle when a row is made taller by a neighbour
        # (a Nastaliq or Gurmukhi name beside a Latin one).
        layout.addStretch(1)
        layout.addWidget(self.main)
        layout.addWidget(self.sub)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_lines(self, main: str, sub: str = "", style: str = "big") -> None:
        """``style`` names the main line's look in the theme (``big``, or ``native`` for a language)."""
        self.main.setText(main)
        self.sub.setText(sub)
        self.sub.setVisible(bool(sub))
        if self.main.objectName() != style:
            self.main.setObjectName(style)
            self.sub.setObjectName("small")
            self.style().unpolish(self.main)
            self.style().polish(self.main)
        self.setAccessibleName(f"{main} ({sub})" if sub else main)
        self.updateGeometry()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter chooses, as Space does (a family pressing Enter on their language expects it to work)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else super().sizeHint()
        hint.setHeight(max(hint.height(), 72))  # a comfortable touch target
        return hint
