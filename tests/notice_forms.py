"""A committed notice's source text, turned into the forms councils publish it in (tests only).

:func:`notice_model` reads a committed ``<notice>.source.txt`` into blocks (headings, paragraphs,
list items), leaving out the lines its TOML lists under ``[ignored]`` (page furniture); the forms are
made from the blocks:

- :func:`html_page`: a council web page, with the usual furniture around the notice (skip link,
  cookie banner, menu, breadcrumbs, "Was this page useful? Yes No", share buttons, a footer of
  links) and the notice's own furniture (its ``[ignored]`` lines): a menu button in the header, a
  "Page last reviewed" line at the foot of the article, the rest beside it;
- :func:`write_pdf`: an A4 PDF laid out in two columns, with a running header and page numbers,
  drawn with Qt (QPdfWriter, QPainter and QTextLayout: Qt's own line breaking);
- :func:`write_docx`: a Word file (python-docx) with Heading and List Bullet styles and a running
  header.

:func:`expected_text` is what an import of any form must give back: the same blocks written in the
source-text conventions (content/importing/blocks.py).

Which lines are headings: the committed files do not mark them, so this reads them off the text as
their authors laid it out (:func:`is_heading`): a paragraph of one line (a file with no blank lines
makes every line a paragraph) of at most 16 words, starting with a capital, not ending as a sentence
or clause does (``. , ; : !``), with no e-mail address, web address or 4-digit number, and not a
"Label: value" line (Telephone: ..., Address: ...) unless it is the first line. The first line is
the title (h1); the others are h2, except a run of three or more headings that each have exactly one
paragraph (Essex's list of its services): those are h3, under the heading before them.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass
from html import escape
from pathlib import Path

from familyprivacy.content.verbatim import normalise_line

BULLET = re.compile(r"^\s*([•◦▪●·*–-])\s+")
_LABEL = re.compile(r"^[A-Z][a-z]+: ")


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | item
    lines: tuple[str, ...]  # a paragraph's lines (line breaks kept); one line otherwise
    level: int = 0  # headings: 1 (the title), 2 or 3


@dataclass(frozen=True)
class NoticeModel:
    notice_id: str
    council_name: str
    title: str
    blocks: tuple[Block, ...]
    furniture: tuple[str, ...]  # the committed [ignored] lines
    committed_source: str
    toml_path: Path


def is_heading(line: str, first: bool) -> bool:
    text = line.strip()
    words = text.split()
    if not words or len(words) > 16 or BULLET.match(line):
        return False
    if text[-1] in ".,;:!" or not text[0].isupper():
        return False
    if "@" in text or "http" in text or re.search(r"\d{4}", text):
        return False
    return first or not _LABEL.match(text)


def notice_model(toml_path: Path) -> NoticeModel:
    data = tomllib.loads(toml_path.read_text("utf-8"))
    source = (toml_path.parent / data["source_file"]).read_text("utf-8")
    furniture = tuple(data.get("ignored", {}).get("lines", []))
    left = [normalise_line(line) for line in furniture]
    lines = []
    for line in source.splitlines():
        norm = normalise_line(line)
        if norm and norm in left:
            left.remove(norm)
            continue
        lines.append("" if not norm else line.rstrip())
    uses_blank_lines = any(not line for line in lines)
    # paragraphs: runs of lines between blank lines (or every line, where the file has no blank lines)
    groups: list[list[str]] = []
    for line in lines:
        if not line:
            groups.append([])
        elif BULLET.match(line):
            groups.append([line])
            groups.append([])
        elif uses_blank_lines and groups and groups[-1] and not BULLET.match(groups[-1][-1]):
            groups[-1].append(line)
        else:
            groups.append([line])
    groups = [g for g in groups if g]
    blocks: list[Block] = []
    for n, group in enumerate(groups):
        if BULLET.match(group[0]):
            blocks.append(Block("item", (BULLET.sub("", group[0]).strip(),)))
        elif len(group) == 1 and n + 1 < len(groups) and is_heading(group[0], n == 0):
            blocks.append(Block("heading", (group[0].strip(),), 1 if n == 0 else 2))
        else:
            blocks.append(Block("paragraph", tuple(group)))
    # A run of 3 or more headings with one paragraph each: sub-headings (h3)
    pairs = [i for i in range(len(blocks) - 1) if blocks[i].kind == "heading" and blocks[i].level == 2
             and blocks[i + 1].kind == "paragraph"
             and (i + 2 >= len(blocks) or blocks[i + 2].kind == "heading")]
    runs: list[list[int]] = []
    for i in pairs:
        if runs and runs[-1][-1] == i - 2:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) >= 3:
            for i in run:
                blocks[i] = Block("heading", blocks[i].lines, 3)
    council = data["council"]["name"]
    return NoticeModel(data["id"], council, blocks[0].lines[0], tuple(blocks), furniture, source, toml_path)


# -- what an import must give back ------------------------------------------------------------------

def expected_text(model: NoticeModel, collapse_spaces: bool = False) -> str:
    """The blocks in the source-text conventions; ``collapse_spaces``: each run of spaces (no-break
    spaces too) as one space, as an HTML page's text comes out of trafilatura."""
    out: list[str] = []
    previous = ""
    for block in model.blocks:
        if out and not (block.kind == "item" and previous == "item"):
            out.append("")
        for line in block.lines:
            text = line.strip() if block.kind != "paragraph" else line.rstrip()
            if collapse_spaces:
                text = " ".join(text.split())
            out.append("  • " + text if block.kind == "item" else text)
        previous = block.kind
    return "".join(line + "\n" for line in out)


