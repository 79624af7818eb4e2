"""A QTextBrowser that shows a page and nothing else: no links followed, no files or URLs loaded."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QFocusEvent, QHelpEvent, QHideEvent, QTextDocument, QTextOption
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from familyprivacy.ui import access

# How long a glossary word's meaning stays up: until the pointer moves to other words, the caret leaves
# the word, Escape is pressed or the page changes (WCAG 1.4.13). Qt's own default, about 10 seconds for
# a short meaning, took it away while a parent was still reading it.
MEANING_SHOWN_MS = 60 * 60 * 1000


class SafeBrowser(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._meaning_shown = ""
        # From the keyboard too: the caret moved onto a glossary word (arrow keys in the page) shows its
        # meaning under it, and a screen reader says it.
        self.cursorPositionChanged.connect(self._caret_moved)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        # Room around the text so tall scripts (Nastaliq) never touch the frame.
        self.document().setDocumentMargin(24)
        self.setViewportMargins(8, 8, 8, 8)
        # Text always wraps; Nastaliq's overhanging strokes must not summon a sideways scroll bar.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        """Nothing is ever fetched: not images, style sheets, files or network addresses."""
        return None

    def meaning_at(self, point: QPoint) -> str:
        """The explanation of the glossary term at ``point`` (viewport coordinates), or ""."""
        return self.cursorForPosition(point).charFormat().toolTip()

    def viewportEvent(self, event: QEvent) -> bool:
        """A glossary term's meaning shows on hover (it is also listed under the page)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._show_meaning(self.meaning_at(event.pos()), event.globalPos())
            return True
        if event.type() == QEvent.Type.Leave and self._meaning_shown and not self.hasFocus():
            self._show_meaning("", QPoint())  # the pointer has left the page: so has its meaning
        return super().viewportEvent(event)

    def _show_meaning(self, meaning: str, where: QPoint) -> None:
        """Show ``meaning`` at ``where`` (global) until dismissed, or hide the one shown for "": Escape
        hides it (Qt's tooltip closes on a key), as does hovering over other words or leaving the word."""
        if meaning:
            # No widget given: Qt's tooltip keeps a plain pointer to it, and a meaning that stays up an
            # hour could outlive the page it came from. It goes with the page instead (hideEvent).
            QToolTip.showText(where, meaning, None, QRect(), MEANING_SHOWN_MS)
        elif self._meaning_shown:
            QToolTip.hideText()
        self._meaning_shown = meaning

    def _caret_moved(self) -> None:
        if not self.hasFocus():
            return
        cursor = self.textCursor()
        meaning = cursor.charFormat().toolTip()
        if meaning == self._meaning_shown:
            return
        below = self.cursorRect(cursor).bottomLeft() + QPoint(0, 4)
        self._show_meaning(meaning, self.viewport().mapToGlobal(below))
        if meaning:
            access.announce(self, meaning)

    def hideEvent(self, event: QHideEvent) -> None:
        if self._meaning_shown:
            self._show_meaning("", QPoint())
        super().hideEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self._meaning_shown:
            self._show_meaning("", QPoint())
        super().focusOutEvent(event)

    def doSetSource(self, name: QUrl | str,
                    type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
                    ) -> None:
        """Navigation is refused: the page on screen changes only through ``show_page``."""

    def show_page(self, html: str, rtl: bool) -> None:
        option = self.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl
                                else Qt.LayoutDirection.LeftToRight)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDefaultTextOption(option)
        if self._meaning_shown:
            self._show_meaning("", QPoint())
        self.setHtml(html)
