"""``familyprivacy check``: is every notice valid, complete, verbatim, plain and ready?

Invalid content or a plain section that misses its readability targets fails
the check; gaps in a council's own notice are reported, not failed. A notice
with a plain text still starting ``TODO`` is *not ready*: the check exits 1 for
it, and the app never offers it to a family (:func:`ready_notices`).

``check --watch NOTICE`` (:func:`watch`) checks one notice again each time it or
its source file is saved, for an officer writing with it open.

The app imports this module (for :func:`ready_notices`) at start-up, so the
checker's own machinery (claims, translations, plural rules) loads only when a
check runs.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from familyprivacy.content import readability
from familyprivacy.content.loader import ContentError, load_notices
from familyprivacy.content.model import Notice
from familyprivacy.content.topics import ICO_CHECKLIST
from familyprivacy.content.verbatim import TomlLines, check_verbatim, source_path_of

if TYPE_CHECKING:
    from familyprivacy.i18n.coverage import Coverage

COVERED, STATED_MISSING, NOT_COVERED = "covered", "stated missing in source", "NOT COVERED"
NOT_RELIED_ON = "not relied on (needed only where used)"
# A plain-language text the author has still to write starts with this (``familyprivacy notice import``
# writes it); a notice with one is not ready.
TODO = "TODO"
TODOS_SHOWN = 5  # the keys named in "not ready: N TODOs: key (line), ..."


@dataclass
class NoticeReport:
    notice_id: str
    file: str
    translated: tuple[str, ...] = ()  # the languages the notice ships translated (the rest: English)
    # A language it ships translated in which some part is missing, out of date or rejected.
    incomplete: list[str] = field(default_factory=list)
    checklist: dict[str, str] = field(default_factory=dict)
    covered_by: dict[str, list[str]] = field(default_factory=dict)  # checklist item -> section ids
    verbatim: list[str] = field(default_factory=list)
    source_sentences: int = 0
    readability: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    # Plain text the council's own words contradict (content/claims.py), English or translated.
    claims: list[str] = field(default_factory=list)
    # Who signed off the English content and each translation, and what changed since (not failures:
    # a new notice is unsigned until someone approves it; the app and the records say so).
    signoff: list[str] = field(default_factory=list)
    # Plain texts still to write (they start "TODO"), by key, with their line: not a failure of the
    # content, but the check exits 1 and the app does not offer the notice until there are none.
    todos: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.todos

    def not_ready(self) -> str:
        """"not ready: N TODOs: " and the first few keys with their lines, or "" when ready."""
        if not self.todos:
            return ""
        more = len(self.todos) - TODOS_SHOWN
        return (f"not ready: {len(self.todos)} TODO{'s' if len(self.todos) != 1 else ''}: "
                + ", ".join(self.todos[:TODOS_SHOWN]) + (f", and {more} more" if more > 0 else ""))

    @property
    def failures(self) -> list[str]:
        out = list(self.verbatim) + list(self.claims) + list(self.incomplete)
        for part, r in self.readability.items():
            out += [f"{part}: {p}" for p in r["problems"]]
        return out


@dataclass
class Report:
    errors: list[ContentError] = field(default_factory=list)
    notices: list[NoticeReport] = field(default_factory=list)
    translations: dict[str, dict[str, Coverage]] = field(default_factory=dict)
    translation_problems: list[str] = field(default_factory=list)
    # Reported, never failed: e.g. the installed Babel's CLDR disagrees with a plural rule of ours.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(n.failures or n.todos for n in self.notices) and not any(
            c.rejected for row in self.translations.values() for c in row.values()
        ) and not self.translation_problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [{"file": e.file, "line": e.line, "key": e.key, "message": e.message}
                       for e in self.errors],
            "notices": [
                {"id": n.notice_id, "file": n.file, "checklist": n.checklist,
                 "source_sentences": n.source_sentences, "verbatim_problems": n.verbatim,
                 "readability": n.readability, "gaps": n.gaps, "claims": n.claims, "failures": n.failures,
                 "signoff": n.signoff, "ready": n.ready, "todos": n.todos}
                for n in self.notices
            ],
            "translations": {
                lang: {part: {"total": c.total, "translated": c.translated, "reviewed": c.reviewed,
                              "percent": round(c.percent, 1), "stale": c.stale,
                              "rejected": c.rejected, "missing": c.missing}
                       for part, c in row.items()}
                for lang, row in self.translations.items()
            },
            "translation_problems": self.translation_problems,
            "warnings": self.warnings,
        }


def checklist(notice: Notice) -> dict[str, str]:
    covered = {item for s in notice.sections for item in s.covers}
    stated = {g.item for g in notice.gaps}
    def status(item: str) -> str:
        if item in covered:
            return COVERED
        if item in stated:
            return STATED_MISSING
        # legitimate interests belong in a notice only where the council relies on them
        return NOT_RELIED_ON if item == "legitimate-interests" else NOT_COVERED

    return {c.id: status(c.id) for c in ICO_CHECKLIST}


def checklist_sections(notice: Notice) -> dict[str, list[str]]:
    """For each ICO checklist item, the ids of the sections that say they cover it."""
    return {c.id: [s.id for s in notice.sections if c.id in s.covers] for c in ICO_CHECKLIST}


def _is_todo(text: str) -> bool:
    return text.strip().startswith(TODO)


def todo_keys(notice: Notice) -> list[str]:
    """The plain-language texts of a notice still to write: those starting ``TODO``, by key
    (``council.dpo``, ``section who-we-are.plain``, ``choice share-school.if_yes``, ...), in file
    order. The council's own words (``official``, ``source_quote``, ``[ignored]``) are never
    counted: they are copied, not written. Empty: the notice is ready to offer to a family."""
    found = ["title"] if _is_todo(notice.title) else []
    c = notice.council
    found += [f"council.{name}" for name, text in (
        ("name", c.name), ("controller", c.controller), ("dpo", c.dpo), ("contact", c.contact),
        ("ico", c.ico), ("website", c.website)) if _is_todo(text)]
    for s in notice.sections:
        found += [f"section {s.id}.{name}" for name, text in (("title", s.title), ("plain", s.plain))
                  if _is_todo(text)]
    for g in notice.glossary:
        found += [f"glossary {g.term!r}.{name}" for name, text in (("term", g.term), ("meaning", g.meaning))
                  if _is_todo(text)]
    for ch in notice.choices:
        found += [f"choice {ch.id}.{name}" for name, text in (
            ("title", ch.title), ("explanation", ch.explanation), ("if_yes", ch.if_yes), ("if_no", ch.if_no),
            ("withdraw", ch.withdraw), ("lawful_basis", ch.lawful_basis), ("implied_note", ch.implied_note))
            if _is_todo(text)]
    found += [f"gap[{i}].note" for i, g in enumerate(notice.gaps) if _is_todo(g.note)]
    return found


def is_ready(notice: Notice) -> bool:
    """No plain text of the notice is still to write (see :func:`todo_keys`)."""
    return not todo_keys(notice)


def ready_notices(notices: Iterable[Notice]) -> list[Notice]:
    """The notices that may be offered to a family: those with nothing left to write."""
    return [n for n in notices if is_ready(n)]


def _todo_lines(notice: Notice, toml: TomlLines) -> list[str]:
    """:func:`todo_keys`, each with the line of the notice's TOML it is on, where that can be found."""
    out = []
    for key in todo_keys(notice):
        head, _, name = key.rpartition(".")
        if not head:
            block = toml.block("")
        elif head == "council":
            block = toml.block("council")
        elif head.startswith("gap["):
            block = toml.nth("gap", int(head[4:-1]))
        else:
            table, _, ident = head.partition(" ")
            block = toml.block(table, "term" if table == "glossary" else "id", ident.strip("'\""))
        line = toml.key(name, block)
        out.append(f"{key} (line {line})" if line else key)
    return out


