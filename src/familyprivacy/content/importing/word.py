"""A council's Word file (.docx): its paragraphs and tables, in order, as blocks.

Paragraph styles say what a paragraph is: "Title" and "Heading 1" to "Heading 6" are headings (the
title is level 1); "List Bullet", "List Number" (and their "2", "3" forms), "List Paragraph" and any
paragraph with list numbering are list items. A line break inside a paragraph is kept. The page
headers and footers (running titles, page numbers) are not part of the body, so they are left out
and listed for the reviewer.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from familyprivacy.content.importing.blocks import HEADING, ITEM, PARAGRAPH, Block

_HEADING = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_LIST = re.compile(r"^list\s*(bullet|number|paragraph|continue)\s*(\d)?$", re.IGNORECASE)


class WordError(Exception):
    pass


def _paragraph(p: Any, out: list[Block], numbers: dict[int, int]) -> None:
    text = p.text.replace("\t", " ")
    if not text.strip():
        return
    name = p.style.name if p.style is not None else ""
    heading = _HEADING.match(name or "")
    if heading or name == "Title":
        level = int(heading.group(1)) if heading else 1
        out.append(Block(HEADING, " ".join(text.split("\n")).strip(), level))
        return
    listed = _LIST.match(name or "")
    ppr = p._p.pPr
    num = ppr.numPr if ppr is not None else None
    if listed or num is not None:
        depth = 0
        if listed and listed.group(2):
            depth = int(listed.group(2)) - 1
        elif num is not None and num.ilvl is not None and num.ilvl.val is not None:
            depth = int(num.ilvl.val)
        marker = "•"
        if listed and listed.group(1).lower() == "number":
            numbers[depth] = numbers.get(depth, 0) + 1
            marker = f"{numbers[depth]}."
        out.append(Block(ITEM, " ".join(text.split("\n")).strip(), depth, marker))
        return
    numbers.clear()
    out.append(Block(PARAGRAPH, text))


def _furniture(document: Any) -> list[str]:
    lines: list[str] = []
    for section in document.sections:
        for part in (section.header, section.footer):
            try:
                for p in part.paragraphs:
                    if p.text.strip() and p.text.strip() not in lines:
                        lines.append(p.text.strip())
            except (AttributeError, ValueError):
                continue
    return lines


def read_docx(data: bytes) -> tuple[list[Block], str, list[str]]:
    """The document's body as blocks; its title (from its properties; "" if none); and the text of
    its page headers and footers, which were left out. Raises WordError for a file that is not a
    .docx python-docx can read."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WordError(f"is not a Word .docx file that can be read ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # python-docx raises its own and lxml's errors for a damaged package
        raise WordError(f"is not a Word .docx file that can be read ({type(exc).__name__}: {exc})") from None
    blocks: list[Block] = []
    numbers: dict[int, int] = {}
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            _paragraph(Paragraph(child, document), blocks, numbers)
        elif tag == "tbl":
            seen: set[int] = set()
            for row in Table(child, document).rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    for p in cell.paragraphs:
                        _paragraph(p, blocks, numbers)
    title = ""
    try:
        title = (document.core_properties.title or "").strip()
    except (AttributeError, ValueError):
        title = ""
    return blocks, title, _furniture(document)
