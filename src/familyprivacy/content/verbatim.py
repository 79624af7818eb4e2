"""Proof that a notice keeps every sentence of its source, word for word, exactly once.

The source text is split into sentences; so is the official wording of every
section. The two collections must be equal, counting repeats: a sentence of
the source missing from the content, one that appears in two sections, or one
that was altered (and so is not in the source) is reported with where it is.
Page furniture (menus, cookie banners) is listed explicitly under [ignored].

Each problem says where it is (the line in the notice's TOML and in the source
file) and shows the words that differ from the nearest sentence on the other
side, as a word diff from the source to the notice:
``… we will [-keep-]{+hold+} your information for …``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from familyprivacy.content.model import Notice

_BULLET = re.compile(r"^\s*(?:[•◦▪●·*–-])\s+")
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")

# How much alike (difflib's ratio over words) a sentence in a section and one missing from every
# section must be to be reported once, as one altered sentence, rather than as two problems.
ALTERED = 0.5
FAR = 0.3  # less alike than this, the nearest sentence is named but said not to be close
LEGEND = "[-the source's words-]{+the notice's+}:"  # how each word diff is introduced
DIFF_CONTEXT = 5  # words of unchanged text shown either side of a change
# Marks that look alike on screen; a change between them is named, as the diff alone cannot show it.
_LOOKALIKE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-",
                            "‑": "-", "\u00a0": " ", "…": "..."})


def normalise_line(line: str) -> str:
    return " ".join(_BULLET.sub("", line).split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a block of official text; each line is at least one sentence."""
    out: list[str] = []
    for line in text.splitlines():
        norm = normalise_line(line)
        if norm:
            out.extend(s for s in (p.strip() for p in _SPLIT.split(norm)) if s)
    return out


def collapse(text: str) -> str:
    return " ".join(normalise_line(line) for line in text.splitlines() if line.strip())


# -- word diffs ------------------------------------------------------------------------------------

def similarity(a: str, b: str) -> float:
    """difflib's ratio of two texts, over their words (0: nothing alike, 1: the same words)."""
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def nearest(text: str, candidates: Iterable[str]) -> tuple[str, float] | None:
    """The candidate most like ``text`` (difflib's ratio over words), and the ratio; None if none."""
    words = text.split()
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(words)
    best: tuple[str, float] | None = None
    for candidate in candidates:
        matcher.set_seq1(candidate.split())
        if best is not None and (matcher.real_quick_ratio() <= best[1] or matcher.quick_ratio() <= best[1]):
            continue
        ratio = matcher.ratio()
        if best is None or ratio > best[1]:
            best = (candidate, ratio)
    return best


def _lookalike_note(removed: str, added: str) -> str:
    if removed.translate(_LOOKALIKE) != added.translate(_LOOKALIKE):
        return ""
    marks = sorted({f"{a!r} U+{ord(a):04X} in the source, {b!r} U+{ord(b):04X} in the notice"
                    for a, b in zip(removed, added, strict=False) if a != b})
    return "(" + "; ".join(marks) + ")" if marks and len(removed) == len(added) else \
        "(the marks differ: quotes, dashes or spaces that look alike)"