def _score(text: str, terms: tuple[str, ...], where: readability.Where | None = None) -> dict[str, Any]:
    s = readability.score(text, terms)
    return {"sentences": s.sentences, "words": s.words, "average_words": round(s.average_words, 1),
            "longest": s.longest, "flesch": round(s.flesch, 1), "problems": s.problems(where)}


def _plain(*texts: str) -> str:
    """Plain texts read as one, without those still to write (a TODO is reported, not scored)."""
    return "\n\n".join(t for t in texts if t and not _is_todo(t))


def check_notice(notice: Notice) -> NoticeReport:
    report = NoticeReport(notice.id, str(notice.path or ""), translated=notice.translated)
    report.checklist = checklist(notice)
    report.covered_by = checklist_sections(notice)
    toml = TomlLines.of(notice)
    source = notice.source_path
    if source is None or not source.is_file():
        report.verbatim = [f"source text {notice.source_file!r} is missing beside the notice"]
    else:
        try:
            text = source.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.verbatim = [f"source text {notice.source_file!r} cannot be read: {exc}"]
        else:
            v = check_verbatim(notice, text, toml)
            report.verbatim = v.problems()
            report.source_sentences = v.source_sentences

    def where(block: tuple[int, int] | None, key: str = "") -> readability.Where:
        return lambda sentence: toml.text(sentence, block, after_key=key)

    terms = tuple(g.term for g in notice.glossary)
    for s in notice.sections:
        if plain := _plain(s.plain):
            report.readability[f"section {s.id}"] = _score(
                plain, terms, where(toml.block("section", "id", s.id), "plain"))
    for c in notice.choices:
        if plain := _plain(c.explanation, c.if_yes, c.if_no, c.withdraw, c.lawful_basis, c.implied_note):
            block = toml.block("choice", "id", c.id)
            report.readability[f"choice {c.id}"] = _score(plain, terms, where(block))
    if plain := _plain(*(g.note for g in notice.gaps)):
        first_gap = toml.block("gap")
        gaps_block = (first_gap[0], len(toml.lines)) if first_gap else None
        report.readability["gaps"] = _score(plain, terms, where(gaps_block))
    for g in notice.glossary:
        if plain := _plain(g.meaning):
            block = toml.block("glossary", "term", g.term)
            report.readability[f"glossary {g.term}"] = _score(plain, (), where(block))
    # A plain claim the council's text contradicts fails, under the section's or choice's name.
    from familyprivacy.content import claims

    report.claims = [str(finding) for finding in claims.check_claims(notice)]
    report.gaps = [f"{g.item}: {g.note}" for g in notice.gaps]
    report.todos = _todo_lines(notice, toml)
    return report


