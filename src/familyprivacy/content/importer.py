"""``familyprivacy notice import SOURCE --council ID --notice SLUG``: a first draft of a notice from a
council's own page or document.

SOURCE is an ``https://`` address, a saved ``.html``/``.htm`` page, a ``.pdf``, a ``.docx`` or a
``.txt``. The import

1. takes the notice's text with the library made for the format (trafilatura for a web page, pypdf
   for a PDF, python-docx for Word; a .txt as it is), and keeps it word for word as the notice's
   source text, ``<slug>.source.txt`` (content/importing/blocks.py says how it is laid out);
2. proposes the lines that are page furniture, not notice text: those extraction left out (menus,
   cookie banners, running headers, page numbers) are named in the draft's comments; those it kept
   go under ``[ignored]``, with a reason;
3. splits the notice at its headings into ``[[section]]`` s whose ``official`` text is the council's
   lines, and suggests each one's topic from its words, saying why in a comment above it;
4. fills in the council's details it can find (name, data controller, DPO, contact, ICO), and adds
   a placeholder section and a ``[[gap]]`` for each topic the notice is silent on, so the draft loads;
5. writes ``<slug>.toml`` beside the source text (in the app's ``resources/notices/<council>/``
   unless ``--out`` says otherwise), refusing to overwrite either file without ``--force``.

Every text a person has to write (titles, plain-language text, gap notes, details not found) starts
with ``TODO``; ``familyprivacy check`` reports the notice as not ready until none is left. Where and
when the text came from is written as comments at the top of the TOML: the notice schema has no key
for it yet, and the source text must hold nothing but the council's words.

The readers need the ``import`` extra (trafilatura, pypdf, python-docx), loaded only when the command
runs; the app never imports this module's readers, and its bundle leaves them out.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from familyprivacy.content.importing import council as council_details
from familyprivacy.content.importing import furniture
from familyprivacy.content.importing.blocks import (
    BLANK,
    HEADING,
    Block,
    SourceLine,
    classify,
    render,
    source_text,
)
from familyprivacy.content.importing.fetch import Fetched, FetchError, check_https
from familyprivacy.content.importing.stub import TODO, Writer, basic, multiline
from familyprivacy.content.importing.topics import suggest
from familyprivacy.content.topics import TOPIC_BY_ID, TOPIC_IDS

MAX_SOURCE_BYTES = 20 * 1024 * 1024
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")  # as the loader's ids
KINDS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".txt": "txt"}
_MEDIA = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
          "text/plain": "txt"}
KIND_NAMES = {"html": "web page", "pdf": "PDF", "docx": "Word document", "txt": "plain text"}

# What a topic the notice is silent on leaves out, as an ICO checklist item ("other" where none fits).
GAP_ITEM = {
    "who-we-are": "controller", "why-we-use-it": "purposes", "what-we-collect": "categories",
    "where-we-get-it": "source", "who-we-share-with": "recipients", "how-long-we-keep-it": "retention",
    "keeping-it-safe": "other", "your-rights": "rights", "how-to-complain": "complain-ico",
    "your-choices": "withdraw-consent",
}
DROPPED_BY_EXTRACTION = "not the page's main text (left out by the extractor)"
HEADER_FOOTER = "the document's page header or footer"
_SHOWN_DROPPED = 40


class NoticeImportError(Exception):
    """A source that cannot be imported, or a draft that cannot be written; the message names the
    file or address and the problem."""


@dataclass(frozen=True)
class IgnoredLine:
    text: str
    reason: str
    in_source: bool  # True: kept in the source text, listed under [ignored]; False: left out by extraction


@dataclass(frozen=True)
class SectionDraft:
    id: str
    heading: str  # the council's heading for the part ("" if it has none)
    topic: str  # the suggested topic
    reason: str  # why: the words that decided it
    official: str  # the council's lines, one source line per line
    first_line: int  # its first line in the source text (0 for a placeholder)

    @property
    def placeholder(self) -> bool:
        return not self.official


@dataclass(frozen=True)
class ImportResult:
    notice_id: str
    slug: str
    kind: str  # html | pdf | docx | txt
    origin: str  # the address the text came from (after redirects), or the file's name
    title: str
    source_text: str  # <slug>.source.txt
    toml_text: str  # <slug>.toml
    sections: tuple[SectionDraft, ...]  # the notice's parts, in reading order, then the placeholders
    ignored: tuple[IgnoredLine, ...]
    missing_topics: tuple[str, ...]  # topics the notice is silent on (a placeholder section and a gap each)
    todo_count: int
    todo_keys: tuple[str, ...] = field(default=())

    @property
    def topics(self) -> list[tuple[str, str]]:
        """(suggested topic, reason) for each of the notice's parts, in reading order."""
        return [(s.topic, s.reason) for s in self.sections if not s.placeholder]

    @property
    def source_file(self) -> str:
        return f"{self.slug}.source.txt"

    @property
    def toml_file(self) -> str:
        return f"{self.slug}.toml"

    def write(self, folder: Path, force: bool = False) -> tuple[Path, Path]:
        """Write the source text and the TOML into ``folder`` (made if missing); refuse to replace
        either file unless ``force``. Returns (toml, source text)."""
        toml, source = folder / self.toml_file, folder / self.source_file
        existing = [p for p in (toml, source) if p.exists()]
        if existing and not force:
            raise NoticeImportError(f"{existing[0]}: already exists; nothing written (use --force to replace "
                                    f"{' and '.join(p.name for p in existing)})")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for path, text in ((source, self.source_text), (toml, self.toml_text)):
                partial = path.with_name(path.name + ".part")
                partial.write_text(text, "utf-8", newline="\n")
                os.replace(partial, path)
        except OSError as exc:
            raise NoticeImportError(f"{folder}: cannot write the draft there ({exc.strerror or exc})") \
                from None
        return toml, source