def differences(model: NoticeModel, expected: str) -> list[str]:
    """How ``expected`` differs from the committed file, other than in the file's furniture (its
    ``[ignored]`` lines): the kinds of difference, each of them whitespace or a bullet's mark."""
    notes: set[str] = set()
    committed = model.committed_source
    left = [normalise_line(line) for line in model.furniture]
    a: list[str] = []
    for line in committed.splitlines():
        if normalise_line(line) and normalise_line(line) in left:
            left.remove(normalise_line(line))
            continue
        a.append(line)
    b = expected.splitlines()
    if not committed.endswith("\n"):
        notes.add("no newline at the end of the committed file")
    if any(x and not x.strip() for x in a):
        notes.add("lines of only a no-break space, as blank lines")
    runs_a = [len(list(g)) for k, g in itertools.groupby(a, key=lambda x: not x.strip()) if k]
    runs_b = [len(list(g)) for k, g in itertools.groupby(b, key=lambda x: not x.strip()) if k]
    if runs_a != runs_b:
        notes.add("blank lines between blocks")
    for x, y in zip([x for x in a if x.strip()], [y for y in b if y.strip()], strict=True):
        if x == y:
            continue
        mx, my = BULLET.match(x), BULLET.match(y)
        if mx and my and mx.group(1) != my.group(1):
            notes.add(f"the bullet {mx.group(1)!r} written as '•'")
        if mx and my and x[:mx.start(1)] != y[:my.start(1)]:
            notes.add("the indent before a bullet")
        if x.rstrip() != x:
            notes.add("spaces at the end of a line")
        assert " ".join(BULLET.sub("", x).split()) == " ".join(BULLET.sub("", y).split()), (x, y)
    return sorted(notes)


# -- HTML ---------------------------------------------------------------------------------------------

_MENU = ("Home", "Bins, rubbish and recycling", "Council tax", "Schools and education", "Housing",
         "Adult social care", "Children and families", "Your council")


def html_page(model: NoticeModel) -> str:
    furniture = list(model.furniture)
    top = [f for f in furniture if f.lower() in ("toggle menu",)]
    # a review date sits at the foot of the article itself, where extraction keeps it
    dated = [f for f in furniture if "last reviewed" in f.lower()]
    bottom = [f for f in furniture if f not in top and f not in dated]
    e = escape
    body: list[str] = []
    in_list = False
    for block in model.blocks:
        if block.kind == "item" and not in_list:
            body.append("<ul>")
            in_list = True
        elif block.kind != "item" and in_list:
            body.append("</ul>")
            in_list = False
        if block.kind == "heading":
            body.append(f"<h{block.level}>{e(block.lines[0])}</h{block.level}>")
        elif block.kind == "item":
            body.append(f"  <li>{e(block.lines[0])}</li>")
        else:
            body.append("<p>" + "<br>\n".join(e(line) for line in block.lines) + "</p>")
    if in_list:
        body.append("</ul>")
    name = e(model.council_name)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(model.title)} | {name}</title>
<link rel="stylesheet" href="/css/site.css">
<script src="/js/site.js"></script>
</head>
<body>
<a class="skip-link" href="#main-content">Skip to main content</a>
<div class="cookie-banner" role="region" aria-label="Cookies on {name}">
  <h2>Cookies on {name}</h2>
  <p>We use some essential cookies to make this website work. We'd like to set additional cookies to
  understand how you use the website and improve our services.</p>
  <button type="button">Accept additional cookies</button>
  <button type="button">Reject additional cookies</button>
  <a href="/cookies">View cookies</a>
</div>
<header class="site-header">
  <a href="/" class="logo">{name}</a>
  {"".join(f'<button type="button" class="menu-toggle">{e(f)}</button>' for f in top)}
  <form action="/search"><label for="q">Search</label><input id="q" name="q"><button>Search</button></form>
  <nav class="main-menu" aria-label="Main menu"><ul>
    {"".join(f'<li><a href="/{i}">{e(item)}</a></li>' for i, item in enumerate(_MENU))}
  </ul></nav>
</header>
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
  <li><a href="/">Home</a></li><li><a href="/council">Your council</a></li>
  <li><a href="/council/privacy">Data protection and privacy</a></li>