def run_check(paths: list[Path]) -> Report:
    from familyprivacy.content import claims
    from familyprivacy.i18n import catalogs
    from familyprivacy.i18n.coverage import coverage_table, translated_languages

    loaded = load_notices(paths)
    report = Report(errors=list(loaded.errors))
    if not loaded.notices and not loaded.errors:
        where = ", ".join(str(p) for p in paths)
        report.errors.append(ContentError(where, "no notice files (*.toml) found"))
    report.notices = [check_notice(n) for n in loaded.notices]
    languages = translated_languages()
    catalogs().reload()
    report.translations = coverage_table(loaded.notices, languages)
    report.translation_problems = [f"{p.language}: {p}" for p in catalogs().problems
                                   if "translation rejected" not in p.message]
    report.warnings = plural_warnings(languages)
    # The same refusal rule over every translation: a translation must not tell a family they cannot
    # say no where the English (and the council) does not.
    for notice, notice_report in zip(loaded.notices, report.notices, strict=True):
        for lang in languages:
            notice_report.claims += [str(f) for f in claims.check_translation(notice, lang)]
    for notice, notice_report in zip(loaded.notices, report.notices, strict=True):
        for lang in notice.translated:  # a shipped translation must be whole: nothing falls back unsaid
            cov = report.translations.get(lang, {}).get(notice.id)
            if cov is None:
                notice_report.incomplete.append(f"translated: lists {lang}, but the app has no {lang} "
                                                "catalog")
                continue
            short = len(cov.missing) + len(cov.stale) + len(cov.rejected)
            if short:
                first = (cov.missing + cov.stale + cov.rejected)[0]
                notice_report.incomplete.append(
                    f"translated: lists {lang}, but {short} of {cov.total} parts are not translated into it "
                    f"(missing {len(cov.missing)}, out of date {len(cov.stale)}, rejected "
                    f"{len(cov.rejected)}; first: {first}); translate them, or take {lang} off the list "
                    "to ship it marked as English")
    for notice, notice_report in zip(loaded.notices, report.notices, strict=True):
        notice_report.signoff, problem = signoff_lines(notice, languages)
        if problem:  # a broken sign-off file fails the check; the app treats the notice as unsigned
            report.errors.append(ContentError(str(notice.path), problem))
    return report