_TOKEN = re.compile(r"[\w'’‘-]+|[^\w\s]")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words and marks of a text, each with whether a space comes before it (to write it back)."""
    return [(m.group(0), m.start() > 0 and text[m.start() - 1].isspace()) for m in _TOKEN.finditer(text)]


def _join(tokens: Sequence[tuple[str, bool]]) -> str:
    return "".join((" " if space and n else "") + token for n, (token, space) in enumerate(tokens))


def _is_word(token: str) -> bool:
    return token[0].isalnum()


def _words(tokens: Sequence[tuple[str, bool]], n: int) -> list[tuple[str, bool]]:
    """The first tokens, up to and with the ``n``-th word (marks between words come along)."""
    out: list[tuple[str, bool]] = []
    seen = 0
    for token in tokens:
        if _is_word(token[0]):
            if seen == n:
                break
            seen += 1
        out.append(token)
    return out


def word_diff(old: str, new: str, context: int = DIFF_CONTEXT) -> str:
    """The words of ``old`` removed ``[-like this-]`` and those of ``new`` added ``{+like this+}``,
    with ``context`` unchanged words either side of each change and ``…`` for the rest. Marks
    (full stops, commas) count as words of their own, so "safe." against "safe at school." is
    ``safe {+at school+}.``."""
    a, b = _tokens(" ".join(old.split())), _tokens(" ".join(new.split()))
    ops = SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in ops):
        return _join(a) + "  (the same words)"
    pieces: list[tuple[str, bool]] = []  # (text, space before)
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            run = a[i1:i2]
            head = _words(run, context) if i > 0 else []
            tail = _words(run[::-1], context)[::-1] if i < len(ops) - 1 else []
            while tail and not _is_word(tail[0][0]):  # "… and then", not "… , and then"
                tail = tail[1:]
            if len(run) <= len(head) + len(tail):
                pieces.append((_join(run), run[0][1]))
            else:
                if head:
                    pieces.append((_join(head), head[0][1]))
                pieces.append(("…", True))
                if tail:
                    pieces.append((_join(tail), True))
            continue
        removed, added = a[i1:i2], b[j1:j2]
        space = (removed or added)[0][1]
        text = (f"[-{_join(removed)}-]" if removed else "") + (f"{{+{_join(added)}+}}" if added else "")
        pieces.append((text, space))
        if removed and added and (note := _lookalike_note(_join(removed), _join(added))):
            pieces.append((note, True))
    return "".join((" " if space and n else "") + text for n, (text, space) in enumerate(pieces))


# -- where things are in the notice's TOML ---------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_-]+)\s*\]\]?\s*(?:#.*)?$")
_MULTILINE = re.compile(r"\"\"\"|'''")


class TomlLines:
    """Best-effort line numbers (1-based) in a notice's TOML, by table, id and text.

    It reads lines, not TOML: good enough to point a person at the place, never used to decide
    whether the content is right. Anything it cannot find is None."""

    def __init__(self, text: str, name: str = "") -> None:
        self.lines = text.splitlines()
        self.flat = [" ".join(line.split()) for line in self.lines]
        self.name = name
        self._headers: list[tuple[int, str]] = []
        quote = ""  # the delimiter of the multi-line string a line is in, if any
        for i, line in enumerate(self.lines):
            if not quote and (m := _HEADER.match(line)):
                self._headers.append((i, m.group(1)))
                continue
            for delimiter in _MULTILINE.findall(line):
                if not quote:
                    quote = delimiter
                elif delimiter == quote:
                    quote = ""

    @classmethod
    def of(cls, notice: Notice) -> TomlLines:
        """The notice's own file, or an empty map if it cannot be read."""
        try:
            text = notice.path.read_text("utf-8") if notice.path else ""
        except (OSError, UnicodeDecodeError):
            text = ""
        return cls(text, notice.path.name if notice.path else "")

    def block(self, table: str, key: str = "", value: str = "") -> tuple[int, int] | None:
        """The 0-based [start, end) lines of ``[table]``, or of the ``[[table]]`` whose ``key`` is
        ``value``; ``table`` "" is the top level, before the first table."""
        if not table:
            return (0, self._headers[0][0] if self._headers else len(self.lines))
        ends = [i for i, _ in self._headers] + [len(self.lines)]
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=\s*[\"']{re.escape(value)}[\"']") if key else None
        for n, (start, name) in enumerate(self._headers):
            if name != table:
                continue
            end = ends[n + 1]
            if pattern is None or any(pattern.match(self.lines[i]) for i in range(start, end)):
                return (start, end)
        return None

    def nth(self, table: str, index: int) -> tuple[int, int] | None:
        """The 0-based [start, end) lines of the ``index``-th ``[[table]]`` (from 0)."""
        ends = [i for i, _ in self._headers] + [len(self.lines)]
        found = [(start, ends[n + 1]) for n, (start, name) in enumerate(self._headers) if name == table]
        return found[index] if index < len(found) else None

    def key(self, key: str, block: tuple[int, int] | None) -> int | None:
        """The line of ``key = ...`` in the block."""
        if block is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((i + 1 for i in range(*block) if pattern.match(self.lines[i])), None)

    def text(self, text: str, block: tuple[int, int] | None, after_key: str = "") -> int | None:
        """The line where ``text`` (or its first words, if it runs over a line break) is, within the
        block and after its ``after_key`` line if given; else that key's line."""
        if block is None:
            return None
        start, end = block
        key_line = self.key(after_key, block) if after_key else None
        if key_line is not None:
            start = key_line - 1
        words = text.split()
        for n in sorted({len(words), min(len(words), 8), min(len(words), 4)}, reverse=True):
            fragment = " ".join(words[:n])
            if not fragment:
                break
            for i in range(start, end):
                if fragment in self.flat[i]:
                    return i + 1
        return key_line

    def where(self, line: int | None) -> str:
        if line is None:
            return self.name or "the notice"
        return f"line {line} of {self.name}" if self.name else f"line {line}"


# -- the check -------------------------------------------------------------------------------------

def _indent(text: str) -> str:
    return "\n    " + text


def _diff(source: str, notice: str) -> str:
    """The word diff from the source's words to the notice's, on its own indented line."""
    return " " + LEGEND + _indent(word_diff(source, notice))


