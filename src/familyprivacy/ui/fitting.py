"""Widgets for the worker's screens that fit text at 200% (WCAG 1.4.4), and the worker's dialog buttons.

Kept out of ``forms``: the family's first page loads ``forms`` and must not set up Qt classes it does
not use (tests/test_ui_startup.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.i18n import N_, W_


class WrappingRadio(QRadioButton):
    """A radio button whose words wrap onto more lines, for answers too long for one line at large
    text: a plain QRadioButton never wraps, so at 200% "Each person signs on screen, after checking the
    answers" was 953 pixels wide and pushed the whole form off the side of the screen (WCAG 1.4.4).

    The words are a label inside the button; a click on them chooses the button, and the button's
    accessible name is the words (2.5.3)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words = QLabel(self)
        self._words.setWordWrap(True)
        self._words.setTextFormat(Qt.TextFormat.PlainText)
        self._words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:
        self._words.setText(text)
        self.setAccessibleName(text)
        self.updateGeometry()

    def text(self) -> str:
        return self._words.text()

    def _indent(self) -> int:
        style = self.style()
        return (style.pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, None, self)
                + style.pixelMetric(QStyle.PixelMetric.PM_RadioButtonLabelSpacing, None, self) + 8)

    def sizeHint(self) -> QSize:
        words = self._words.sizeHint()
        return QSize(self._indent() + words.width(), max(words.height(), self._indent()))

    def minimumSizeHint(self) -> QSize:
        words = self._words.minimumSizeHint()
        return QSize(self._indent() + words.width(), max(words.height(), self._indent()))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._words.heightForWidth(max(1, width - self._indent())), self._indent())

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        box = QRect(self._indent(), 0, max(1, self.width() - self._indent()), self.height())
        self._words.setGeometry(QStyle.visualRect(self.layoutDirection(), self.rect(), box))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._words.setEnabled(self.isEnabled())


class Pages(QWidget):
    """Pages of which one shows at a time, like QStackedWidget, but as tall as the page shown needs at
    its width: a stacked widget does not pass on the height that wrapped words need, so at 200% the
    passphrase advice was cut to one line and the button under it fell off the bottom (1.4.4)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []

    def addWidget(self, page: QWidget) -> None:
        self._pages.append(page)
        self._layout.addWidget(page)
        page.setVisible(len(self._pages) == 1)

    def setCurrentWidget(self, page: QWidget) -> None:
        for each in self._pages:
            if each is not page:
                each.setVisible(False)
        page.setVisible(True)

    def currentWidget(self) -> QWidget | None:
        return next((p for p in self._pages if not p.isHidden()), None)


# Qt names its standard buttons from its own translations, which have no Urdu, Punjabi, Bengali or
# Romanian, and follow the family's language rather than the worker's: a worker's Urdu dialog said
# "Close". The worker's dialogs name them from our catalog instead.
STANDARD_WORDS = {"Save": N_("Save"), "Cancel": N_("Cancel"), "Close": N_("Close"), "Yes": N_("Yes"),
                  "No": N_("No")}


def name_standard_buttons(box: QDialogButtonBox | QMessageBox) -> None:
    """Each standard button of ``box`` in the worker's language."""
    for button in box.buttons():
        which = box.standardButton(button)
        words = STANDARD_WORDS.get(getattr(which, "name", "") or "")
        if words is not None:
            button.setText(W_(words))
            button.setAccessibleName(W_(words))
