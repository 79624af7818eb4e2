"""``familyprivacy records …``: set up, check, repair and read a worker's records from the command line.

Passphrases are never taken from the command line. On a terminal they are read
without echo; when standard input is not a terminal (scripts, tests) the first
line of standard input is the passphrase.

Where each worker's store lives. ``workers/<id>/records.db`` in the data folder,
``<id>`` a random 32-hex-digit name that says nothing about the worker (a folder
named from the worker's name, as the first release made them, is renamed so at
the next look). The worker's name is inside the store, encrypted; so a name
finds its store only with the passphrase: the passphrase is tried on each store
on the laptop (one key derivation each), and ``--worker NAME`` keeps those whose
decrypted name matches. Without the passphrase (``verify --locked``) a store is
named by its id.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from familyprivacy import paths
from familyprivacy.consent.errors import (
    ChainBroken,
    IndexDamaged,
    SavesLost,
    StoreCorrupt,
    StoreError,
    WrongPassphrase,
)

if TYPE_CHECKING:  # the store (and its cryptography) loads when a command needs it
    from familyprivacy.consent.store import Store

MIN_PASSPHRASE = 8
DB_NAME = "records.db"
STORE_ID = re.compile(r"[0-9a-f]{32}")  # a worker's folder: random, never derived from the name


class CliError(Exception):
    """A refusal to print as it is, with the exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def worker_slug(name: str) -> str:
    """The worker's id in their records (``Worker.id``): ASCII letters, digits and hyphens, stable for the
    same name. Kept in the encrypted bodies only; a store's folder is named by ``new_store_path``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]
    return slug or "worker-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def workers_dir() -> Path:
    return paths.data_dir() / "workers"


def store_paths() -> list[Path]:
    """Every worker's store on this laptop, after giving any folder named from a worker's name an opaque
    name and making the folders owner-only (what releases before this one left behind)."""
    folder = workers_dir()
    if not folder.is_dir():
        return []
    renamed = False
    for child in sorted(folder.iterdir()):
        if child.is_dir() and not child.is_symlink() and not STORE_ID.fullmatch(child.name):
            try:
                os.rename(child, folder / uuid.uuid4().hex)  # a new name: never replaces anything
            except OSError:  # e.g. a file in it is open on Windows: the next look tries again
                continue
            renamed = True
    if renamed:
        from familyprivacy.consent.db import fsync_dir

        fsync_dir(folder)
    paths.secure_tree(folder)
    return sorted(folder.glob(f"*/{DB_NAME}"))


def new_store_path() -> Path:
    """Where a new worker's store goes: a folder with a random name (created by ``Store.create``)."""
    return workers_dir() / uuid.uuid4().hex / DB_NAME


def _ids(found: list[Path]) -> str:
    return ", ".join(p.parent.name for p in found)


def is_store_id(worker: str) -> bool:
    return bool(STORE_ID.fullmatch(worker.strip().lower()))


def store_path(worker: str | None) -> Path:
    """The store whose id (folder name) is ``worker``; with none, the only store on this laptop. A worker's
    name picks a store only with the passphrase (``unlocked_store``)."""
    found = store_paths()
    if worker:
        if not is_store_id(worker):
            raise CliError("without the passphrase, say which records by the store's id (the folder's name"
                           f" under {workers_dir()}): --worker ID, one of {_ids(found) or 'none'}")
        wanted = [p for p in found if p.parent.name == worker.strip().lower()]
        if not wanted:
            raise CliError(f"no records store with the id {worker.strip().lower()} on this laptop")
        return wanted[0]
    if not found:
        raise CliError("no records on this laptop yet: run 'familyprivacy records init --worker NAME'")
    if len(found) > 1:
        raise CliError(f"{len(found)} workers keep records on this laptop: say which with --worker ID, one "
                       f"of {_ids(found)} (or give the passphrase: it finds its own records)")
    return found[0]


def same_worker(a: str, b: str) -> bool:
    """The same name, whatever the case, spacing or Unicode form it was typed in."""
    def key(name: str) -> str:
        return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()
    return key(a) == key(b)


def open_stores(passphrase: str, candidates: list[Path]) -> tuple[list[Store], list[StoreError]]:
    """Each store in ``candidates`` that ``passphrase`` unlocks, unlocked; and why any other could not be
    opened at all (a wrong passphrase is not a problem here: it is another worker's store)."""
    from familyprivacy.consent.store import Store

    opened: list[Store] = []
    problems: list[StoreError] = []
    for path in candidates:
        try:
            store = Store.open(path)
        except StoreError as exc:
            problems.append(exc)
            continue
        try:
            store.unlock(passphrase)
        except WrongPassphrase:
            store.close()
            continue
        except StoreError as exc:
            store.close()
            problems.append(exc)
            continue
        except BaseException:
            store.close()
            for other in opened:
                other.close()
            raise
        opened.append(store)
    return opened, problems