@dataclass
class VerbatimReport:
    source_sentences: int = 0
    missing: list[tuple[int, str]] = field(default_factory=list)  # (source line, sentence)
    extra: list[tuple[str, str]] = field(default_factory=list)  # (section id, sentence)
    repeated: list[tuple[str, str]] = field(default_factory=list)
    bad_ignored: list[str] = field(default_factory=list)
    bad_quotes: list[str] = field(default_factory=list)  # choice ids
    # The problems as a person reads them: where, and the word diff against the nearest text.
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.repeated or self.bad_ignored
                    or self.bad_quotes)

    def problems(self) -> list[str]:
        """One entry per problem: its first line says what and where; the next, indented, shows
        the words removed from the source ``[-...-]`` and added in the notice ``{+...+}``."""
        if self.messages or self.ok:
            return list(self.messages)
        out = [f"source line {n}: sentence not in any section: {s[:90]!r}" for n, s in self.missing]
        out += [f"section {sid}: not in the source (altered or added?): {s[:90]!r}"
                for sid, s in self.extra]
        out += [f"section {sid}: sentence appears in more than one section: {s[:90]!r}"
                for sid, s in self.repeated]
        out += [f"[ignored] line is not in the source: {s[:90]!r}" for s in self.bad_ignored]
        out += [f"choice {cid}: source_quote is not word for word in the source"
                for cid in self.bad_quotes]
        return out


@dataclass(frozen=True)
class _Placed:
    section: str
    sentence: str
    line: int | None  # in the TOML


def _pct(ratio: float) -> str:
    return f"{round(ratio * 100)}% alike"


def _window(source_words: Sequence[tuple[str, int]], quote: str) -> tuple[str, int] | None:
    """The stretch of the source most like ``quote``, and the source line it starts on."""
    words = [w for w, _ in source_words]
    q = quote.split()
    if not words or not q:
        return None
    match = SequenceMatcher(None, words, q, autojunk=False).find_longest_match(0, len(words), 0, len(q))
    if match.size == 0:
        return None
    start = max(0, match.a - match.b)
    stop = min(len(words), start + len(q) + 10)
    lo = max(0, start - 10)
    ops = SequenceMatcher(None, words[lo:stop], q, autojunk=False).get_opcodes()
    # Drop source words before the first and after the last word the quote shares.
    equal = [(i1, i2) for tag, i1, i2, _j1, _j2 in ops if tag == "equal"]
    if not equal:
        return None
    first, last = lo + equal[0][0], lo + equal[-1][1]
    # keep source words the quote replaced at either end
    if ops[0][0] == "replace":
        first = lo + ops[0][1]
    if ops[-1][0] == "replace":
        last = lo + ops[-1][2]
    return " ".join(words[first:last]), source_words[first][1]


