"""The ``familyprivacy`` command: the app by default, and the tools as sub-commands.

Each area adds its own sub-commands through a ``register(subparsers)`` function,
so this module stays a dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from familyprivacy import __version__, paths

# Modules that add sub-commands; each has register(subparsers) -> None.
COMMAND_MODULES = (
    "familyprivacy.consent.cli",
    "familyprivacy.sync.cli",
    "familyprivacy.ui.cli",
    "familyprivacy.content.importer",  # familyprivacy notice import (the 'import' extra; not in the bundle)
)


def _cmd_check(args: argparse.Namespace) -> int:
    """0: every notice passes and is ready; 1: a failure, a file error, or a notice not ready (a plain
    text still starting "TODO"); 2: wrong use (``--watch`` needs exactly one notice file or id)."""
    from familyprivacy.content.check import format_report, run_check, watch

    if args.watch:
        if args.json or len(args.paths) != 1:
            print("familyprivacy check: --watch takes exactly one notice (its .toml file or its id), "
                  "and no --json", file=sys.stderr)
            return 2
        target = Path(args.paths[0])
        if not target.is_file():
            from familyprivacy.content.loader import load_all

            notices = load_all().notices
            found = next((n.path for n in notices if n.id == args.paths[0] and n.path), None)
            if found is None:
                known = ", ".join(sorted(n.id for n in notices))
                print(f"familyprivacy check: no notice file or id {args.paths[0]!r}. Known: {known}",
                      file=sys.stderr)
                return 2
            target = found
        return watch(target)
    report = run_check([Path(p) for p in args.paths] or [paths.notices_dir()])
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0 if report.ok else 1


def _cmd_render(args: argparse.Namespace) -> int:
    from familyprivacy import i18n
    from familyprivacy.content.loader import load_all
    from familyprivacy.content.localize import localize
    from familyprivacy.content.render import render_html, render_json

    loaded = load_all()
    try:
        notice = loaded.by_id(args.notice)
    except KeyError:
        known = ", ".join(sorted(n.id for n in loaded.notices))
        print(f"familyprivacy render: no notice {args.notice!r}. Known: {known}", file=sys.stderr)
        return 2
    lang = _language(args.lang, "render")
    if lang is None:
        return 2
    i18n.set_language(lang)
    view = localize(notice, lang)
    out = render_html(view) if args.format == "html" else render_json(view)
    if args.output:
        Path(args.output).write_text(out, "utf-8")
    else:
        sys.stdout.write(out + "\n")
    return 0


def _language(lang: str, command: str) -> str | None:
    """The known language ``lang`` names: English or a shipped translation, in any case and with or
    without a region (PL, pl_PL and pl-PL are pl, with a note saying so); else None, after saying
    which are known."""
    import re

    from familyprivacy.i18n.catalogs import translated_languages

    known = sorted({"en", *translated_languages()})
    if lang in known:
        return lang
    match = re.fullmatch(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})?", lang)
    code = match.group(1).lower() if match else None
    if code in known:
        print(f"familyprivacy {command}: {lang!r} is taken as {code!r}", file=sys.stderr)
        return code
    print(f"familyprivacy {command}: no language {lang!r}. Known: {', '.join(known)}", file=sys.stderr)
    return None


def _notice_and_language(args: argparse.Namespace, command: str) -> tuple[Any, str | None] | None:
    """The notice ``args.notice`` names (an id or its file) and ``args.lang`` as a shipped translation
    (None: English); None, after saying why and what is known, if either is not there."""
    from familyprivacy.content.loader import load_all

    notices = load_all().notices
    notice = next((n for n in notices if n.id == args.notice
                   or (n.path and Path(args.notice).resolve() == n.path.resolve())), None)
    if notice is None:
        known = ", ".join(sorted(n.id for n in notices))
        print(f"familyprivacy {command}: no notice {args.notice!r}. Known: {known}", file=sys.stderr)
        return None
    if args.lang is None:
        return notice, None
    code = _language(args.lang, command)
    if code is None:
        return None
    return notice, None if code == "en" else code


def _cmd_sign_off(args: argparse.Namespace) -> int:
    from familyprivacy.content import signoff
    from familyprivacy.content.check import check_notice
    from familyprivacy.content.localize import localize

    found = _notice_and_language(args, "sign-off")
    if found is None:
        return 2
    notice, lang = found
    by, role = args.by.strip(), args.role.strip()
    if not by or not role or any(ord(c) < 32 for c in by + role):
        print("familyprivacy sign-off: --by and --role must be a name and a role, in words", file=sys.stderr)
        return 2
    report = check_notice(notice)
    failures = report.failures
    if failures:
        print(f"familyprivacy sign-off: {notice.id} fails the check, so it cannot be signed off:",
              file=sys.stderr)
        for failure in failures[:10]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    if report.todos:
        count = len(report.todos)
        print(f"familyprivacy sign-off: {notice.id} is not ready ({count} TODO{'s' if count != 1 else ''}; "
              f"first: {report.todos[0]}), so it cannot be signed off", file=sys.stderr)
        return 1
    if lang:
        texts = localize(notice, lang).texts()
        shown_in_english = [t.text[:60] for t in texts if t.text and t.language != lang]
        if shown_in_english:
            print(f"familyprivacy sign-off: {len(shown_in_english)} parts of {notice.id} are not translated "
                  f"into {lang} (missing, stale or rejected), so the translation cannot be signed off. "
                  f"First: {shown_in_english[0]!r}", file=sys.stderr)
            return 1
    try:
        record = signoff.sign(notice, lang or signoff.ENGLISH, by, role)
    except (signoff.SignoffError, OSError) as exc:
        print(f"familyprivacy sign-off: {exc}", file=sys.stderr)
        return 1
    what = "English content" if not lang else f"{lang} translation"
    print(f"Signed off: {notice.id}, {what}, by {record.by} ({record.role}) at {record.at}\n"
          f"  fingerprint {record.fingerprint}\n  recorded in {signoff.signoff_path(notice)}: commit it "
          "with the notice")
    return 0


def _cmd_review_pack(args: argparse.Namespace) -> int:
    from familyprivacy.content import review

    found = _notice_and_language(args, "review-pack")
    if found is None:
        return 2
    notice, lang = found
    target = Path(args.output)
    fmt = args.format or {".pdf": "pdf", ".po": "po-report"}.get(target.suffix.lower(), "html")
    if fmt == "po-report" and not lang:
        print("familyprivacy review-pack: a po-report is for one language: give --lang", file=sys.stderr)
        return 2
    if not target.parent.is_dir():
        print(f"familyprivacy review-pack: no folder {target.parent}", file=sys.stderr)
        return 2
    if fmt == "pdf":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from familyprivacy.ui import fonts
        from familyprivacy.ui.review_pdf import write_pdf

        html = review.render_html(notice, lang or None, fonts.css_font_family(lang) if lang else "")
        write_pdf(html, target, f"Review pack: {notice.id}")
    else:
        review.write(notice, lang or None, fmt, target)
    print(f"Wrote {target} ({fmt})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="familyprivacy",
        description="Explain a council's privacy notice to a family, and record their choices. "
        "With no sub-command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"familyprivacy {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check that this installation works (offscreen), print a report, and exit")
    parser.add_argument("--measure-startup", action="store_true",
                        help="print the seconds from start to the first painted topic page, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="validate notices: schema, verbatim wording, ICO "
                           "checklist, readability, translation coverage; exits 1 on a failure or a "
                           "notice not ready (a plain text still starting TODO)")
    check.add_argument("paths", nargs="*", help="notice files or folders (default: all)")
    check.add_argument("--json", action="store_true", help="machine-readable report")
    check.add_argument("--watch", action="store_true",
                       help="check one notice (a file or id) again each time it or its source file is "
                       "saved, showing its ICO checklist and readability; Ctrl+C stops")
    check.set_defaults(func=_cmd_check)

    render = sub.add_parser("render", help="a notice as a standalone HTML page or JSON")
    render.add_argument("notice", help="notice id, e.g. stockton-on-tees/childrens-social-care")
    render.add_argument("--lang", default="en", help="language code (default: en)")
    render.add_argument("--format", choices=("html", "json"), default="html")
    render.add_argument("-o", "--output", help="write to this file instead of standard output")
    render.set_defaults(func=_cmd_render)

    sign = sub.add_parser("sign-off", help="record that a person approved a notice's English content, "
                          "or one translation of it, exactly as it stands (beside the notice; commit it)")
    sign.add_argument("notice", help="notice id, e.g. stockton-on-tees/childrens-social-care")
    sign.add_argument("--lang", help="sign off this translation (default: the English content)")
    sign.add_argument("--by", required=True, help="the name of the person signing off")
    sign.add_argument("--role", required=True, help="their role, e.g. 'Information governance lead'")
    sign.set_defaults(func=_cmd_sign_off)

    pack = sub.add_parser("review-pack", help="what a person signs off: the council's words, the plain "
                          "English and a translation side by side, the choices, the checker's findings")
    pack.add_argument("notice", help="notice id, e.g. stockton-on-tees/childrens-social-care")
    pack.add_argument("--lang", help="add this translation's column")
    pack.add_argument("-o", "--output", required=True, help="FILE.html, FILE.pdf, or FILE.po (po-report)")
    pack.add_argument("--format", choices=("html", "pdf", "po-report"),
                      help="default: from the file's extension; po-report: the translation's entries "
                      "as a catalog for a translator's own tool")
    pack.set_defaults(func=_cmd_review_pack)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from familyprivacy import selftest

        return selftest.run()
    if args.measure_startup:
        from familyprivacy import selftest

        return selftest.measure_startup()
    if not getattr(args, "func", None):
        try:
            run = importlib.import_module("familyprivacy.ui.app").run
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("familyprivacy.ui"):
                parser.print_help()
                return 0
            raise
        return int(run(args))
    return int(args.func(args))
