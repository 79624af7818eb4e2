"""The people who use the team's pages: accounts, sign-in, sessions, and the log of what they saw.

Roles: *team* sees and actions decisions; *governance* also sees the access log and the laptops;
*admin* also manages staff, laptops and team tokens. The first admin is made on the command line
(``familyprivacy-server users add NAME --role admin``).

Passwords are hashed with Argon2id (cryptography's, the PHC string stored). Failed sign-ins are counted
per account and per address in the database, so every server process sees them: after
``FREE_FAILURES`` failures each further attempt must wait twice as long as the last (1, 2, 4 … seconds,
at most ``MAX_WAIT``), and ``LOCK_AFTER`` failures lock the account until an admin unlocks it. A locked
account does not lock anyone else's. A session is a random token in a cookie, signed with a key held
outside the database; only the token's hash is stored, with the time it was last used, so a session
ends after ``IDLE`` without use (and after ``LONGEST`` in all) or when its person signs out.

Every view of a decision's page, every export and every change is written to the access log (who,
when, what, from where), so a council can answer "who looked at this family's record".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from familyprivacy.server import db
from familyprivacy.server.tokens import digest

ROLES = ("team", "governance", "admin")
FREE_FAILURES = 3
LOCK_AFTER = 20
MAX_WAIT = timedelta(minutes=15)
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
MIN_PASSWORD = 12
FORGET_AFTER = timedelta(hours=1)  # failures below the lock are forgotten after an hour without one
_TOUCH_EVERY = timedelta(minutes=1)  # a session's last use is written at most this often


class StaffError(ValueError):
    """A request about staff that cannot be done; the message says why, in plain words."""


@dataclass(frozen=True)
class Person:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this person has ``role``'s rights (admin has governance's, governance has team's)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands zones back stripped


def clean_name(name: str) -> str:
    """A staff name as stored: NFC, trimmed; letters, digits, spaces and . _ @ - only, 1 to 100."""
    name = unicodedata.normalize("NFC", name).strip()
    if not 1 <= len(name) <= 100 or not all(ch.isalnum() or ch in " ._@-" for ch in name):
        raise StaffError("a name is 1 to 100 letters, digits, spaces or . _ @ -")
    return name


# -- passwords -------------------------------------------------------------------------------------------
def _kdf(salt: bytes) -> Argon2id:
    return Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=64 * 1024)


def hash_password(password: str) -> str:
    return _kdf(secrets.token_bytes(16)).derive_phc_encoded(password.encode("utf-8"))


def password_matches(password: str, stored: str) -> bool:
    try:
        Argon2id.verify_phc_encoded(password.encode("utf-8"), stored)
        return True
    except (InvalidKey, ValueError):
        return False


# A password checked for a name that does not exist costs the same as a real one, so the time taken
# does not tell which names are staff.
_DUMMY = hash_password(secrets.token_urlsafe(16))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"a password is at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise StaffError("a password is at most 1000 characters")


# -- accounts --------------------------------------------------------------------------------------------
def add_person(engine: Engine, name: str, role: str, password: str) -> Person:
    name = clean_name(name)
    if role not in ROLES:
        raise StaffError("role must be admin, team or governance")
    check_password_rules(password)
    try:
        with engine.begin() as conn:
            conn.execute(insert(db.staff).values(name=name, role=role, password_hash=hash_password(password),
                                                 created_at=now()))
    except IntegrityError:
        raise StaffError(f"there is already someone called {name!r}") from None
    return Person(name, role)


def list_people(engine: Engine) -> list[tuple[str, str, datetime, datetime | None, bool]]:
    """(name, role, created, disabled, locked out) for everyone, by name."""
    s = db.staff.c
    with engine.connect() as conn:
        rows = conn.execute(select(s.name, s.role, s.created_at, s.disabled_at).order_by(s.name)).all()
        locked = {r.key[5:] for r in conn.execute(select(db.signin_limits.c.key).where(
            db.signin_limits.c.key.like("user:%"), db.signin_limits.c.failures >= LOCK_AFTER))}
    return [(r.name, r.role, r.created_at, r.disabled_at, r.name in locked) for r in rows]


def set_disabled(engine: Engine, name: str, disabled: bool) -> bool:
    s = db.staff.c
    with engine.begin() as conn:
        done = conn.execute(update(db.staff).where(s.name == name)
                            .values(disabled_at=now() if disabled else None)).rowcount
        if disabled:
            conn.execute(delete(db.staff_sessions).where(db.staff_sessions.c.name == name))
    return bool(done)


def set_password(engine: Engine, name: str, password: str) -> bool:
    check_password_rules(password)
    with engine.begin() as conn:
        done = conn.execute(update(db.staff).where(db.staff.c.name == name)
                            .values(password_hash=hash_password(password))).rowcount
        conn.execute(delete(db.staff_sessions).where(db.staff_sessions.c.name == name))
    return bool(done)


def unlock(engine: Engine, name: str) -> None:
    """Let a locked-out account sign in again (its failures are forgotten)."""
    with engine.begin() as conn:
        conn.execute(delete(db.signin_limits).where(db.signin_limits.c.key == f"user:{name}"))


def count_admins(engine: Engine) -> int:
    s = db.staff.c
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.staff)
                                .where(s.role == "admin", s.disabled_at.is_(None))).scalar_one())


# -- signing in ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignInResult:
    person: Person | None
    problem: str = ""  # what to tell the person when ``person`` is None
    wait_seconds: int = 0


def _wait(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_WAIT)


def sign_in(engine: Engine, name: str, password: str, address: str,
            at: datetime | None = None) -> SignInResult:
    """Check ``name`` and ``password`` from ``address``, within the limits on failures."""
    moment = at or now()
    try:
        name = clean_name(name)
    except StaffError:
        name = ""
    keys = [f"user:{name}", f"addr:{address[:100]}"]
    with engine.connect() as conn:
        limits = {r.key: (r.failures, _utc(r.last_failure_at)) for r in conn.execute(
            select(db.signin_limits).where(db.signin_limits.c.key.in_(keys)))}
        row = conn.execute(select(db.staff).where(db.staff.c.name == name)).first() if name else None
    # Failures an hour old are forgotten (not a lock): an office behind one address must not wait for
    # ever because of a morning's typing.
    stale = {k for k, (failures, last) in limits.items()
             if failures < LOCK_AFTER and moment - last > FORGET_AFTER}
    limits = {k: v for k, v in limits.items() if k not in stale}
    user_failures = limits.get(keys[0], (0, moment))[0]
    if user_failures >= LOCK_AFTER:
        return SignInResult(None, "This account is locked after too many wrong passwords. "
                                  "Ask an administrator to unlock it.")
    for failures, last in limits.values():
        ready = last + _wait(failures)
        if moment < ready:
            seconds = max(1, int((ready - moment).total_seconds() + 0.999))
            return SignInResult(None, f"Too many wrong passwords. Wait {seconds} seconds and try again.",
                                seconds)
    good = password_matches(password, row.password_hash if row is not None else _DUMMY)
    if row is None or not good or row.disabled_at is not None:
        _failed(engine, keys if name else keys[1:], moment, stale)
        if row is not None and good:
            return SignInResult(None, "This account has been turned off.")
        return SignInResult(None, "That name and password do not match.")
    with engine.begin() as conn:
        conn.execute(delete(db.signin_limits).where(db.signin_limits.c.key == keys[0]))
    return SignInResult(Person(row.name, row.role))


def _failed(engine: Engine, keys: list[str], moment: datetime, stale: set[str]) -> None:
    """One more failure for each key; a ``stale`` key counts from one again."""
    limits = db.signin_limits.c
    for _attempt in range(3):  # two processes may count the first failure at once
        try:
            with engine.begin() as conn:
                for key in keys:
                    count = 1 if key in stale else limits.failures + 1
                    changed = conn.execute(update(db.signin_limits).where(limits.key == key).values(
                        failures=count, last_failure_at=moment)).rowcount
                    if not changed:
                        conn.execute(insert(db.signin_limits).values(key=key, failures=1,
                                                                     last_failure_at=moment))
            return
        except IntegrityError:
            continue


# -- sessions --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    person: Person
    csrf: str
    token_hash: str


def _sign(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def start_session(engine: Engine, person: Person, secret: bytes) -> str:
    """A new session for ``person``; returns the cookie's value (a token and its signature)."""
    token = secrets.token_urlsafe(32)
    moment = now()
    with engine.begin() as conn:
        conn.execute(insert(db.staff_sessions).values(token_hash=digest(token), name=person.name,
                                                      csrf=secrets.token_urlsafe(32), created_at=moment,
                                                      last_seen_at=moment))
        # Sessions long over are cleared as new ones start.
        conn.execute(delete(db.staff_sessions).where(or_(
            db.staff_sessions.c.last_seen_at < moment - IDLE,
            db.staff_sessions.c.created_at < moment - LONGEST)))
    return f"{token}.{_sign(secret, token)}"