def check_verbatim(notice: Notice, source_text: str, toml: TomlLines | None = None) -> VerbatimReport:
    report = VerbatimReport()
    toml = toml if toml is not None else TomlLines.of(notice)
    source_name = notice.source_file or "the source"
    ignored = Counter(normalise_line(line) for line in notice.ignored)
    source: Counter[str] = Counter()
    where: dict[str, int] = {}
    source_lines: list[tuple[str, int]] = []  # every non-empty normalised line, with its number
    for number, line in enumerate(source_text.splitlines(), start=1):
        norm = normalise_line(line)
        if not norm:
            continue
        source_lines.append((norm, number))
        if ignored[norm] > 0:
            ignored[norm] -= 1
            continue
        for sentence in split_sentences(norm):
            source[sentence] += 1
            where.setdefault(sentence, number)
    report.bad_ignored = [line for line, left in ignored.items() if left > 0]
    report.source_sentences = sum(source.values())

    def src(line: int) -> str:
        return f"source line {line} of {source_name}"

    content: Counter[str] = Counter()
    first_section: dict[str, _Placed] = {}
    placed: list[_Placed] = []
    repeated: list[tuple[_Placed, _Placed]] = []
    for section in notice.sections:
        block = toml.block("section", "id", section.id)
        for sentence in split_sentences(section.official):
            here = _Placed(section.id, sentence, toml.text(sentence, block, after_key="official"))
            placed.append(here)
            content[sentence] += 1
            first = first_section.get(sentence)
            if first is not None and first.section != section.id and content[sentence] > source[sentence]:
                report.repeated.append((section.id, sentence))
                repeated.append((here, first))
            first_section.setdefault(sentence, here)
            if sentence not in source:
                report.extra.append((section.id, sentence))
    for sentence, count in source.items():
        if content[sentence] < count:
            report.missing.append((where[sentence], sentence))
    report.missing.sort()
    flat = collapse(source_text)
    report.bad_quotes = [c.id for c in notice.choices if collapse(c.source_quote) not in flat]

    messages: list[str] = []
    extras = [p for p in placed if p.sentence not in source]
    # An altered sentence is both missing (the source's words) and extra (the notice's words):
    # where the two are each other's nearest and alike enough, say it once, as one change.
    paired: dict[int, int] = {}  # index in extras -> index in report.missing
    if extras and report.missing:
        missing_texts = [s for _, s in report.missing]
        extra_texts = [p.sentence for p in extras]
        for e, p in enumerate(extras):
            found = nearest(p.sentence, missing_texts)
            if found is None or found[1] < ALTERED:
                continue
            m = missing_texts.index(found[0])
            back = nearest(found[0], extra_texts)
            if back is not None and back[0] == p.sentence and m not in paired.values():
                paired[e] = m
    for e, m in paired.items():
        p, (at_line, sentence) = extras[e], report.missing[m]
        messages.append(
            f"section {p.section}, {toml.where(p.line)}: not in the source (altered?); "
            f"it is most like {src(at_line)} ({_pct(similarity(sentence, p.sentence))})."
            + _diff(sentence, p.sentence))
    for m, (at_line, sentence) in enumerate(report.missing):
        if m in paired.values():
            continue
        in_notice = content[sentence]
        if in_notice:
            messages.append(
                f"{src(at_line)}: this sentence is {source[sentence]} times in the source but "
                f"{in_notice} time(s) in the sections; copy each time it appears "
                "(or list the repeat under [ignored] if it is page furniture):"
                + _indent(repr(sentence[:160])))
            continue
        found = nearest(sentence, {p.sentence: None for p in placed})
        if found is None:
            messages.append(f"{src(at_line)}: sentence not in any section (no section has official text):"
                            + _indent(repr(sentence)))
            continue
        best = next(p for p in placed if p.sentence == found[0])
        messages.append(
            f"{src(at_line)}: sentence not in any section; the nearest"
            + (" (nothing is close)" if found[1] < FAR else "") + f" is in section {best.section}, "
            f"{toml.where(best.line)} ({_pct(found[1])})."
            + _diff(sentence, best.sentence))
    for e, p in enumerate(extras):
        if e in paired:
            continue
        found = nearest(p.sentence, source)
        if found is None:
            messages.append(f"section {p.section}, {toml.where(p.line)}: not in the source (the source "
                            "has no sentences left once [ignored] lines are taken out):"
                            + _indent(repr(p.sentence)))
            continue
        messages.append(
            f"section {p.section}, {toml.where(p.line)}: not in the source (altered or added?); "
            "the nearest" + (" (nothing is close)" if found[1] < FAR else "")
            + f" is {src(where[found[0]])} ({_pct(found[1])})." + _diff(found[0], p.sentence))
    for here, first in repeated:
        messages.append(
            f"section {here.section}, {toml.where(here.line)}: sentence appears in more than one "
            f"section (also section {first.section}, {toml.where(first.line)}); {src(where[here.sentence])} "
            f"has it {source[here.sentence]} time(s):" + _indent(repr(here.sentence[:160])))
    ignored_block = toml.block("ignored")
    for line_text in report.bad_ignored:
        at = toml.where(toml.text(line_text, ignored_block, after_key="lines"))
        found = nearest(line_text, [t for t, _ in source_lines])
        if found is None:
            messages.append(f"[ignored], {at}: line is not in the source: {line_text[:90]!r}")
            continue
        number = next(n for t, n in source_lines if t == found[0])
        messages.append(f"[ignored], {at}: line is not in the source (or not as often as listed); the "
                        f"nearest is {src(number)} ({_pct(found[1])})."
                        + _diff(found[0], line_text))
    source_words = [(w, n) for t, n in source_lines for w in t.split()]
    for choice in notice.choices:
        if choice.id not in report.bad_quotes:
            continue
        at = toml.where(toml.key("source_quote", toml.block("choice", "id", choice.id)))
        quote = collapse(choice.source_quote)
        window = _window(source_words, quote)
        if window is None:
            messages.append(f"choice {choice.id}, {at}: source_quote is not word for word in the source, "
                            "and no words of it are there")
            continue
        text, number = window
        messages.append(
            f"choice {choice.id}, {at}: source_quote is not word for word in the source; the nearest "
            f"words start at {src(number)} ({_pct(similarity(text, quote))})."
            + _diff(text, quote))
    report.messages = messages
    return report


def source_path_of(toml_path: Path) -> Path | None:
    """The source file a notice's TOML names (``source_file = "..."``), read without parsing the
    TOML, so a half-saved file still names it; None if it names none."""
    try:
        text = toml_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = re.search(r"^\s*source_file\s*=\s*[\"']([^\"'/\\]+)[\"']", text, re.MULTILINE)
    return toml_path.parent / m.group(1) if m else None
