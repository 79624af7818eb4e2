"""familyprivacy-server: run the consent inbox and administer its devices and team tokens.

The database URL comes from --db or FAMILYPRIVACY_SERVER_DB; without either,
a SQLite file ``familyprivacy-inbox.db`` in the current folder (one team, no
set-up). A council gives a PostgreSQL URL: postgresql+psycopg://user@host/db.

Bodies are sealed under keys kept outside the database (server/vault.py): --key-file or
FAMILYPRIVACY_SERVER_KEY_FILE, else ``<database file>.key`` beside a SQLite database (made on
first use). A PostgreSQL inbox must be given its key file.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

DEFAULT_DB = "sqlite:///familyprivacy-inbox.db"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="familyprivacy-server", description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("FAMILYPRIVACY_SERVER_DB", DEFAULT_DB),
                        help="database URL (default: %(default)s)")
    parser.add_argument("--key-file", default=None,
                        help="the body keys (default: FAMILYPRIVACY_SERVER_KEY_FILE, else beside a SQLite "
                             "database as <file>.key)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the inbox")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--workers", type=int, default=1, help="server processes sharing the database")
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema first")
    serve.add_argument("--rate-limit", type=int, help="pushes per device per window (default 120)")
    serve.add_argument("--rate-window", type=int, help="rate window in seconds (default 60)")
    serve.add_argument("--max-body", type=int, help="largest request in bytes (default 8 MiB)")
    serve.add_argument("--max-events", type=int, help="most events in one batch (default 1000)")
    serve.add_argument("--erase-after", type=int, help="seconds laptops keep a synced visit's content "
                       "before erasing it (default 0: at once)")
    sub.add_parser("migrate", help="upgrade the database schema to the newest version")
    devices = sub.add_parser("devices", help="enrol, list and revoke laptops")
    dsub = devices.add_subparsers(dest="action", required=True)
    add = dsub.add_parser("add", help="create a one-time enrolment code for a laptop")
    add.add_argument("--label", default="", help="a note for administrators, not a person's name")
    add.add_argument("--valid-hours", type=float, default=72)
    dsub.add_parser("list", help="list enrolled laptops")
    revoke = dsub.add_parser("revoke", help="revoke a laptop: its token stops working at once")
    revoke.add_argument("device_id")
    tokens = sub.add_parser("tokens", help="team tokens for export and actions")
    tsub = tokens.add_subparsers(dest="action", required=True)
    tadd = tsub.add_parser("add", help="create a team token (shown once)")
    tadd.add_argument("name")
    trevoke = tsub.add_parser("revoke", help="revoke every team token with this name")
    trevoke.add_argument("name")
    keys = sub.add_parser("keys", help="the keys that seal bodies at rest")
    ksub = keys.add_subparsers(dest="action", required=True)
    ksub.add_parser("new", help="put a new current key first in the key file (the old ones still open)")
    ksub.add_parser("rotate", help="seal every body again under the current key")
    ksub.add_parser("status", help="how many bodies each key seals")
    users = sub.add_parser("users", help="staff accounts for the team's pages (admin, team, governance)")
    usub = users.add_subparsers(dest="action", required=True)
    uadd = usub.add_parser("add", help="add someone; asks for their password twice")
    uadd.add_argument("name")
    uadd.add_argument("--role", choices=("admin", "team", "governance"), required=True)
    uadd.add_argument("--password-file", help="read the password from this file's first line, not the "
                                              "terminal (for scripted set-up)")
    usub.add_parser("list", help="list staff, their roles and whether they are locked out")
    for verb, words in (("unlock", "let a locked-out account sign in again"),
                        ("disable", "turn an account off (its sessions end at once)"),
                        ("enable", "turn an account on again"),
                        ("password", "set a new password (its sessions end at once)")):
        one = usub.add_parser(verb, help=words)
        one.add_argument("name")
        if verb == "password":
            one.add_argument("--password-file")
    digest = sub.add_parser("digest", help="the day's digest: withdrawals and referrals waiting, and which "
                                           "withdrawals are overdue; printed, or sent by SMTP when set up")
    digest.add_argument("--days", type=int, default=None,
                        help="a withdrawal not actioned within this many days is overdue (default: "
                             "FAMILYPRIVACY_SERVER_WITHDRAWAL_DAYS, else 5)")
    digest.add_argument("--send", action="store_true",
                        help="send it by e-mail (FAMILYPRIVACY_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, "
                             "_TO)")
    return parser


def _password(path: str | None, confirm: bool = True) -> str:
    """A new password: from a file's first line, else asked twice at the terminal (never echoed)."""
    import getpass

    if path:
        lines = Path(path).read_text("utf-8").splitlines()
        return lines[0] if lines else ""
    first = getpass.getpass("Password (at least 12 characters): ")
    if confirm and getpass.getpass("The same password again: ") != first:
        raise ValueError("the two passwords are not the same")
    return first