</ol></nav>
<main id="main-content">
<article class="page-content">
{chr(10).join(body)}
{"".join(f'<p class="review-date">{e(f)}</p>' for f in dated)}
</article>
<aside class="page-tools">
  {"".join(f'<p class="tool">{e(f)}</p>' for f in bottom)}
</aside>
<div class="feedback">
  <h2>Was this page useful?</h2>
  <form><button name="useful" value="yes">Yes</button><button name="useful" value="no">No</button></form>
</div>
</main>
<footer class="site-footer">
  <ul>
    <li><a href="/accessibility">Accessibility statement</a></li>
    <li><a href="/cookies">Cookies</a></li>
    <li><a href="/privacy">Privacy</a></li>
    <li><a href="/contact">Contact us</a></li>
    <li><a href="/jobs">Jobs</a></li>
  </ul>
  <p>&copy; {name} 2026</p>
</footer>
</body>
</html>
"""


# -- Word ---------------------------------------------------------------------------------------------

def write_docx(model: NoticeModel, path: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{model.council_name} - {model.title}"
    section.footer.paragraphs[0].text = "OFFICIAL"
    for block in model.blocks:
        if block.kind == "heading":
            document.add_heading(block.lines[0], level=block.level)
        elif block.kind == "item":
            document.add_paragraph(block.lines[0], style="List Bullet")
        else:
            paragraph = document.add_paragraph()
            for n, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if n + 1 < len(block.lines):
                    run.add_break(WD_BREAK.LINE)
    document.save(str(path))
    return path


# -- PDF ----------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 595.0, 842.0  # A4, in points
MARGIN, GUTTER = 50.0, 22.0
HEADER_Y, FOOTER_Y = 28.0, 810.0
BODY_TOP, BODY_BOTTOM = 62.0, 790.0


def write_pdf(model: NoticeModel, path: Path) -> Path:
    """Two columns of text on A4: headings in bold, larger; bullets with a hanging indent; a running
    header ("<council> | <title>") and the page number at the foot of every page. Lines are broken
    by Qt (QTextLayout, word wrap); a paragraph runs on into the next column and page."""
    from PySide6.QtCore import QMarginsF, QPointF
    from PySide6.QtGui import (
        QFont,
        QFontDatabase,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
        QTextLayout,
        QTextOption,
    )

    from familyprivacy import paths

    families = []
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        font_id = QFontDatabase.addApplicationFont(str(paths.fonts_dir() / name))
        assert font_id >= 0, name
        families += QFontDatabase.applicationFontFamilies(font_id)
    family = families[0]

    writer = QPdfWriter(str(path))
    writer.setResolution(72)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point))
    writer.setTitle(model.title)
    painter = QPainter(writer)

    def font(size: float, bold: bool = False) -> QFont:
        f = QFont(family)
        f.setPointSizeF(size)
        f.setBold(bold)
        return QFont(f, writer)

    body, small = font(10), font(8)
    styles = {1: font(16, True), 2: font(12.5, True), 3: font(10.5, True)}
    col_w = (PAGE_W - 2 * MARGIN - GUTTER) / 2
    page = 1
    column = 0
    y = BODY_TOP

    def furniture() -> None:
        painter.setFont(small)
        painter.drawText(QPointF(MARGIN, HEADER_Y), f"{model.council_name} | {model.title}")
        painter.drawText(QPointF(PAGE_W / 2 - 4, FOOTER_Y), str(page))

    def next_column() -> None:
        nonlocal column, y, page
        if column == 0:
            column = 1
        else:
            writer.newPage()
            page += 1
            column = 0
            furniture()
        y = BODY_TOP

    def flow(text: str, f: QFont, indent: float = 0.0, bullet: bool = False) -> None:
        nonlocal y
        layout = QTextLayout(text, f, writer)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(col_w - indent)
            lines.append(line)
        layout.endLayout()
        for n, line in enumerate(lines):
            if y + line.height() > BODY_BOTTOM:
                next_column()
            x = MARGIN + column * (col_w + GUTTER)
            line.setPosition(QPointF(0, 0))
            painter.setFont(f)
            line.draw(painter, QPointF(x + indent, y))
            if bullet and n == 0:
                painter.drawText(QPointF(x + 4, y + line.ascent()), "•")
            y += line.height()

    furniture()
    for block in model.blocks:
        if block.kind == "heading":
            f = styles[block.level]
            if y > BODY_TOP:
                y += 6
            if y + 3 * f.pointSizeF() > BODY_BOTTOM:  # a heading is not left alone at a column's foot
                next_column()
            flow(block.lines[0], f)
            y += 3
        elif block.kind == "item":
            flow(block.lines[0], body, indent=14, bullet=True)
            y += 2
        else:
            for line in block.lines:
                flow(line, body)
            y += 6
    painter.end()
    return path