def signoff_lines(notice: Notice, languages: list[str]) -> tuple[list[str], str]:
    """The English content's sign-off, then the translations': signed, changed since, or not signed;
    and what is wrong with the sign-off file, if anything."""
    from familyprivacy.content import signoff

    state = signoff.state(notice, languages)
    lines = [state.english.describe()]
    translations = list(state.languages.values())
    signed = [f"{t.scope} ({t.record.by}, {t.record.at[:10]})" for t in translations if t.signed and t.record]
    changed = [t for t in translations if t.record and not t.signed]
    never = [t.scope for t in translations if t.record is None]
    if signed:
        lines.append("translations signed off: " + ", ".join(signed))
    lines += [t.describe() for t in changed]
    if never:
        lines.append("translations NOT signed off (families see them marked as drafts): " + ", ".join(never))
    return lines, state.problem


def plural_warnings(catalog_languages: list[str]) -> list[str]:
    """Where the installed Babel's CLDR would change a plural rule of ours, and any language with
    catalogs but no rule written down. Warnings only: the catalogs keep the project's rules."""
    from familyprivacy.i18n.plural_forms import babel_rule, drift, project_rule

    out = [str(d) for d in drift()]
    for lang in catalog_languages:
        if project_rule(lang) is None:
            rule = babel_rule(lang)
            out.append(f"plural rule for {lang}: this project has none written down, so its catalogs use "
                       f"the installed Babel's '{rule.header}'; add it to src/familyprivacy/i18n/"
                       "plural_forms.py so a newer Babel cannot change it")
    return out


def _verbatim_summary(n: NoticeReport) -> str:
    return (f"   verbatim: {n.source_sentences} source sentences, "
            + ("all kept word for word, once each" if not n.verbatim else f"{len(n.verbatim)} problem(s)"))


def format_translations(report: Report) -> list[str]:
    if not report.translations:
        return []
    parts = ["interface"] + [n.notice_id for n in report.notices]
    # Notice ids are long and two councils' notices may share a slug: columns are numbered, and each
    # number names its notice in full, with the languages it ships translated.
    short = {p: "interface" if p == "interface" else f"[{i}]" for i, p in enumerate(parts)}
    lines = ["", "Translations (% of strings a family sees in the language; the rest in English):"]
    for n, p in enumerate(parts[1:], 1):
        shipped = next((r.translated for r in report.notices if r.notice_id == p), ())
        lines.append(f"  [{n}] {p}: " + (f"ships translated into {', '.join(shipped)}" if shipped
                                          else "ships in English only so far"))
    lines.append("  lang  " + "".join(f"{short[p]:>20}" for p in parts))
    for lang, row in report.translations.items():
        cells = []
        for p in parts:
            c = row[p]
            flag = ("*" if c.stale else "") + ("!" if c.rejected else "")
            cells.append(f"{c.percent:>6.1f}% {c.translated:>4}/{c.total:<4}{flag:<2}")
        lines.append(f"  {lang:<5} " + "".join(f"{cell:>20}" for cell in cells))
    lines.append("  * stale entries (English changed; shown in English)   ! rejected entries")
    for lang, row in report.translations.items():
        for p, c in row.items():
            for what, items in (("stale", c.stale), ("REJECTED", c.rejected)):
                for item in items[:5]:
                    lines.append(f"  {lang} {p}: {what}: {item}")
                if len(items) > 5:
                    lines.append(f"  {lang} {p}: {what}: ... and {len(items) - 5} more")
    reviewed = sum(c.reviewed for row in report.translations.values() for c in row.values())
    lines.append(f"  reviewed by a qualified translator: {reviewed} entries; the rest are drafts")
    for problem in report.translation_problems:
        lines.append(f"ERROR translation file: {problem}")
    return lines