def _user_commands(args: argparse.Namespace, engine: object) -> int:
    from familyprivacy.server import staff

    if args.action == "add":
        person = staff.add_person(engine, args.name, args.role, _password(args.password_file))  # type: ignore[arg-type]
        print(f"Added {person.name} ({person.role}). They sign in at the inbox's address.")
    elif args.action == "list":
        for name, role, created, disabled, locked in staff.list_people(engine):  # type: ignore[arg-type]
            state = "turned off" if disabled else "locked out" if locked else "active"
            print(f"{name}\t{role}\t{state}\tadded {created:%Y-%m-%d}")
    elif args.action == "unlock":
        staff.unlock(engine, args.name)  # type: ignore[arg-type]
        print(f"{args.name} can sign in again.")
    elif args.action in ("disable", "enable"):
        if not staff.set_disabled(engine, args.name, args.action == "disable"):  # type: ignore[arg-type]
            print("There is nobody with that name.", file=sys.stderr)
            return 1
        print(f"{args.name} is turned {'off' if args.action == 'disable' else 'on'}.")
    elif args.action == "password":
        if not staff.set_password(engine, args.name, _password(args.password_file)):  # type: ignore[arg-type]
            print("There is nobody with that name.", file=sys.stderr)
            return 1
        print(f"New password set for {args.name}; their sessions have ended.")
    return 0