def pick_store(candidates: list[Path], passphrase: str, name: str | None) -> Store:
    """The one store among ``candidates`` that ``passphrase`` unlocks (and whose worker is ``name``)."""
    opened, problems = open_stores(passphrase, candidates)
    mine = [s for s in opened if name is None or same_worker(s.worker_name(), name)]
    for store in opened:
        if store not in mine or len(mine) > 1:
            store.close()
    if len(mine) == 1:
        return mine[0]
    if mine:
        raise CliError(f"that passphrase opens {len(mine)} workers' records on this laptop: say whose with "
                       f"--worker NAME, or --worker ID, one of {_ids([s.path for s in mine])}")
    if problems and not opened:
        raise problems[0]
    whose = "that worker's records" if name is not None and opened else "any records on this laptop"
    raise WrongPassphrase(f"that passphrase does not unlock {whose}; nothing was changed")


def _candidates(worker: str | None) -> tuple[list[Path], str | None]:
    """The stores to try, and the name to match (None when ``worker`` is empty or a store id)."""
    if worker and is_store_id(worker):
        return [store_path(worker)], None
    found = store_paths()
    if not found:
        raise CliError("no records on this laptop yet: run 'familyprivacy records init --worker NAME'")
    return found, worker or None


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
    """The worker's store (``worker``: their name, a store id, or None for whichever the passphrase opens),
    unlocked with a passphrase read as ``read_passphrase`` says."""
    candidates, name = _candidates(worker)
    return pick_store(candidates, read_passphrase(), name)


def _init(args: argparse.Namespace) -> int:
    if not args.worker or not args.worker.strip():
        raise CliError("say whose records these are with --worker NAME")
    passphrase = read_passphrase("New passphrase: ", confirm=True)
    if len(passphrase) < MIN_PASSPHRASE:
        raise CliError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    opened, _ = open_stores(passphrase, store_paths())
    try:
        if any(same_worker(store.worker_name(), args.worker) for store in opened):
            raise CliError("records already exist for this worker on this laptop (this passphrase opens "
                           "them); nothing was changed")
    finally:
        for store in opened:
            store.close()
    from familyprivacy.consent.store import Store

    path = new_store_path()
    with Store.create(path, passphrase, args.worker) as store:
        print(f"Created an empty, encrypted records store at {path}")
        print(f"Device id {store.device_id}; public key {store.device_public_key().hex()}")
    return 0


def _unlock_test(args: argparse.Namespace) -> int:
    candidates, name = _candidates(args.worker)
    passphrase = read_passphrase()
    started = time.perf_counter()
    with pick_store(candidates, passphrase, name):
        tried = f" (the passphrase tried on {len(candidates)} stores)" if len(candidates) > 1 else ""
        print(f"Unlocked in {time.perf_counter() - started:.2f} s{tried}")
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
        return _report(store)


def _report(store: Store) -> int:
    """Verify, and say what was found in plain words; 0 only when nothing is wrong."""
    try:
        report = store.verify()
    except IndexDamaged as exc:
        print(f"DAMAGED INDEX: {exc}")
        return 1
    except SavesLost as exc:
        print(f"LOST: {exc}")
        return 1
    except ChainBroken as exc:
        print(f"BROKEN at event seq {exc.seq}: {exc}")
        return 1
    print(f"OK: {report.describe()}")
    return 0


def _repair(args: argparse.Namespace) -> int:
    with _unlocked(args) as store:
        try:
            found = store.repair()
        except StoreCorrupt as exc:
            print(f"NOT REPAIRED: {exc}")
            return 1
        if found:
            print(f"Indexes rebuilt from the signed rows ({len(found)} problem(s) found in them)")
        else:
            print("The indexes are intact: nothing to rebuild")
        if args.accept_loss:
            accepted = store.accept_losses()
            print(f"{accepted} problem(s) on record accepted; they stay on record, and verify lists them"
                  if accepted else "No loss on record to accept")
        return _report(store)


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
                            help="whose records: the worker's name, or the store's id (default: the records "
                                 "the passphrase opens)")
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
    verify = add("verify", _verify, "check the hash chain, every signature, body and sync state, that no "
                                    "acknowledged save is missing, and the file's integrity")
    verify.add_argument("--locked", action="store_true",
                        help="without the passphrase: chain, signatures, the record of acknowledged saves "
                             "and the file's integrity (a store is then named by its id: --worker ID)")
    repair = add("repair", _repair, "rebuild damaged indexes from the signed rows, then verify")
    repair.add_argument("--accept-loss", action="store_true",
                        help="accept the losses verify reports (they stay on record) and carry on from here")
    export = add("export", _export, "everything still on this laptop, for the worker's own use")
    export.add_argument("--format", choices=("json",), default="json")
    export.add_argument("-o", "--output", help="write to this file instead of standard output")
