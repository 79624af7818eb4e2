"""``familyprivacy sync``: enrol a worker's records with the council's inbox, sync, and see where it stands.

For IT and for workers who prefer a terminal; the Records screen offers the same.
The passphrase and the enrolment code are read without echo, or from the first
and second lines of standard input when that is not a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from familyprivacy.consent.cli import CliError, guarded, unlocked_store, worker_commands
from familyprivacy.consent.store import Store
from familyprivacy.i18n import _
from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.client import SyncProblem
from familyprivacy.sync.enrolment import enrol, is_enrolled
from familyprivacy.sync.runner import sync_once


def _open(args: argparse.Namespace) -> Store:
    return unlocked_store(args.worker)


def _read_code() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    try:
        return getpass.getpass("Enrolment code: ").strip()
    except (EOFError, KeyboardInterrupt):
        raise CliError("no enrolment code given") from None


def _enrol(args: argparse.Namespace) -> int:
    with _open(args) as store:
        code = _read_code()
        if not code:
            raise CliError("no enrolment code given")
        enrol(args.server, code, store, label=args.label or "")
        print(f"enrolled with {args.server.rstrip('/')}; this worker's records will sync there")
    return 0


def _now(args: argparse.Namespace) -> int:
    with _open(args) as store:
        report = sync_once(store, None, sync_settings.load())
        print(f"confirmed {report.confirmed}, problems {report.problems}, erased {report.erased}")
        for reason in report.problem_reasons:
            print(f"problem: {_(reason)}")
    return 1 if report.problems else 0


def _status(args: argparse.Namespace) -> int:
    settings = sync_settings.load()
    with _open(args) as store:
        counts = store.outbox_status()
        enrolled = is_enrolled(settings, store)
    print(f"inbox: {settings.server_url or 'not set'}; enrolled: {'yes' if enrolled else 'no'}; "
          f"erase after: {settings.erase_after_seconds} s")
    print(", ".join(f"{state} {n}" for state, n in sorted(counts.items())) or "nothing recorded yet")
    return 0


class _Refused(Exception):
    """The inbox said no, or could not be reached: said in words (translated), exit status 1."""

    status = 1


def _run(handler: Any) -> Any:
    def plain(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except SyncProblem as exc:
            raise _Refused(_(exc.message)) from None
    return guarded(plain, "sync", (_Refused, sync_settings.SettingsError))


def register(subparsers: Any) -> None:
    sync = subparsers.add_parser(
        "sync", help="send records to the council's consent inbox",
        description="Enrol a worker's records with the council's consent inbox, send them, and see where "
        "they stand. The passphrase and the enrolment code are read without echo, or from the first and "
        "second lines of standard input when that is not a terminal.")
    add = worker_commands(sync, "sync_command", _run)

    enrol_parser = add("enrol", _enrol, "register this worker's records with the inbox, with a "
                       "one-time code from the council's administrator")
    enrol_parser.add_argument("--server", required=True, help="the inbox's https:// address")
    enrol_parser.add_argument("--label", help="a name for this laptop in the council's device list")
    add("now", _now, "send everything waiting, now")
    add("status", _status, "the inbox address, enrolment and how many records wait")
