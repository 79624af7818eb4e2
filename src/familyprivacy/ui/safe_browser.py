"""A QTextBrowser that shows a page and nothing else: no links followed, no files or URLs loaded."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QHelpEvent, QTextDocument, QTextOption
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget


class SafeBrowser(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
            tip = self.meaning_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

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
        self.setHtml(html)
