"""The family's summary on paper or as a PDF the worker places, never inside the app's own folders.

The app's folders hold only encrypted records: a summary in the clear there
would outlive the visit unprotected. So a path inside the data or cache folder
is refused, and printing goes through the print dialog.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from familyprivacy import paths
from familyprivacy.i18n import _
from familyprivacy.summary import QR_IMAGE_NAME, Summary
from familyprivacy.ui import fonts
from familyprivacy.ui.signature_pad import signature_picture

POINT_SIZE = 11
MARGIN_MM = 0  # QTextDocument.print_ adds its own 2 cm margins and the page numbers


class SummaryPathRefused(ValueError):
    """The chosen place is inside the app's own folders, or cannot be written."""


def document(summary: Summary, lang: str) -> QTextDocument:
    """The summary laid out in the family's script and direction, with the QR code as an image."""
    doc = QTextDocument()
    doc.setDefaultFont(fonts.ui_font(lang, POINT_SIZE))
    option = doc.defaultTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if summary.rtl else Qt.LayoutDirection.LeftToRight)
    option.setAlignment(Qt.AlignmentFlag.AlignAbsolute | (Qt.AlignmentFlag.AlignRight if summary.rtl
                                                          else Qt.AlignmentFlag.AlignLeft))
    doc.setDefaultTextOption(option)
    doc.setDefaultStyleSheet(f"body {{ font-family: {fonts.css_font_family(lang)}; }}")
    if summary.qr_png is not None:
        image = QImage.fromData(summary.qr_png)
        if not image.isNull():
            doc.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(QR_IMAGE_NAME), image)
    for name, strokes in summary.signatures.items():  # each person's signature, as they drew it
        doc.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(name),
                        signature_picture(strokes, 480, 164).toImage())
    doc.setHtml(summary.html)
    return doc


def check_place(path: Path) -> Path:
    """Refuse a place inside the app's data or cache folder (even through a link)."""
    target = Path(os.path.abspath(path)).resolve()
    for folder in (paths.data_dir(), paths.cache_dir()):
        if target.is_relative_to(folder.resolve()):
            raise SummaryPathRefused(_("The summary cannot be kept in the app's own folder, where it would "
                                       "not be protected. Choose another place, such as Documents."))
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    return target


def print_document(doc: QTextDocument, target: Path, title: str) -> Path:
    """Print ``doc`` on A4 into ``target`` through a temporary file beside it, so a failed write leaves
    nothing half-made. Raises OSError if the PDF could not be written."""
    partial = target.with_name(target.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("Family Privacy")
    doc.print_(writer)
    del writer  # finishes and closes the file
    try:
        if not partial.is_file() or partial.stat().st_size == 0:
            raise OSError(f"the PDF could not be written to {target}")
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return target


def write_pdf(summary: Summary, lang: str, path: Path, title: str = "") -> Path:
    """The family's summary as a PDF, in a place outside the app's own folders."""
    target = check_place(path)
    if not target.parent.is_dir():
        raise SummaryPathRefused(_("That folder does not exist."))
    try:
        return print_document(document(summary, lang), target, title or _("Your choices"))
    except OSError:
        raise SummaryPathRefused(_("The PDF could not be written there. Choose another place.")) from None


def default_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents or str(Path.home())


def save_with_dialog(summary: Summary, lang: str, parent: QWidget | None) -> Path | None:
    """Ask where; a refused place is explained and asked again. None if the worker cancels."""
    suggestion = str(Path(default_folder()) / (_("summary") + ".pdf"))
    while True:
        chosen, _filter = QFileDialog.getSaveFileName(parent, _("Save the family's summary"), suggestion,
                                                      _("PDF files") + " (*.pdf)")
        if not chosen:
            return None
        try:
            return write_pdf(summary, lang, Path(chosen))
        except SummaryPathRefused as exc:
            QMessageBox.warning(parent, _("Not saved"), str(exc))


def print_with_dialog(summary: Summary, lang: str, parent: QWidget | None) -> bool:
    """The system's print dialog; True when it was sent to the printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setDocName(_("Your choices"))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the family's summary"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        try:
            check_place(Path(printer.outputFileName()))  # "print to file" follows the same rule
        except SummaryPathRefused as exc:
            QMessageBox.warning(parent, _("Not printed"), str(exc))
            return False
    document(summary, lang).print_(printer)
    return True
