"""The presentation controls: text size, high contrast, and entering or leaving presentation mode.

Leaving is only ever *requested* here; the main window decides (a later worker
PIN check guards that one method).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from familyprivacy.i18n import _
from familyprivacy.settings import TEXT_SCALES


class PresentationBar(QWidget):
    scale_changed = Signal(float)
    contrast_changed = Signal(bool)
    present_requested = Signal()
    leave_requested = Signal()

    def __init__(self, scale: float, high_contrast: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = min(TEXT_SCALES, key=lambda s: abs(s - scale))
        self._presenting = False
        self.size_label = QLabel()
        self.smaller = QPushButton()
        self.bigger = QPushButton()
        self.contrast = QPushButton()
        self.contrast.setCheckable(True)
        self.contrast.setChecked(high_contrast)
        self.present = QPushButton()
        first = QHBoxLayout()
        first.addWidget(self.size_label)
        first.addWidget(self.smaller)
        first.addWidget(self.bigger)
        first.addStretch(1)
        second = QHBoxLayout()
        second.addWidget(self.contrast)
        second.addStretch(1)
        second.addWidget(self.present)
        self._rows = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._rows.setContentsMargins(8, 4, 8, 4)
        self._rows.addLayout(first, 1)
        self._rows.addLayout(second, 1)
        self._groups = (first, second)
        # As tall as its buttons need, whatever the screen below asks for: squeezed under a long page,
        # its Urdu buttons lost the tops of their letters (1.4.4).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.smaller.clicked.connect(lambda: self._step(-1))
        self.bigger.clicked.connect(lambda: self._step(1))
        self.contrast.toggled.connect(self.contrast_changed)
        self.present.clicked.connect(self._present_clicked)
        self.retranslate()

    def _fit(self, width: int) -> None:
        """One row when it fits, two when big text or long words need the room."""
        needed = sum(g.sizeHint().width() for g in self._groups) + 32
        direction = (QBoxLayout.Direction.LeftToRight if width >= needed
                     else QBoxLayout.Direction.TopToBottom)
        if self._rows.direction() != direction:
            self._rows.setDirection(direction)
            self.updateGeometry()  # the window's layout must see the new minimum

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit(event.size().width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LayoutRequest):
            self._fit(self.width())
        return super().event(event)

    @property
    def scale(self) -> float:
        return self._scale

    def set_presenting(self, presenting: bool) -> None:
        self._presenting = presenting
        self.retranslate()

    def _present_clicked(self) -> None:
        (self.leave_requested if self._presenting else self.present_requested).emit()

    def _step(self, delta: int) -> None:
        i = TEXT_SCALES.index(self._scale) + delta
        if 0 <= i < len(TEXT_SCALES):
            self._scale = TEXT_SCALES[i]
            self.retranslate()
            self.scale_changed.emit(self._scale)

    def retranslate(self) -> None:
        i = TEXT_SCALES.index(self._scale)
        self.size_label.setText(_("Text size: {percent}%").format(percent=round(self._scale * 100)))
        # The name is the label shown (speech control says what it sees); the longer words describe it.
        self.smaller.setText(_("Smaller text"))
        self.smaller.setAccessibleName(self.smaller.text())
        self.smaller.setAccessibleDescription(_("Make the text smaller"))
        self.smaller.setEnabled(i > 0)
        self.bigger.setText(_("Bigger text"))
        self.bigger.setAccessibleName(self.bigger.text())
        self.bigger.setAccessibleDescription(_("Make the text bigger"))
        self.bigger.setEnabled(i < len(TEXT_SCALES) - 1)
        self.contrast.setText(_("High contrast"))
        self.contrast.setAccessibleName(self.contrast.text())
        self.contrast.setAccessibleDescription(_("High contrast colours"))
        self.present.setText(_("Leave presentation") if self._presenting else _("Present to the family"))
        self.present.setAccessibleName(self.present.text())