def _failure(failure: str) -> str:
    """A failure as the report prints it: its first line after FAIL, the rest (the sentences and
    word diffs) indented under it."""
    return "   FAIL " + failure.replace("\n", "\n     ")


def format_report(report: Report) -> str:
    lines: list[str] = []
    for e in report.errors:
        lines.append(f"ERROR {e}")
    for n in report.notices:
        lines.append("")
        lines.append(f"== {n.notice_id}  ({n.file})")
        lines.append(_verbatim_summary(n))
        lines.append("   ICO checklist:")
        width = max(len(c.title) for c in ICO_CHECKLIST)
        for c in ICO_CHECKLIST:
            lines.append(f"     {c.title:<{width}}  {n.checklist[c.id]}")
        flesch = [r["flesch"] for r in n.readability.values()]
        avg = [r["average_words"] for r in n.readability.values()]
        if flesch:
            lines.append(f"   plain language: {len(flesch)} parts, Flesch {min(flesch):.0f}-"
                         f"{max(flesch):.0f}, average sentence {min(avg):.1f}-{max(avg):.1f} words")
        for gap in n.gaps:
            lines.append(f"   gap in the source: {gap}")
        for line in n.signoff:
            lines.append(f"   sign-off: {line}")
        for failure in n.failures:
            lines.append(_failure(failure))
        if n.todos:
            lines.append(f"   {n.not_ready()}. Write them (each starts 'TODO'): until then the check "
                         "fails and the app offers this notice to no family")
    lines.extend(format_translations(report))
    if report.warnings:
        lines.append("")
    for warning in report.warnings:
        lines.append(f"WARNING {warning}")
    lines.append("")
    failed = len(report.errors) + sum(1 for n in report.notices if n.failures)
    not_ready = sum(1 for n in report.notices if n.todos)
    lines.append(f"{len(report.notices)} notice(s) loaded, {len(report.errors)} file error(s), "
                 f"{failed} failing"
                 + (f", {not_ready} not ready" if not_ready else "")
                 + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
                 + ". " + ("OK" if report.ok else "FAILED"))
    return "\n".join(lines)


# -- check --watch ---------------------------------------------------------------------------------

def check_one(path: Path) -> Report:
    """One notice file's own check, as ``check --watch`` repeats it: its content, wording, checklist,
    readability, claims and TODOs; not translations or sign-off (``check`` does those)."""
    loaded = load_notices([path])
    report = Report(errors=list(loaded.errors))
    report.notices = [check_notice(n) for n in loaded.notices]
    return report


