"""The review pack (content/review.py) laid out by Qt on A4 pages, in each column's own script."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from familyprivacy.ui import fonts

POINT_SIZE = 9.5


def write_pdf(html: str, lang: str, target: Path, title: str) -> Path:
    """Write through a temporary file beside ``target``, so a failed write leaves nothing half-made."""
    from familyprivacy.ui.app import application

    application()  # Qt's text layout needs the application, and the bundled fonts registered
    doc = QTextDocument()
    doc.setDefaultFont(fonts.ui_font("en", POINT_SIZE))
    doc.setHtml(html)
    partial = target.with_name(target.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("Family Privacy")
    doc.print_(writer)  # adds its own 2 cm margins and page numbers
    del writer
    if not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise OSError(f"the PDF could not be written to {target}")
    os.replace(partial, target)
    return target


def translation_family(lang: str) -> str:
    return fonts.css_font_family(lang)
