"""``familyprivacy check``: is every notice valid, complete, verbatim and plain?

Invalid content or a plain section that misses its readability targets fails
the check; gaps in a council's own notice are reported, not failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from familyprivacy.content import claims, readability
from familyprivacy.content.loader import ContentError, load_notices
from familyprivacy.content.model import Notice
from familyprivacy.content.topics import ICO_CHECKLIST
from familyprivacy.content.verbatim import check_verbatim
from familyprivacy.i18n import catalogs
from familyprivacy.i18n.coverage import Coverage, coverage_table, translated_languages
from familyprivacy.i18n.plural_forms import babel_rule, drift, project_rule

COVERED, STATED_MISSING, NOT_COVERED = "covered", "stated missing in source", "NOT COVERED"
NOT_RELIED_ON = "not relied on (needed only where used)"


@dataclass
class NoticeReport:
    notice_id: str
    file: str
    checklist: dict[str, str] = field(default_factory=dict)
    verbatim: list[str] = field(default_factory=list)
    source_sentences: int = 0
    readability: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    # Plain text the council's own words contradict (content/claims.py), English or translated.
    claims: list[str] = field(default_factory=list)
    # Who signed off the English content and each translation, and what changed since (not failures:
    # a new notice is unsigned until someone approves it; the app and the records say so).
    signoff: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        out = list(self.verbatim) + list(self.claims)
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
        return not self.errors and not any(n.failures for n in self.notices) and not any(
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
                 "signoff": n.signoff}
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


def _score(text: str, terms: tuple[str, ...]) -> dict[str, Any]:
    s = readability.score(text, terms)
    return {"sentences": s.sentences, "words": s.words, "average_words": round(s.average_words, 1),
            "longest": s.longest, "flesch": round(s.flesch, 1), "problems": s.problems()}


def check_notice(notice: Notice) -> NoticeReport:
    report = NoticeReport(notice.id, str(notice.path or ""))
    report.checklist = checklist(notice)
    source = notice.source_path
    if source is None or not source.is_file():
        report.verbatim = [f"source text {notice.source_file!r} is missing beside the notice"]
    else:
        try:
            text = source.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.verbatim = [f"source text {notice.source_file!r} cannot be read: {exc}"]
        else:
            v = check_verbatim(notice, text)
            report.verbatim = v.problems()
            report.source_sentences = v.source_sentences
    terms = tuple(g.term for g in notice.glossary)
    for s in notice.sections:
        report.readability[f"section {s.id}"] = _score(s.plain, terms)
    for c in notice.choices:
        plain = "\n\n".join(t for t in (c.explanation, c.if_yes, c.if_no, c.withdraw, c.lawful_basis,
                                         c.implied_note) if t)
        report.readability[f"choice {c.id}"] = _score(plain, terms)
    if notice.gaps:
        report.readability["gaps"] = _score("\n\n".join(g.note for g in notice.gaps), terms)
    for g in notice.glossary:
        report.readability[f"glossary {g.term}"] = _score(g.meaning, ())
    # A plain claim the council's text contradicts fails, under the section's or choice's name.
    report.claims = [str(finding) for finding in claims.check_claims(notice)]
    report.gaps = [f"{g.item}: {g.note}" for g in notice.gaps]
    return report


def run_check(paths: list[Path]) -> Report:
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
    out = [str(d) for d in drift()]
    for lang in catalog_languages:
        if project_rule(lang) is None:
            rule = babel_rule(lang)
            out.append(f"plural rule for {lang}: this project has none written down, so its catalogs use "
                       f"the installed Babel's '{rule.header}'; add it to src/familyprivacy/i18n/"
                       "plural_forms.py so a newer Babel cannot change it")
    return out


def format_translations(report: Report) -> list[str]:
    if not report.translations:
        return []
    parts = ["interface"] + [n.notice_id for n in report.notices]
    short = {p: p.split("/")[-1][:18] if p != "interface" else "interface" for p in parts}
    lines = ["", "Translations (% of strings a family sees in the language; the rest in English):"]
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


def format_report(report: Report) -> str:
    lines: list[str] = []
    for e in report.errors:
        lines.append(f"ERROR {e}")
    for n in report.notices:
        lines.append("")
        lines.append(f"== {n.notice_id}  ({n.file})")
        lines.append(f"   verbatim: {n.source_sentences} source sentences, "
                     + ("all kept word for word, once each" if not n.verbatim
                        else f"{len(n.verbatim)} problem(s)"))
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
            lines.append(f"   FAIL {failure}")
    lines.extend(format_translations(report))
    if report.warnings:
        lines.append("")
    for warning in report.warnings:
        lines.append(f"WARNING {warning}")
    lines.append("")
    failed = len(report.errors) + sum(1 for n in report.notices if n.failures)
    lines.append(f"{len(report.notices)} notice(s) loaded, {len(report.errors)} file error(s), "
                 f"{failed} failing"
                 + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
                 + ". " + ("OK" if report.ok else "FAILED"))
    return "\n".join(lines)
