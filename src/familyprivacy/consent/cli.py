"""``familyprivacy records …``: set up, check and read a worker's records from the command line.

Passphrases are never taken from the command line. On a terminal they are read
without echo; when standard input is not a terminal (scripts, tests) the first
line of standard input is the passphrase.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from familyprivacy import paths
from familyprivacy.consent.errors import ChainBroken, StoreError, WrongPassphrase

if TYPE_CHECKING:  # the store (and its cryptography) loads when a command needs it
    from familyprivacy.consent.store import Store

MIN_PASSPHRASE = 8
DB_NAME = "records.db"


class CliError(Exception):
    """A refusal to print as it is, with the exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def worker_slug(name: str) -> str:
    """A folder name for a worker: ASCII letters, digits and hyphens, stable for the same name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]
    return slug or "worker-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def workers_dir() -> Path:
    return paths.data_dir() / "workers"


def store_path(worker: str | None) -> Path:
    """The worker's store; with no --worker, the only worker on this laptop."""
    if worker:
        return workers_dir() / worker_slug(worker) / DB_NAME
    found = sorted(workers_dir().glob(f"*/{DB_NAME}")) if workers_dir().is_dir() else []
    if not found:
        raise CliError("no records on this laptop yet: run 'familyprivacy records init --worker NAME'")
    if len(found) > 1:
        raise CliError(f"{len(found)} workers keep records on this laptop: say whose with --worker NAME")
    return found[0]


def read_passphrase(prompt: str = "Passphrase: ", confirm: bool = False) -> str:
    """Without echo on a terminal; otherwise the first line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again, to confirm: ") != first:
            raise CliError("the two passphrases differ; nothing was created")
    except (EOFError, KeyboardInterrupt):
        raise CliError("no passphrase given") from None
    return first


def _unlocked(args: argparse.Namespace) -> Store:
    return unlocked_store(args.worker)


def unlocked_store(worker: str | None) -> Store:
    """The worker's store, unlocked with a passphrase read as ``read_passphrase`` says."""
    from familyprivacy.consent.store import Store

    store = Store.open(store_path(worker))
    try:
        store.unlock(read_passphrase())
    except BaseException:
        store.close()
        raise
    return store


def _init(args: argparse.Namespace) -> int:
    if not args.worker or not args.worker.strip():
        raise CliError("say whose records these are with --worker NAME")
    path = store_path(args.worker)
    if path.exists():
        raise CliError(f"{path}: records already exist for this worker; nothing was changed")
    passphrase = read_passphrase("New passphrase: ", confirm=True)
    if len(passphrase) < MIN_PASSPHRASE:
        raise CliError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    from familyprivacy.consent.store import Store

    with Store.create(path, passphrase, args.worker) as store:
        print(f"Created an empty, encrypted records store at {path}")
        print(f"Device id {store.device_id}; public key {store.device_public_key().hex()}")
    return 0


def _unlock_test(args: argparse.Namespace) -> int:
    from familyprivacy.consent.store import Store

    with Store.open(store_path(args.worker)) as store:
        passphrase = read_passphrase()
        started = time.perf_counter()
        store.unlock(passphrase)
        print(f"Unlocked in {time.perf_counter() - started:.2f} s")
    return 0


def _list(args: argparse.Namespace) -> int:
    with _unlocked(args) as store:
        visits = store.visits()
        for visit in visits:
            current = store.current_decisions(visit.visit_id)
            print(f"{visit.started_at}  {visit.visit_id}  {visit.case_reference}  {visit.notice_id}  "
                  f"{visit.language}  {len(current)} choice(s)")
        print(f"{len(visits)} visit(s) on this laptop; outbox: "
              + ", ".join(f"{k} {v}" for k, v in store.outbox_status().items()))
    return 0


def _show(args: argparse.Namespace) -> int:
    with _unlocked(args) as store:
        visit = store.visit(args.id)
        history = store.decisions(visit.visit_id)
        current = {d.decision_id for d in store.current_decisions(visit.visit_id).values()}
        print(json.dumps(visit.to_body(), ensure_ascii=False, indent=2))
        for decision in history:
            mark = "current " if decision.decision_id in current else "replaced"
            print(f"{mark}  {decision.recorded_at}  {decision.choice_id}: {decision.status} "
                  f"({decision.kind}, {decision.capture.method})")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from familyprivacy.consent.store import Store

    store = Store.open(store_path(args.worker)) if args.locked else _unlocked(args)
    with store:
        try:
            report = store.verify()
        except ChainBroken as exc:
            print(f"BROKEN at event seq {exc.seq}: {exc}")
            return 1
        print(f"OK: {report.describe()}")
    return 0


def _export(args: argparse.Namespace) -> int:
    with _unlocked(args) as store:
        data: dict[str, Any] = {
            "worker": store.worker_name(), "device_id": store.device_id,
            "device_public_key": store.device_public_key().hex(), "visits": [],
        }
        for visit in store.visits():
            decisions = store.decisions(visit.visit_id)
            data["visits"].append({
                "visit": visit.to_body(), "decisions": [d.to_body() for d in decisions],
                "current": {c: d.decision_id for c, d in store.current_decisions(visit.visit_id).items()},
            })
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return 0


def guarded(handler: Any, prog: str = "records",
            refusals: tuple[type[Exception], ...] = ()) -> Any:
    """Run a sub-command; a refusal is printed as it is (never with personal data) with its status."""
    caught: tuple[type[Exception], ...] = (StoreError, CliError, *refusals)

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except WrongPassphrase as exc:
            print(f"familyprivacy {prog}: {exc}", file=sys.stderr)
            return 1
        except caught as exc:
            print(f"familyprivacy {prog}: {exc}", file=sys.stderr)
            return getattr(exc, "status", 2)
    return run


def worker_commands(parent: Any, dest: str, wrap: Any) -> Any:
    """A group of sub-commands that each take ``--worker NAME``; returns ``add(name, handler, help)``."""
    sub = parent.add_subparsers(dest=dest, metavar="ACTION", required=True)

    def add(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
        parser.add_argument("--worker", metavar="NAME",
                            help="whose records (default: the only worker on this laptop)")
        parser.set_defaults(func=wrap(handler))
        return parser
    return add


def register(subparsers: Any) -> None:
    """Add ``records`` and its sub-commands to the ``familyprivacy`` command."""
    records = subparsers.add_parser(
        "records", help="the encrypted records on this laptop",
        description="A worker's encrypted records. The passphrase is read without echo, or from the "
        "first line of standard input when that is not a terminal.")
    add = worker_commands(records, "records_command", guarded)

    add("init", _init, "create an empty records store for a worker")
    add("unlock-test", _unlock_test, "check the passphrase and time the unlock")
    add("list", _list, "list the visits still on this laptop")
    add("show", _show, "one visit and the history of its decisions").add_argument("id", help="visit id")
    verify = add("verify", _verify, "check the hash chain, every signature and every body")
    verify.add_argument("--locked", action="store_true",
                        help="without the passphrase: chain and signatures only")
    export = add("export", _export, "everything still on this laptop, for the worker's own use")
    export.add_argument("--format", choices=("json",), default="json")
    export.add_argument("-o", "--output", help="write to this file instead of standard output")
