"""A notice as blocks of text (headings, paragraphs, list items), written out as its source text.

Every reader (HTML, PDF, Word) turns a council's document into :class:`Block` s; :func:`render`
writes them in the source-text form the committed notices use (resources/notices/README.md):

- one line per heading and per paragraph; a line break inside a paragraph (an address) stays a
  line break; spaces at either end of a line are dropped;
- a blank line between blocks;
- a list item is ``"  • "`` and its text, one line each, with no blank line between the items of a
  list (a nested item is indented two more spaces; a numbered item keeps its number: ``"  1. "``);
- the words exactly as the document gives them (quotes, dashes and no-break spaces included);
- the file ends with one newline.

A plain-text source is kept as it is: :func:`classify` only says which of its lines look like
headings and list items, so the notice can be split into sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

HEADING: Literal["heading"] = "heading"
PARAGRAPH: Literal["paragraph"] = "paragraph"
ITEM: Literal["item"] = "item"
TEXT, BLANK = "text", "blank"

BULLET_MARKERS = "•◦▪●·*–-\uf0b7\uf0a7"
BULLET = re.compile(r"^\s*(?:[•◦▪●·*–\-\uf0b7\uf0a7])\s+")
NUMBERED = re.compile(r"^\s*(?:\d{1,3}|[a-z])[.)]\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Block:
    kind: Literal["heading", "paragraph", "item"]
    text: str  # a paragraph's line breaks are "\n"
    level: int = 0  # a heading's level (1: the title); a list item's depth (0: top level)
    marker: str = "•"  # a list item's bullet, or its number ("1.")


@dataclass(frozen=True)
class SourceLine:
    number: int  # 1-based line of the source text
    text: str  # exactly as written in the source text
    kind: str  # heading | text | item | blank
    level: int = 0  # a heading's level


def clean(text: str) -> str:
    """A line as it goes into the source text: control characters (which a notice may not hold) as
    spaces, and no spaces at its end."""
    return _CONTROL.sub(" ", text).rstrip()


def render(blocks: list[Block]) -> list[SourceLine]:
    """The source text's lines for ``blocks`` (see the module's conventions)."""
    out: list[SourceLine] = []

    def add(text: str, kind: str, level: int = 0) -> None:
        out.append(SourceLine(len(out) + 1, text, kind, level))

    previous = ""
    for block in blocks:
        lines = [clean(line) for line in block.text.split("\n")]
        lines = [line for line in lines if line.strip()]
        if not lines:
            continue
        if out and not (block.kind == ITEM and previous == ITEM):
            add("", BLANK)
        if block.kind == HEADING:
            add(" ".join(line.strip() for line in lines), HEADING, block.level)
        elif block.kind == ITEM:
            text = " ".join(line.strip() for line in lines)
            add("  " + "  " * block.level + block.marker + " " + text, ITEM)
        else:
            for line in lines:
                add(line.strip(), TEXT)
        previous = block.kind
    return out


def source_text(lines: list[SourceLine]) -> str:
    return "".join(line.text + "\n" for line in lines)


# -- plain text -------------------------------------------------------------------------------------

_LABEL = re.compile(r"^[A-Z][a-z]+: ")
_MAX_HEADING_WORDS = 16


def looks_like_heading(line: str, first: bool = False) -> bool:
    """A line that reads as a heading: short, not a sentence or list item, no contact details."""
    text = line.strip()
    words = text.split()
    if not words or len(words) > _MAX_HEADING_WORDS or BULLET.match(line) or NUMBERED.match(line):
        return False
    if text[-1] in ".,;:!" or not (text[0].isupper() or text[0].isdigit()):
        return False
    if "@" in text or "http" in text.lower() or re.search(r"\d{4}", text):
        return False
    return first or not _LABEL.match(text)


def classify(text: str) -> list[SourceLine]:
    """The lines of a plain-text notice, each with what it looks like: blank, list item, heading
    (the first line, if it looks like one, is the title: level 1; the others level 2, or 3 in a run
    of headings with one paragraph each) or text.

    Where the text separates its paragraphs with blank lines, only a paragraph of one line can be a
    heading; where it has none, every line is a paragraph."""
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    blank = [not line.strip() for line in raw]
    uses_blank_lines = any(blank)
    out: list[SourceLine] = []
    first_seen = False
    for i, line in enumerate(raw):
        number = i + 1
        if blank[i]:
            out.append(SourceLine(number, line, BLANK))
            continue
        first = not first_seen
        first_seen = True
        if BULLET.match(line) or NUMBERED.match(line):
            out.append(SourceLine(number, line, ITEM))
            continue
        alone = not uses_blank_lines or ((i == 0 or blank[i - 1]) and (i + 1 >= len(raw) or blank[i + 1]))
        if alone and looks_like_heading(line, first) and i + 1 < len(raw):
            out.append(SourceLine(number, line, HEADING, 1 if first else 2))
        else:
            out.append(SourceLine(number, line, TEXT))
    return _subheadings(out)


def _subheadings(lines: list[SourceLine]) -> list[SourceLine]:
    """Headings in a run of three or more that each head exactly one paragraph (a list of services,
    each named and described) are sub-headings (level 3): they stay inside the part before them."""
    content = [line for line in lines if line.kind != BLANK]
    pairs = [i for i in range(len(content) - 1)
             if content[i].kind == HEADING and content[i].level == 2 and content[i + 1].kind == TEXT
             and (i + 2 >= len(content) or content[i + 2].kind == HEADING)]
    runs: list[list[int]] = []
    for i in pairs:
        if runs and runs[-1][-1] == i - 2:
            runs[-1].append(i)
        else:
            runs.append([i])
    demote = {content[i].number for run in runs if len(run) >= 3 for i in run}
    return [SourceLine(line.number, line.text, line.kind, 3) if line.number in demote else line
            for line in lines]
