"""A council's PDF: its text, in reading order, as blocks.

pypdf gives each run of text with its place on the page, its font and its size. From those:

1. **Lines**: runs on the same baseline, close together, are one line; ligatures (ﬁ, ﬀ, ...) are
   written as their letters.
2. **Furniture**: a line at the top or foot of a page that repeats (digits aside) on most pages is a
   running header or footer; a bare page number ("3", "Page 3", "Page 3 of 7", "- 3 -") at the top
   or foot is a page number. Both are dropped from the text, and listed for the reviewer.
3. **Columns**: where no line crosses a vertical strip near the middle of the page, the page has two
   columns, read left then right (a line across both, such as a title, is read in its place).
4. **Blocks**: a line in a larger or bold font is a heading (its size ranks its level); a line
   starting with a bullet is a list item; a gap bigger than the line spacing ends a paragraph. A line
   that would have had room for the next line's first word ends where the author ended it (an
   address, say), so the line break is kept; otherwise the next line carries on the same paragraph,
   in the next column or page too. A word broken after a hyphen or slash at a line's end is joined
   again without a space.

What cannot be known from a PDF: whether a hyphen at the end of a line was followed by a space in
the author's text ("post- adoption" comes back as "post-adoption"); spaces are drawn as gaps, so a
run of spaces comes back as one.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from familyprivacy.content.importing.blocks import BULLET_MARKERS, HEADING, ITEM, PARAGRAPH, Block
from familyprivacy.content.importing.furniture import PAGE_NUMBER_LINE

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_BULLET_START = re.compile(rf"^([{re.escape(BULLET_MARKERS)}])\s*")
_ROUND = "•◦▪●\uf0b7\uf0a7"  # bullets that start a list item wherever they are
_NUMBER_START = re.compile(r"^(\d{1,3}[.)])\s+")
_EDGE = 0.12  # the top and foot of a page, as a share of its height: where headers and footers are
_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


class PdfError(Exception):
    pass


# -- widths of text, from the fonts' own tables ------------------------------------------------------

class _Widths:
    """Glyph widths of one font (thousandths of the font size), by character, from its /Widths or
    /W table and its /ToUnicode map; an average width where a character is not found."""

    def __init__(self, font: Any) -> None:
        self.by_char: dict[str, float] = {}
        try:
            self._read(font)
        except Exception:  # a font we cannot read is measured by the average width
            self.by_char = {}
        known = [w for w in self.by_char.values() if w > 0]
        self.default = sum(known) / len(known) if known else 500.0
        self.space = self.by_char.get(" ") or self.by_char.get("\t") or 0.5 * self.default

    def _read(self, font: Any) -> None:
        font = font.get_object() if hasattr(font, "get_object") else font
        if not hasattr(font, "get"):
            return
        widths: dict[int, float] = {}
        if font.get("/Subtype") == "/Type0":
            descendant = font["/DescendantFonts"][0].get_object()
            w = descendant.get("/W")
            items = list(w.get_object()) if w is not None else []
            i = 0
            while i < len(items):
                first = int(items[i])
                nxt = items[i + 1].get_object() if hasattr(items[i + 1], "get_object") else items[i + 1]
                if isinstance(nxt, list):
                    for k, value in enumerate(nxt):
                        widths[first + k] = float(value)
                    i += 2
                else:
                    for code in range(first, int(nxt) + 1):
                        widths[code] = float(items[i + 2])
                    i += 3
        else:
            first_char = int(font.get("/FirstChar", 0))
            for k, value in enumerate(font.get("/Widths", []) or []):
                widths[first_char + k] = float(value)
        to_unicode = font.get("/ToUnicode")
        mapped: dict[int, str] = {}
        if to_unicode is not None:
            mapped = _cmap(to_unicode.get_object().get_data().decode("latin-1"))
        if not mapped:  # a simple font without a map: codes are (nearly) Latin-1
            mapped = {code: chr(code) for code in widths if code < 256}
        for code, text in mapped.items():
            if code in widths and text and text not in self.by_char:
                self.by_char[text] = widths[code]

    def width(self, text: str, size: float) -> float:
        total = 0.0
        for ch in text:
            if ch in " \t":
                total += self.space
            else:
                total += self.by_char.get(ch, self.default)
        return total * size / 1000.0


def _utf16(hex_text: str) -> str:
    data = bytes.fromhex(hex_text if len(hex_text) % 2 == 0 else "0" + hex_text)
    try:
        return data.decode("utf-16-be")
    except UnicodeDecodeError:
        return ""


def _cmap(text: str) -> dict[int, str]:
    """The code -> text entries of a /ToUnicode CMap (bfchar and bfrange)."""
    out: dict[int, str] = {}
    for section in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        codes = _HEX.findall(section)
        for src, dst in zip(codes[0::2], codes[1::2], strict=False):
            out[int(src, 16)] = _utf16(dst)
    for section in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for line in section.strip().splitlines():
            m = re.match(r"\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(.*)$", line)
            if not m:
                continue
            lo, hi, rest = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()
            if rest.startswith("["):
                for k, dst in enumerate(_HEX.findall(rest)):
                    out[lo + k] = _utf16(dst)
            elif (d := _HEX.match(rest)) is not None:
                base = _utf16(d.group(1))
                if base:
                    for k in range(hi - lo + 1):
                        out[lo + k] = base[:-1] + chr(ord(base[-1]) + k)
    return out


# -- lines ------------------------------------------------------------------------------------------

@dataclass
class _Run:
    x: float
    y: float  # baseline, from the top of the page
    size: float
    bold: bool
    text: str
    width: float
    widths: _Widths


@dataclass
class Line:
    page: int
    x: float
    y: float
    size: float
    bold: bool
    text: str
    end: float  # x where the text ends
    widths: _Widths
    column: int = 0  # 0: the only or left column; 1: the right; -1: across both
    style: str = ""  # "body", or "h1", "h2", ... once the headings are known

    def word_width(self, word: str) -> float:
        return self.widths.width(word, self.size)


def _is_bold(font: Any) -> bool:
    name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
    return bool(re.search(r"bold|black|heavy|semibold|demi", name, re.IGNORECASE))


def _page_lines(page: Any, number: int, cache: dict[int, _Widths]) -> tuple[list[Line], float, float]:
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    top = float(box.top)
    runs: list[_Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text or not text.strip() or font is None:
            return
        # where the text starts (the text matrix, then the current transformation), and its scale
        _a, _b, c, d, e, f = (float(v) for v in tm)
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        x = e * ca + f * cc + ce
        y = e * cb + f * cd + cf
        scale = math.hypot(c * ca + d * cc, c * cb + d * cd) or 1.0
        effective = float(size) * scale
        key = id(font)
        if key not in cache:
            cache[key] = _Widths(font)
        widths = cache[key]
        for part in text.split("\n"):
            clean = part.replace("\t", " ").translate(_LIGATURES)
            if clean.strip():
                runs.append(_Run(x, top - y, effective, _is_bold(font), clean, widths.width(clean, effective),
                                 widths))

    page.extract_text(visitor_text=visit)
    # runs on one baseline (within a third of their size), left to right, are one line unless far apart
    runs.sort(key=lambda r: r.y)
    rows: list[list[_Run]] = []
    for run in runs:
        if rows and abs(rows[-1][0].y - run.y) < 0.3 * max(run.size, rows[-1][0].size):
            rows[-1].append(run)
        else:
            rows.append([run])
    lines: list[Line] = []
    for row in rows:
        last: Line | None = None
        for run in sorted(row, key=lambda r: r.x):
            if last is not None and -0.5 < run.x - last.end < 1.2 * run.size:
                gap = run.x - last.end
                joiner = " " if gap > 0.12 * run.size and not last.text.endswith(" ") else ""
                last.text += joiner + run.text
                last.end = run.x + run.width
                if len(run.text.strip()) > 1:
                    last.bold = last.bold and run.bold
                continue
            last = Line(number, run.x, run.y, run.size, run.bold, run.text, run.x + run.width, run.widths)
            lines.append(last)
    for line in lines:
        stripped = line.text.rstrip()
        line.text = stripped.lstrip()
    return [line for line in lines if line.text], width, height


# -- furniture: running headers and footers, page numbers --------------------------------------------

def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _drop_furniture(pages: list[tuple[list[Line], float, float]]) -> tuple[list[list[Line]], list[str],
                                                                                 list[str]]:
    """The pages' lines without running headers, footers and page numbers; and those dropped:
    (repeated lines, page numbers)."""
    edge_keys: Counter[str] = Counter()
    for lines, _w, height in pages:
        keys = {_furniture_key(line.text) for line in lines
                if line.y < _EDGE * height or line.y > (1 - _EDGE) * height}
        edge_keys.update(keys)
    repeat_at = max(2, round(0.6 * len(pages)))
    repeated = {key for key, count in edge_keys.items() if count >= repeat_at} if len(pages) > 1 else set()
    kept: list[list[Line]] = []
    dropped_repeats: list[str] = []
    dropped_numbers: list[str] = []
    for lines, _w, height in pages:
        out = []
        for line in lines:
            at_edge = line.y < _EDGE * height or line.y > (1 - _EDGE) * height
            if at_edge and PAGE_NUMBER_LINE.match(line.text.strip()):
                dropped_numbers.append(line.text)
            elif at_edge and _furniture_key(line.text) in repeated:
                if line.text not in dropped_repeats:
                    dropped_repeats.append(line.text)
            else:
                out.append(line)
        kept.append(out)
    return kept, dropped_repeats, dropped_numbers


# -- columns and reading order ------------------------------------------------------------------------

SINGLE, LEFT, RIGHT, ACROSS = 0, 1, 2, -1


def _reading_order(lines: list[Line], width: float) -> list[Line]:
    """The page's lines in reading order, each marked with its column."""
    if not lines:
        return []
    lo, hi = int(0.3 * width), int(0.7 * width)
    cover = [0] * (hi - lo + 1)
    for line in lines:
        for x in range(max(lo, int(line.x) + 1), min(hi, int(line.end) - 1) + 1):
            cover[x - lo] += 1
    least = min(cover)
    gutter: float | None = None
    if least <= max(1, len(lines) // 10):
        # the middle of the widest strip of least-covered points
        best_start, best_len, start = 0, 0, -1
        for i, count in enumerate([*cover, least + 1]):
            if count == least and start < 0:
                start = i
            elif count != least and start >= 0:
                if i - start > best_len:
                    best_start, best_len = start, i - start
                start = -1
        gutter = lo + best_start + best_len / 2
        left = [ln for ln in lines if ln.end <= gutter + 1]
        right = [ln for ln in lines if ln.x >= gutter - 1]
        if len(left) < 2 or len(right) < 2:
            gutter = None
    if gutter is None:
        for line in lines:
            line.column = SINGLE
        return sorted(lines, key=lambda ln: (ln.y, ln.x))
    for line in lines:
        line.column = LEFT if line.end <= gutter + 1 else RIGHT if line.x >= gutter - 1 else ACROSS
    across = sorted((ln for ln in lines if ln.column == ACROSS), key=lambda ln: ln.y)
    ordered: list[Line] = []
    above = -1.0
    for stop in [*across, None]:
        below = stop.y if stop is not None else float("inf")
        band = [ln for ln in lines if ln.column != ACROSS and above < ln.y < below]
        ordered += sorted((ln for ln in band if ln.column == LEFT), key=lambda ln: (ln.y, ln.x))
        ordered += sorted((ln for ln in band if ln.column == RIGHT), key=lambda ln: (ln.y, ln.x))
        if stop is not None:
            ordered.append(stop)
            above = stop.y
    return ordered


# -- blocks ---------------------------------------------------------------------------------------------

def _styles(lines: list[Line]) -> float:
    """Mark each line body or h1, h2, ...: body text is the size most characters are in; a larger
    size, or a whole line in bold, is a heading; sizes rank the levels (h1 largest). Returns the
    body size."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    body = sizes.most_common(1)[0][0]
    heading_keys: set[tuple[float, bool]] = set()
    for line in lines:
        size = round(line.size, 1)
        if size >= body * 1.08 or (line.bold and size >= body * 0.95):
            heading_keys.add((size, line.bold))
    ranked = sorted(heading_keys, key=lambda k: (-k[0], not k[1]))
    level = {key: min(n + 1, 6) for n, key in enumerate(ranked)}
    for line in lines:
        key = (round(line.size, 1), line.bold)
        line.style = f"h{level[key]}" if key in level else "body"
    return body


@dataclass
class _Open:
    kind: str
    last: Line
    lines: list[str] = field(default_factory=list)
    level: int = 0
    marker: str = "•"
    indent: float = 0.0  # how far a list item's bullet is from its column's left edge


def _join(a: str, b: str) -> str:
    """Two parts of a line broken by the layout: a word broken after a hyphen or slash is joined."""
    if re.search(r"\w[-/]$", a) and re.match(r"\w", b):
        return a + b
    return a + " " + b


def _marker(line: Line, left: float) -> re.Match[str] | None:
    """The bullet or number that starts a list item, if the line starts one. A dash, star or number
    only counts on an indented line (a wrapped line of a sentence can start with "- ")."""
    if line.style != "body":
        return None
    m = _BULLET_START.match(line.text)
    if m and (m.group(1) in _ROUND or (line.x > left + 1 and m.end() > 1)):
        return m
    m = _NUMBER_START.match(line.text)
    return m if m and line.x > left + 1 else None


def _blocks(ordered: list[Line]) -> list[Block]:
    _styles(ordered)
    pitches: Counter[float] = Counter()
    for a, b in itertools.pairwise(ordered):
        if a.page == b.page and a.column == b.column and a.style == b.style == "body" and b.y > a.y:
            pitches[round(b.y - a.y, 1)] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else 1.4 * ordered[0].size
    lefts: dict[int, float] = {}
    edges: dict[int, float] = {}
    for line in ordered:
        lefts[line.column] = min(lefts.get(line.column, line.x), line.x)
        edges[line.column] = max(edges.get(line.column, line.end), line.end)
    blocks: list[Block] = []
    current: _Open | None = None

    def close() -> None:
        if current is None or not current.lines:
            return
        if current.kind == HEADING:
            blocks.append(Block(HEADING, " ".join(current.lines), current.level))
        elif current.kind == ITEM:
            blocks.append(Block(ITEM, " ".join(current.lines), 0, current.marker))
        else:
            blocks.append(Block(PARAGRAPH, "\n".join(current.lines)))

    for line in ordered:
        text = line.text
        left = lefts[line.column]
        marker = _marker(line, left)
        if current is not None and marker is None and line.style == current.last.style:
            prev = current.last
            same_place = prev.page == line.page and prev.column == line.column
            gap = line.y - prev.y
            spacing = pitch if line.style == "body" else 1.45 * line.size
            if same_place and not 0 < gap <= 1.3 * spacing:
                pass  # a gap: a new block
            elif current.kind == ITEM and line.x - left <= current.indent + 1:
                pass  # a list item's text carries on to the right of its bullet: this is a new block
            elif current.kind != ITEM and line.x - left > 2 and not same_place:
                pass
            else:
                words = text.split(" ")  # a no-break space joins words
                room = edges[prev.column] - prev.end - prev.widths.space * prev.size / 1000.0
                slack = 0.02 * max(edges[prev.column] - lefts[prev.column], 1.0)
                full = prev.word_width(words[0]) > room - slack
                if full or current.kind != PARAGRAPH:
                    current.lines[-1] = _join(current.lines[-1], text)
                    current.last = line
                    continue
                if same_place:  # the author's own line break, within the paragraph
                    current.lines.append(text)
                    current.last = line
                    continue
                # a paragraph that ended at the foot of a column: this line starts a new one
        close()
        if marker is not None:
            sign = marker.group(1)
            current = _Open(ITEM, line, [text[marker.end():].strip()],
                            marker="•" if sign in BULLET_MARKERS else sign, indent=line.x - left)
        elif line.style == "body":
            current = _Open(PARAGRAPH, line, [text])
        else:
            current = _Open(HEADING, line, [text], level=int(line.style[1:]))
    close()
    return blocks


def read_pdf(data: bytes) -> tuple[list[Block], str, list[str], list[str]]:
    """The PDF's text as blocks; its title (from its metadata; "" if none); and the running header
    and footer lines and page numbers that were left out. Raises PdfError for a file pypdf cannot
    read, or one with no text (a scan)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfError("is encrypted; save a copy without a password and import that")
        cache: dict[int, _Widths] = {}
        pages = [_page_lines(page, n, cache) for n, page in enumerate(reader.pages, start=1)]
        title = ""
        try:
            meta = reader.metadata
            title = str(meta.title or "") if meta is not None else ""
        except Exception:  # metadata is optional; a broken one does not stop the import
            title = ""
    except PdfError:
        raise
    except PdfReadError as exc:
        raise PdfError(f"is not a PDF that can be read ({exc})") from None
    except Exception as exc:  # pypdf fails in many ways on a damaged file; each is "cannot be read"
        raise PdfError(f"is not a PDF that can be read ({type(exc).__name__}: {exc})") from None
    if not any(lines for lines, _w, _h in pages):
        raise PdfError("has no text to take (a scanned PDF? run it through text recognition (OCR) first)")
    kept, repeats, numbers = _drop_furniture(pages)
    ordered: list[Line] = []
    for lines, (_l, width, _h) in zip(kept, pages, strict=True):
        ordered += _reading_order(lines, width)
    if not ordered:
        raise PdfError("has no text apart from its headers, footers and page numbers")
    return _blocks(ordered), title.strip(), repeats, numbers