def find_session(engine: Engine, cookie: str | None, secret: bytes,
                 at: datetime | None = None) -> Session | None:
    """The live session ``cookie`` names, or None (forged, unknown, idle too long, or its person turned
    off). Using a session keeps it alive."""
    if not cookie or len(cookie) > 200 or "." not in cookie:
        return None
    token, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(secret, token)):
        return None
    moment = at or now()
    s, p = db.staff_sessions.c, db.staff.c
    with engine.connect() as conn:
        row = conn.execute(select(s.token_hash, s.csrf, s.created_at, s.last_seen_at, p.name, p.role,
                                  p.disabled_at)
                           .select_from(db.staff_sessions.join(db.staff, p.name == s.name))
                           .where(s.token_hash == digest(token))).first()
    if row is None or row.disabled_at is not None:
        return None
    if moment - _utc(row.last_seen_at) > IDLE or moment - _utc(row.created_at) > LONGEST:
        end_session(engine, row.token_hash)
        return None
    if moment - _utc(row.last_seen_at) > _TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(update(db.staff_sessions).where(s.token_hash == row.token_hash)
                         .values(last_seen_at=moment))
    return Session(Person(row.name, row.role), row.csrf, row.token_hash)


def end_session(engine: Engine, token_hash: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(db.staff_sessions).where(db.staff_sessions.c.token_hash == token_hash))


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


# -- the access log --------------------------------------------------------------------------------------
def log(engine: Engine, person: str, what: str, target: str, address: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(db.access_log).values(at=now(), name=person[:100], what=what[:40],
                                                  target=target[:400], address=address[:100]))


@dataclass(frozen=True)
class LogLine:
    at: datetime
    name: str
    what: str
    target: str
    address: str


def search_log(engine: Engine, target: str = "", name: str = "", limit: int = 200,
               before: int | None = None) -> tuple[list[LogLine], int | None]:
    """Lines of the access log, newest first, about ``target`` (a decision, visit or device id, or part
    of an export's filter) and by ``name``; and the id to ask ``before`` for the next page."""
    a = db.access_log.c
    stmt = select(a.id, a.at, a.name, a.what, a.target, a.address).order_by(a.id.desc()).limit(limit + 1)
    conditions = []
    if target:
        conditions.append(a.target == target[:400])
    if name:
        conditions.append(a.name == name[:100])
    if before is not None:
        conditions.append(a.id < before)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    more = rows[limit].id if len(rows) > limit else None
    return [LogLine(_utc(r.at), r.name, r.what, r.target, r.address) for r in rows[:limit]], (
        rows[limit - 1].id if more is not None else None)
