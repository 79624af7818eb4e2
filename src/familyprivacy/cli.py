"""The ``familyprivacy`` command: the app by default, and the tools as sub-commands.

Each area adds its own sub-commands through a ``register(subparsers)`` function,
so this module stays a dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from familyprivacy import __version__, paths

# Modules that add sub-commands; each has register(subparsers) -> None.
COMMAND_MODULES = (
    "familyprivacy.consent.cli",
    "familyprivacy.sync.cli",
    "familyprivacy.ui.cli",
)


def _cmd_check(args: argparse.Namespace) -> int:
    from familyprivacy.content.check import format_report, run_check

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
    i18n.set_language(args.lang)
    view = localize(notice, args.lang)
    out = render_html(view) if args.format == "html" else render_json(view)
    if args.output:
        Path(args.output).write_text(out, "utf-8")
    else:
        sys.stdout.write(out + "\n")
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
                           "checklist, readability, translation coverage")
    check.add_argument("paths", nargs="*", help="notice files or folders (default: all)")
    check.add_argument("--json", action="store_true", help="machine-readable report")
    check.set_defaults(func=_cmd_check)

    render = sub.add_parser("render", help="a notice as a standalone HTML page or JSON")
    render.add_argument("notice", help="notice id, e.g. stockton-on-tees/childrens-social-care")
    render.add_argument("--lang", default="en", help="language code (default: en)")
    render.add_argument("--format", choices=("html", "json"), default="html")
    render.add_argument("-o", "--output", help="write to this file instead of standard output")
    render.set_defaults(func=_cmd_render)

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