def format_watch(report: Report, when: datetime, what: str = "") -> str:
    """One round of ``check --watch``: when, the result, the ICO checklist by section, the
    readability of each part, then each failure in full."""
    stamp = when.strftime("%H:%M:%S")
    lines = [f"[{stamp}] {what}" if what else f"[{stamp}]"]
    for e in report.errors:
        lines.append(f"   ERROR {e}")
    for n in report.notices:
        result = ("OK" if not n.failures else f"FAILED: {len(n.failures)} problem(s)") \
            + (f"; {n.not_ready()}" if n.todos else "")
        lines.append(f"== {n.notice_id}  ({Path(n.file).name}): {result}")
        lines.append(_verbatim_summary(n))
        lines.append("   ICO checklist (the sections that cover each item; gaps):")
        width = max(len(c.title) for c in ICO_CHECKLIST)
        for c in ICO_CHECKLIST:
            status = n.checklist[c.id]
            if status == COVERED:
                status = "covered by " + ", ".join(n.covered_by.get(c.id, []))
            elif status == STATED_MISSING:
                status = "GAP, stated missing in the source ([[gap]])"
            elif status == NOT_COVERED:
                status = "GAP, NOT COVERED: no section covers it and no [[gap]] says the source is silent"
            lines.append(f"     {c.title:<{width}}  {status}")
        lines.append(f"   readability (targets: average {readability.MAX_AVERAGE_WORDS:g} words or "
                     f"fewer, none over {readability.MAX_SENTENCE_WORDS}, Flesch {readability.MIN_FLESCH:g} "
                     "or more):")
        part_width = max((len(p) for p in n.readability), default=0)
        for part, r in n.readability.items():
            verdict = "FAIL" if r["problems"] else "pass"
            lines.append(f"     {part:<{part_width}}  Flesch {r['flesch']:5.1f}  average "
                         f"{r['average_words']:4.1f}  longest {r['longest']:3d}  {verdict}")
        for failure in n.failures:
            lines.append(_failure(failure))
        if n.todos:
            lines.append(f"   {n.not_ready()}")
    if not report.errors and not report.notices:
        lines.append("   no notice in the file")
    lines.append(f"   => {'OK' if report.ok else 'FAILED'}")
    return "\n".join(lines)


def _stats(path: Path) -> dict[Path, tuple[int, int] | None]:
    """(mtime, size) of the notice file and of the source file it names (None: not there)."""
    files = [path]
    if (source := source_path_of(path)) is not None:
        files.append(source)
    out: dict[Path, tuple[int, int] | None] = {}
    for f in files:
        try:
            st = f.stat()
        except OSError:
            out[f] = None
        else:
            out[f] = (st.st_mtime_ns, st.st_size)
    return out


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def poll(path: Path, *, interval: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> Iterator[str]:
    """Yields at once ("first check"), then each time the notice file or its source file changes:
    their size and modification time are looked at every ``interval`` seconds, and a file whose
    bytes (SHA-256) are the same as before does not count. Says which file changed."""
    stats = _stats(path)
    digests = {f: _digest(f) for f in stats}
    yield "first check"
    while True:
        sleep(interval)
        now = _stats(path)
        if now == stats:
            continue
        stats = now
        new = {f: _digest(f) for f in now}
        changed = [f.name for f in new if new[f] != digests.get(f)]
        changed += [f"{f.name} (no longer named)" for f in digests if f not in new]
        digests = new
        if changed:
            yield ", ".join(changed) + " changed"


def watch(path: Path, *, changes: Iterable[str] | None = None, out: TextIO | None = None,
          max_rounds: int | None = None, interval: float = 0.5,
          clock: Callable[[], datetime] = datetime.now) -> int:
    """``familyprivacy check --watch``: check the notice at ``path`` now and each time it or its
    source file is saved, printing a timestamped result each time (:func:`format_watch`), until
    Ctrl+C (exit 0).

    ``changes``: the "file changed" events (each a few words saying what changed) in place of
    :func:`poll`, so a test drives rounds without waiting; ``max_rounds``: stop after so many."""
    out = out if out is not None else sys.stdout
    events = changes if changes is not None else poll(path, interval=interval)
    out.write(f"Watching {path} and its source file: checked again each time either is saved. "
              "Ctrl+C stops.\n")
    out.flush()
    rounds = 0
    before: set[str] | None = None
    try:
        for what in events:
            report = check_one(path)
            now = {str(e) for e in report.errors} | {f for n in report.notices for f in n.failures} \
                | {t for n in report.notices for t in n.todos}
            text = format_watch(report, clock(), what)
            if before is not None:
                text += f"   (since the last check: {len(before - now)} fixed, {len(now - before)} new)"
            before = now
            out.write("\n" + text + "\n")
            out.flush()
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                break
    except KeyboardInterrupt:
        out.write("\nStopped watching.\n")
        out.flush()
    return 0