# -- reading the source -----------------------------------------------------------------------------

@dataclass
class _Extracted:
    lines: list[SourceLine]
    meta_title: str
    dropped: list[IgnoredLine]
    detail: str  # what it was: "web page", "PDF", ...


def _kind_of_file(path: Path) -> str:
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(KINDS))
        hint = " (save it as .docx in Word)" if path.suffix.lower() == ".doc" else ""
        raise NoticeImportError(f"{path}: unknown kind of file {path.suffix or '(no extension)'!r}{hint}; "
                                f"import an https:// address or a {known} file")
    return kind


def _kind_of_download(fetched: Fetched) -> str:
    kind = _MEDIA.get(fetched.content_type)
    if kind is None:
        kind = KINDS.get(Path(fetched.url.split("?")[0]).suffix.lower(), "")
    if not kind:
        raise NoticeImportError(f"{fetched.url}: is {fetched.content_type or 'of no stated type'}, not a web "
                                "page, PDF, Word document or plain text")
    return kind


def _need(module: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise NoticeImportError(f"the import needs the {module!r} package: install the import extra "
                                "(pip install 'familyprivacy[import]')")


def _extract(kind: str, data: bytes, name: str, url: str | None) -> _Extracted:
    if kind == "txt":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            where = data[: exc.start].count(b"\n") + 1
            raise NoticeImportError(f"{name}: is not UTF-8 text (line {where}); save it as UTF-8") from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.endswith("\n"):
            text += "\n"
        return _Extracted(classify(text), "", [], "plain text")
    blocks: list[Block]
    dropped: list[IgnoredLine] = []
    if kind == "html":
        _need("trafilatura")
        from familyprivacy.content.importing.html import HtmlError, page_lines, read_html

        try:
            blocks, title = read_html(data, url)
        except HtmlError as exc:
            raise NoticeImportError(f"{name}: {exc}") from None
        kept = source_text(render(blocks))
        flat = f" {' '.join(kept.split())} "
        kept_lines = {" ".join(line.split()) for line in kept.splitlines()}
        for line in dict.fromkeys(page_lines(data)):
            # a line of the page is kept if extraction kept it whole, or (a part of a paragraph the
            # page set in its own element, such as a link) as words of a longer line
            if line in kept_lines or (len(line.split()) > 3 and f" {line} " in flat):
                continue
            dropped.append(IgnoredLine(line, furniture.reason(line) or DROPPED_BY_EXTRACTION, False))
        detail = "web page"
    elif kind == "pdf":
        _need("pypdf")
        from familyprivacy.content.importing.pdf import PdfError, read_pdf

        try:
            blocks, title, repeats, numbers = read_pdf(data)
        except PdfError as exc:
            raise NoticeImportError(f"{name}: {exc}") from None
        dropped += [IgnoredLine(line, furniture.RUNNING, False) for line in repeats]
        dropped += [IgnoredLine(line, furniture.PAGE_NUMBER, False) for line in numbers]
        detail = "PDF"
    else:
        _need("docx")
        from familyprivacy.content.importing.word import WordError, read_docx

        try:
            blocks, title, header_footer = read_docx(data)
        except WordError as exc:
            raise NoticeImportError(f"{name}: {exc}") from None
        dropped += [IgnoredLine(line, HEADER_FOOTER, False) for line in header_footer]
        detail = "Word document"
    lines = render(blocks)
    return _Extracted(lines, title, dropped, detail)


def _read(source: str | Path, fetcher: Callable[[str], Fetched] | None
          ) -> tuple[str, bytes, str, str, str | None]:
    """(kind, bytes, name for messages, origin for the provenance, final url or None)."""
    text = str(source)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        try:
            check_https(text)
            if fetcher is None:
                from familyprivacy.content.importing import fetch as fetch_module

                fetcher = fetch_module.fetch
            fetched = fetcher(text)
            check_https(fetched.url)
        except FetchError as exc:
            raise NoticeImportError(str(exc)) from None
        return _kind_of_download(fetched), fetched.content, fetched.url, fetched.url, fetched.url
    path = Path(source)
    kind = _kind_of_file(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise NoticeImportError(f"{path}: is not a file")
        if size > MAX_SOURCE_BYTES:
            raise NoticeImportError(f"{path}: is {size} bytes; the limit is {MAX_SOURCE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise NoticeImportError(f"{path}: no such file") from None
    except OSError as exc:
        raise NoticeImportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return kind, data, str(path), path.name, None


# -- the draft ----------------------------------------------------------------------------------------

def _slug(text: str, taken: set[str], fallback: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", "")).strip("-")
    if len(base) > 48:
        base = base[:48].rsplit("-", 1)[0]
    base = base or fallback
    if not base[0].isalnum():
        base = fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


@dataclass
class _Part:
    heading: str
    lines: list[SourceLine]


def _parts(lines: list[SourceLine], ignored: set[int]) -> tuple[list[_Part], str]:
    """The notice's parts (split at the headings of the highest level after the title), and the title
    (the first heading, if the notice starts with it; else "")."""
    content = [line for line in lines if line.kind != BLANK and line.number not in ignored]
    if not content:
        return [], ""
    title_line = content[0] if content[0].kind == HEADING else None
    headings = [line for line in content if line.kind == HEADING and line is not title_line]
    split_level = min((line.level for line in headings), default=0)
    parts: list[_Part] = [_Part("", [])]
    for line in content:
        if line.kind == HEADING and line is not title_line and line.level == split_level:
            parts.append(_Part(" ".join(line.text.split()), [line]))
        else:
            parts[-1].lines.append(line)
    opening = parts[0]
    if title_line is not None:
        opening.heading = " ".join(title_line.text.split())
    if len(parts) > 1 and all(line is title_line for line in opening.lines):
        parts[1].lines[:0] = opening.lines  # the title alone goes with the first part
        parts.pop(0)
    elif not opening.lines:
        parts.pop(0)
    return parts, " ".join(title_line.text.split()) if title_line is not None else ""


def _todo(text: str) -> str:
    return f"{TODO}: {text}"


def _details_toml(w: Writer, details: council_details.Details, council: str, website: str) -> None:
    def found(name: str, f: council_details.Found, what: str) -> None:
        if f.text:
            w.key(name, f.text, f"found in the source (line {f.line}): check it")
        else:
            w.key(name, _todo(f"{what}. The importer found none: {f.note}."))

    w.table("council")
    w.key("id", council)
    found("name", details.name, "the council's name, as the notice gives it")
    found("controller", details.controller, "who the data controller is, as the notice says")
    found("dpo", details.dpo, "how to reach the Data Protection Officer, as the notice gives it; where "
          "it gives none, say so and keep the [[gap]] for dpo")
    found("contact", details.contact, "how to contact the council about the notice, as the notice gives it")
    found("ico", details.ico, "the Information Commissioner's Office contact, as the notice gives it "
          "(or say it is not given)")
    if website:
        w.key("website", website, "the address the notice was copied from")


@dataclass
class _Draft:
    notice_id: str
    slug: str
    council: str
    title: str
    reviewed: str
    origin: str
    url: str | None
    extracted: _Extracted
    data: bytes
    details: council_details.Details
    ignored_lines: list[IgnoredLine]
    sections: list[SectionDraft]
    today: date


def _draft_toml(d: _Draft) -> str:
    """The draft notice's TOML: where it came from (comments), its keys, the council's details, the
    proposed [ignored] lines, a section per part (with the reason for its topic above it), and the
    gaps."""
    w = Writer()
    notice_id, slug, council, title, reviewed = d.notice_id, d.slug, d.council, d.title, d.reviewed
    origin, url, extracted, data, details = d.origin, d.url, d.extracted, d.data, d.details
    ignored_lines, sections = d.ignored_lines, d.sections
    stamp = d.today.isoformat()
    w.comment(f"Draft notice made by `familyprivacy notice import` on {stamp}: a person must finish it.")
    fetched = ", fetched; the address after any redirects" if url else ""
    w.note(f"source: {origin} ({extracted.detail}{fetched})")
    w.note(f"copied: {stamp}")
    w.note(f"SHA-256 of what was read: {hashlib.sha256(data).hexdigest()}")
    w.comment(f"The council's words, as extracted, are in {slug}.source.txt (nothing else is in that file). "
              "The notice schema has no key for where and when they came from yet: keep these lines.")
    w.comment(f"Every text starting {TODO} is for a person to write; `familyprivacy check "
              f"{council}/{slug}.toml` lists what is left. Check each suggested topic (the comment above "
              "each section says why it was suggested) and the [ignored] lines.")
    dropped = extracted.dropped
    if dropped:
        w.raw("#")
        w.comment(f"Left out while extracting (not in {slug}.source.txt), {len(dropped)} line(s); check that "
                  "none is notice text:")
        for item in dropped[:_SHOWN_DROPPED]:
            shown = " ".join(item.text.split())
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            w.note(f'  "{shown}"  ({item.reason})')
        if len(dropped) > _SHOWN_DROPPED:
            w.note(f"  ... and {len(dropped) - _SHOWN_DROPPED} more")
    w.blank()
    w.raw("schema = 1")
    w.key("id", notice_id)
    if title:
        w.key("title", title, "the notice's title, as the council gives it")
    else:
        w.key("title", _todo("the notice's title, as the council gives it (none was found)"))
    w.key("source_file", f"{slug}.source.txt")
    if reviewed:
        w.key("last_reviewed", reviewed, "the page's own review date")
    w.blank()
    _details_toml(w, details, council, url or "")
    if ignored_lines:
        w.blank()
        w.table("ignored")
        w.raw("lines = [")
        for item in ignored_lines:
            w.raw(f"    # {item.reason}")
            w.raw(f"    {basic(item.text)},")
        w.raw("]")
        kinds = ", ".join(dict.fromkeys(item.reason for item in ignored_lines))
        w.key("reason", f"Page furniture, not notice text (proposed by familyprivacy notice import; check "
              f"each line): {kinds}.")
    for section in sections:
        w.blank()
        if section.placeholder:
            w.comment(f"topic: {section.topic} (a placeholder: {section.reason}; every topic needs a "
                      "section. If the notice does cover it, move its lines here and delete this one.)")
        else:
            w.comment(f"topic: {section.topic} ({section.reason})")
        w.table("section", array=True)
        w.key("id", section.id)
        w.key("topic", section.topic)
        topic_title = str(TOPIC_BY_ID[section.topic].title)
        if section.placeholder:
            w.key("title", _todo(f"a plain heading for the family ({topic_title})"))
            w.key("plain", _todo(f'say plainly that the notice says nothing about "{topic_title}"'))
            w.raw('official = ""')
        else:
            said = f' (the council\'s heading: "{section.heading}")' if section.heading else ""
            w.key("title", _todo(f"a plain heading for the family{said}"))
            w.key("plain", _todo("the plain-language version of the council's words below"))
            w.raw(f"official = {multiline(section.official)}")
    gap_items: list[tuple[str, str, str]] = []
    for section in sections:
        if section.placeholder:
            topic_title = str(TOPIC_BY_ID[section.topic].title)
            gap_items.append((GAP_ITEM[section.topic], section.id,
                              f'the notice seems to have no part on "{topic_title}": check, then say '
                              "plainly what it leaves out"))
    if not details.dpo.text:
        gap_items.append(("dpo", "", "the notice gives no contact for the Data Protection Officer (check, "
                          "then say so plainly)"))
    for gap_item, gap_section, note in gap_items:
        w.blank()
        w.table("gap", array=True)
        w.key("item", gap_item)
        w.key("note", _todo(note))
        if gap_section:
            w.key("section", gap_section)
    return w.text()


def import_notice(source: str | Path, council: str, slug: str, *, today: date | None = None,
                  fetcher: Callable[[str], Fetched] | None = None) -> ImportResult:
    """Make the draft of notice ``<council>/<slug>`` from ``source`` (an https:// address or a file).
    Nothing is written: :meth:`ImportResult.write` writes it. Raises NoticeImportError, naming the
    file and the problem, for a source that cannot be imported."""
    for what, value in (("--council", council), ("--notice", slug)):
        if not _ID.match(value):
            raise NoticeImportError(f"{what} {value!r}: not an id (lower-case letters, digits and -, "
                                    "starting with a letter or digit)")
    kind, data, name, origin, url = _read(source, fetcher)
    if not data.strip():
        raise NoticeImportError(f"{name}: is empty; there is nothing to import")
    extracted = _extract(kind, data, name, url)
    lines = extracted.lines
    if not any(line.kind != BLANK for line in lines):
        raise NoticeImportError(f"{name}: has no text to import")
    text = source_text(lines)

    # furniture that extraction kept: proposed under [ignored]
    ignored_lines: list[IgnoredLine] = []
    ignored_numbers: set[int] = set()
    for line in lines:
        if line.kind == BLANK:
            continue
        why = furniture.reason(line.text)
        if why:
            ignored_lines.append(IgnoredLine(line.text.strip(), why, True))
            ignored_numbers.add(line.number)
    content = [line for line in lines if line.kind != BLANK and line.number not in ignored_numbers]
    if not content:
        raise NoticeImportError(f"{name}: has only page furniture (menus, banners), no notice text")
    reviewed = next((d for d in (furniture.last_reviewed(i.text) for i in ignored_lines + extracted.dropped)
                     if d), "")

    parts, title = _parts(lines, ignored_numbers)
    taken: set[str] = set()
    sections: list[SectionDraft] = []
    previous = ""
    for part in parts:
        body = "\n".join(line.text for line in part.lines if line.text and " ".join(line.text.split()) !=
                         part.heading)
        guess = suggest(part.heading, body, previous)
        previous = guess.topic
        sid = _slug(part.heading or "introduction", taken, guess.topic)
        sections.append(SectionDraft(sid, part.heading, guess.topic, guess.reason,
                                     "\n".join(line.text for line in part.lines), part.lines[0].number))
    missing = tuple(t for t in TOPIC_IDS if not any(s.topic == t for s in sections))
    for topic in missing:
        sid = _slug(topic if topic not in taken else f"{topic}-not-covered", taken, topic)
        sections.append(SectionDraft(sid, "", topic, "the notice seems to say nothing about this topic",
                                     "", 0))

    details = council_details.find([(line.number, line.text) for line in content],
                                   {line.number for line in content if line.kind == HEADING}, council)
    notice_id = f"{council}/{slug}"
    title = title or extracted.meta_title

    toml_text = _draft_toml(_Draft(notice_id, slug, council, title, reviewed, origin, url, extracted, data,
                                   details, ignored_lines, sections, today or date.today()))

    keys = _validate(toml_text, text, slug, name)
    return ImportResult(notice_id, slug, kind, origin, title, text, toml_text, tuple(sections),
                        tuple(ignored_lines + extracted.dropped), missing, len(keys), tuple(keys))


def todo_keys(notice: Any) -> list[str]:
    """The texts of a loaded notice that start with TODO: what a person still has to write."""
    found = ["title"] if notice.title.startswith(TODO) else []
    c = notice.council
    found += [f"council.{k}" for k in ("name", "controller", "dpo", "contact", "ico", "website")
              if getattr(c, k).startswith(TODO)]
    for s in notice.sections:
        found += [f"section {s.id}.{k}" for k in ("title", "plain") if getattr(s, k).startswith(TODO)]
    found += [f"gap[{i}].note" for i, g in enumerate(notice.gaps) if g.note.startswith(TODO)]
    return found


def _validate(toml_text: str, text: str, slug: str, name: str) -> list[str]:
    """Load the draft with the app's own loader and check its sections keep the source word for
    word; returns the keys still to write (TODO). Raises NoticeImportError if the draft is broken
    (the source holds something a notice may not, such as markup)."""
    from familyprivacy.content.loader import ContentFileError, load_file
    from familyprivacy.content.verbatim import check_verbatim

    with tempfile.TemporaryDirectory(prefix="familyprivacy-import-") as folder:
        toml = Path(folder) / f"{slug}.toml"
        toml.write_text(toml_text, "utf-8")
        (Path(folder) / f"{slug}.source.txt").write_text(text, "utf-8")
        try:
            notice = load_file(toml)
        except ContentFileError as exc:
            raise NoticeImportError(f"{name}: the draft made from it does not load: {exc.error.message} "
                                    f"[{exc.error.key}]") from None
        report = check_verbatim(notice, text)
        if not report.ok:
            first = report.problems()[0] if report.problems() else "a verbatim problem"
            raise NoticeImportError(f"{name}: the draft made from it does not keep the source word for "
                                    f"word: {first}")
    return todo_keys(notice)


# -- the command ---------------------------------------------------------------------------------------

def _cmd_import(args: Any) -> int:
    from familyprivacy import paths

    try:
        result = import_notice(args.source, args.council, args.notice)
        folder = Path(args.out) if args.out else paths.notices_dir() / args.council
        toml, source = result.write(folder, force=args.force)
    except NoticeImportError as exc:
        print(f"familyprivacy notice import: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {source} ({KIND_NAMES[result.kind]}: {result.origin})")
    print(f"Wrote {toml}: a draft of {result.notice_id}")
    parts = [s for s in result.sections if not s.placeholder]
    print(f"  {len(parts)} section(s) from the notice's headings; suggested topics:")
    for s in parts:
        print(f"    {s.topic:<20} {s.heading[:60] or '(opening)'}")
    if result.missing_topics:
        print(f"  no section found for: {', '.join(result.missing_topics)} "
              "(a placeholder and a [[gap]] each)")
    kept = [i for i in result.ignored if i.in_source]
    left = [i for i in result.ignored if not i.in_source]
    if kept:
        print(f"  {len(kept)} line(s) proposed under [ignored] (page furniture kept by the extraction)")
    if left:
        print(f"  {len(left)} line(s) left out while extracting (listed at the top of the TOML)")
    print(f"  not ready: {result.todo_count} TODOs to write. Then: familyprivacy check {toml}")
    return 0


def register(subparsers: Any) -> None:
    notice = subparsers.add_parser(
        "notice", help="tools for the people who write notices",
        description="Tools for information-governance officers writing a council's notice.")
    actions = notice.add_subparsers(dest="notice_command", metavar="ACTION")
    actions.required = True
    imp = actions.add_parser(
        "import", help="a first draft of a notice from the council's page or document",
        description="Make a draft notice from a council's own privacy notice: its text, word for word, "
        "as <SLUG>.source.txt, and <SLUG>.toml split into sections with suggested topics, the council's "
        "details it could find, and TODO where a person must write. Needs the import extra.")
    imp.add_argument("source", help="an https:// address, or a .html, .htm, .pdf, .docx or .txt file")
    imp.add_argument("--council", required=True, help="the council's id, e.g. stockton-on-tees")
    imp.add_argument("--notice", required=True, help="the notice's id within the council, e.g. early-help")
    imp.add_argument("--out", help="folder to write into (default: the app's resources/notices/COUNCIL/)")
    imp.add_argument("--force", action="store_true", help="replace the notice's files if they exist")
    imp.set_defaults(func=_cmd_import)
