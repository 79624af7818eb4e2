"""The review pack (content/review.py) laid out by Qt on A4 pages, in each column's own script."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument

from familyprivacy.ui import fonts
from familyprivacy.ui.summary_pdf import print_document

POINT_SIZE = 9.5


def write_pdf(html: str, target: Path, title: str) -> Path:
    """Lay ``html`` out on A4 (the same printer as the family's summary). Raises OSError on failure."""
    from familyprivacy.ui.app import application

    application()  # Qt's text layout needs the application, and the bundled fonts registered
    doc = QTextDocument()
    doc.setDefaultFont(fonts.ui_font("en", POINT_SIZE))
    doc.setHtml(html)
    return print_document(doc, target, title)