def _key_commands(args: argparse.Namespace) -> int:
    from sqlalchemy import select, update

    from familyprivacy.server import db, migrate, vault

    chosen = args.key_file or os.environ.get(vault.ENV_KEY_FILE)
    path = Path(chosen) if chosen else vault.default_key_file(args.db)
    if args.action == "new":
        if path is None:
            raise vault.VaultError("say which key file with --key-file")
        old = path.read_text("ascii").splitlines() if path.exists() else []
        vault.write_key_file(path, [vault.new_key_line(), *[x for x in old if x and not x.startswith("#")]])
        ring = vault.Keyring.parse(path.read_text("ascii").splitlines(), str(path))
        print(f"New current key {ring.current_id} in {path}. Restart the inbox, then run `keys rotate`.")
        return 0
    ring = vault.load(args.db, args.key_file)
    engine = db.make_engine(args.db)
    migrate.upgrade(engine)
    e = db.events.c
    counts: dict[str, int] = {}
    moved = 0
    while True:  # a thousand rows a transaction, so a large inbox never holds one long lock
        with engine.begin() as conn:
            rows = conn.execute(select(e.event_id, e.body).where(e.body.is_not(None)).order_by(e.event_id)
                                ).all() if args.action == "status" else conn.execute(
                select(e.event_id, e.body).where(e.body.is_not(None), ~e.body.startswith(
                    f"{vault.PREFIX}:{ring.current_id}:")).limit(1000)).all()
            if args.action == "status":
                for row in rows:
                    kid = vault.Keyring.key_id(row.body) or "(in clear)"
                    counts[kid] = counts.get(kid, 0) + 1
                break
            if not rows:
                break
            for row in rows:
                sealed = ring.seal(ring.open(row.body, row.event_id), row.event_id)
                conn.execute(update(db.events).where(e.event_id == row.event_id).values(body=sealed))
            moved += len(rows)
    if args.action == "rotate":  # the team's notes on actions are sealed too
        a = db.actions.c
        with engine.begin() as conn:
            for row in conn.execute(select(a.event_id, a.note).where(a.note.is_not(None))).all():
                if not row.note.startswith(f"{vault.PREFIX}:{ring.current_id}:"):
                    where = f"action:{row.event_id}"
                    conn.execute(update(db.actions).where(a.event_id == row.event_id)
                                 .values(note=ring.seal(ring.open(row.note, where), where)))
                    moved += 1
    if args.action == "status":
        for kid, count in sorted(counts.items()):
            where = "current" if kid == ring.current_id else ("in the key ring" if kid in dict(ring.keys)
                                                              else "NOT in the key ring")
            print(f"{kid}\t{count} bodies\t{where}")
        if not counts:
            print("No bodies stored yet.")
    else:
        print(f"Sealed {moved} bodies again under key {ring.current_id}.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from familyprivacy.server import db, migrate, vault

    try:
        vault.load(args.db, args.key_file, create=True)  # refuse to start without a usable key
    except vault.VaultError as exc:
        print(f"familyprivacy-server: {exc}", file=sys.stderr)
        return 2
    if not args.no_migrate:
        migrate.upgrade(db.make_engine(args.db))
    os.environ["FAMILYPRIVACY_SERVER_DB"] = args.db
    if args.key_file:
        os.environ[vault.ENV_KEY_FILE] = args.key_file
    for option, name in (("rate_limit", "RATE_LIMIT"), ("rate_window", "RATE_WINDOW"),
                         ("max_body", "MAX_BODY"), ("max_events", "MAX_EVENTS"),
                         ("erase_after", "ERASE_AFTER")):
        if getattr(args, option) is not None:
            os.environ[f"FAMILYPRIVACY_SERVER_{name}"] = str(getattr(args, option))
    uvicorn.run("familyprivacy.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, access_log=False, log_level="info")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet = args.command != "serve"  # admin commands print only their answer
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "serve":
        return _serve(args)
    from sqlalchemy.exc import SQLAlchemyError

    from familyprivacy.server import admin, db, migrate, vault

    try:
        if args.command == "keys":
            return _key_commands(args)
        engine = db.make_engine(args.db)
        migrate.upgrade(engine)
        if args.command == "migrate":
            print("The database schema is up to date.")
        elif args.command == "devices" and args.action == "add":
            code = admin.add_enrolment_code(engine, args.label, args.valid_hours)
            print(f"Enrolment code (one use, valid {args.valid_hours:g} hours):\n{code}")
        elif args.command == "devices" and args.action == "list":
            for d in admin.list_devices(engine):
                state = f"revoked {d.revoked_at:%Y-%m-%d}" if d.revoked_at else "active"
                seen = f"{d.last_seen_at:%Y-%m-%d %H:%M}" if d.last_seen_at else "never"
                print(f"{d.device_id}\t{d.label}\t{state}\tevents {d.head_seq}\tlast seen {seen}")
        elif args.command == "devices" and args.action == "revoke":
            if not admin.revoke_device(engine, args.device_id):
                print("No active device with that id.", file=sys.stderr)
                return 1
            print("Device revoked.")
        elif args.command == "tokens" and args.action == "add":
            print(f"Team token for {args.name} (shown once):\n{admin.add_team_token(engine, args.name)}")
        elif args.command == "tokens" and args.action == "revoke":
            print(f"Revoked {admin.revoke_team_token(engine, args.name)} token(s).")
        elif args.command == "users":
            return _user_commands(args, engine)
        elif args.command == "digest":
            from familyprivacy.server import digest as daily

            return daily.run(engine, args.days, args.send)
    except SQLAlchemyError as exc:
        print(f"The database could not be used: {type(exc).__name__}", file=sys.stderr)
        return 2
    except vault.VaultError as exc:
        print(f"familyprivacy-server: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:  # a staff name or password refused, a password file missing
        print(f"familyprivacy-server: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
