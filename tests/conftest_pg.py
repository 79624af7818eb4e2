"""Fixtures for the inbox and sync suites: a throwaway PostgreSQL cluster, a real inbox server
on loopback in a subprocess, and a small in-memory outbox that seals real events.

Test modules import the fixtures they use from here (pytest loads only conftest.py by itself).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from familyprivacy.consent.envelope import GENESIS, Envelope, public_key_bytes, seal
from tests.waiting import HANG_GUARD, wait_until

BACKENDS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- PostgreSQL -----------------------------------------------------------------------------------

def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PgCluster:
    """A cluster of our own in a temp folder, on a free port on 127.0.0.1, run as ``postgres`` when root."""

    def __init__(self, fsync: bool = False) -> None:
        bindir = _pg_bindir()
        if bindir is None:
            raise FileNotFoundError("PostgreSQL (initdb, pg_ctl) is not installed")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="fp-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_pg: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*self.as_pg, str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                        "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True)
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not fsync:
            options += " -c fsync=off -c synchronous_commit=off"
        subprocess.run([*self.as_pg, str(bindir / "pg_ctl"), "-D", str(self.data), "-l",
                        str(self.root / "log"), "-w", "-t", str(int(HANG_GUARD)), "-o", options, "start"],
                       check=True, capture_output=True)
        self.base = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.base}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


_shared: list[PgCluster] = []  # one cluster for the whole run, though each module imports the fixture


PG_MISSING = "PostgreSQL is not installed here (initdb not found)"  # tests/conftest.py counts these skips


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def pg_cluster(request: pytest.FixtureRequest) -> PgCluster:
    if _pg_bindir() is None:
        if under_ci():  # CI must run them: a skip there would hide a missing install step
            pytest.fail(f"{PG_MISSING}, and CI must run the PostgreSQL tests: tools/system-deps.sh "
                        "installs it", pytrace=False)
        pytest.skip(f"{PG_MISSING}; tools/system-deps.sh installs it")
    if not _shared:
        _shared.append(PgCluster())
        request.config.add_cleanup(_shared[0].stop)  # at the end of the session
    return _shared[0]


def make_db_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / ('inbox-' + uuid.uuid4().hex[:8] + '.db')}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database()


# --- the inbox server ------------------------------------------------------------------------------

class InboxServer:
    """``familyprivacy-server serve`` in a subprocess; can be killed and restarted on the same port."""

    def __init__(self, db_url: str, log_dir: Path, *extra: str) -> None:
        from familyprivacy.server import db, migrate, vault

        self.db_url = db_url
        # The bodies' key, outside the database; servers started in one folder share it (a cluster).
        self.key_file = log_dir / "inbox.key"
        self.keyring = vault.load(db_url, str(self.key_file), create=True)
        self.engine = db.make_engine(db_url)
        migrate.upgrade(self.engine)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self.freeze_flag: Path | None = None

    def start(self, freeze_at: tuple[str, int] | None = None) -> None:
        """Start, and return once the server answers. With ``freeze_at=(stage, head_seq)`` the server
        freezes at that point of a push (tests/inbox_freezing.py); ``wait_frozen`` waits for it."""
        command = [sys.executable, "-m", "familyprivacy.server.cli"]
        self.freeze_flag = None
        if freeze_at is not None:
            self.freeze_flag = self.log_path.with_name(f"frozen-{uuid.uuid4().hex[:8]}")
            command = [sys.executable, str(Path(__file__).with_name("inbox_freezing.py")), freeze_at[0],
                       str(freeze_at[1]), str(self.freeze_flag)]
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [*command, "--db", self.db_url, "--key-file", str(self.key_file), "serve", "--no-migrate",
             "--host", "127.0.0.1", "--port", str(self.port), *self.extra],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(self._answers, f"the inbox server on port {self.port} to answer /v1/health")

    def _answers(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError("the inbox server exited:\n" + self.log())
        try:
            return httpx.get(self.url + "/v1/health", timeout=HANG_GUARD).status_code == 200
        except httpx.TransportError:
            return False

    def wait_frozen(self, pusher: threading.Thread | None = None) -> str:
        """Wait until the server started with ``freeze_at`` has frozen there; the flag's "stage seq".

        Fails at once, naming why, if the server died or ``pusher`` (the thread whose push was to
        freeze it) ended first: the kill point was never reached."""
        flag = self.freeze_flag
        assert flag is not None, "started without freeze_at"

        def frozen() -> bool:
            if flag.exists():
                return True
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError("the inbox server exited before freezing:\n" + self.log())
            if pusher is not None and not pusher.is_alive() and not flag.exists():
                raise AssertionError(f"the push ended before the server froze at {flag.name}: "
                                     "the kill point was never reached")
            return False

        wait_until(frozen, f"the inbox server to freeze at {flag.name}")
        return flag.read_text().strip()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(HANG_GUARD)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.engine.dispose()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def enrol(self, outbox: FakeOutbox) -> str:
        """Enrol through the HTTP API with a fresh code, as a laptop would; the outbox keeps the token."""
        from familyprivacy.server import admin
        from familyprivacy.sync.client import InboxClient

        code = admin.add_enrolment_code(self.engine, "test laptop")
        with InboxClient(self.url) as client:
            token = client.enrol(code, outbox.device_id, outbox.device_public_key())
        outbox.set_secret("inbox-device-token", token)
        return token

    def count(self, device_id: str | None = None) -> int:
        return len(self.event_ids(device_id))

    def event_ids(self, device_id: str | None = None) -> list[str]:
        from sqlalchemy import select

        from familyprivacy.server import db

        stmt = select(db.events.c.event_id)
        if device_id:
            stmt = stmt.where(db.events.c.device_id == device_id)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]


def start_server(backend: str, tmp: Path, request: pytest.FixtureRequest, *extra: str,
                 freeze_at: tuple[str, int] | None = None) -> InboxServer:
    server = InboxServer(make_db_url(backend, tmp, request), tmp, *extra)
    server.start(freeze_at)
    request.addfinalizer(server.stop)
    return server


# --- a fake outbox with real sealed events -------------------------------------------------------

GRANTOR = {"id": "g1", "name": "Aleksandra Nowak", "relationship": "mother"}
CHILDREN = [{"id": "c1", "name": "Zofia Nowak", "date_of_birth": "2019-04-30"},
            {"id": "c2", "name": "Jan Nowak"}]


def visit_body(visit_id: str, notice_id: str = "stockton/childrens-social-care") -> dict[str, Any]:
    return {"visit_id": visit_id, "council_id": notice_id.split("/")[0], "notice_id": notice_id,
            "case_reference": "CH-12345", "grantors": [GRANTOR], "children": CHILDREN,
            "worker": {"name": "Sam Worker", "id": "w1"}, "started_at": "2026-11-23T10:00:00+00:00",
            "ended_at": "2026-11-23T11:00:00+00:00", "language": "pl",
            "content_fingerprint": "sha256:" + "f" * 64,
            "sections_shown": [{"section_id": "who-we-are", "language": "pl"}],
            "interpreter": {"mode": "phone", "language": "pl", "reference": "INT-9"}}


def decision_body(visit_id: str, n: int, status: str = "given", choice: str = "help-and-support",
                  kind: str = "service-agreement", children: tuple[str, ...] = ("c1",),
                  recorded_at: str = "2026-11-23T10:30:00+00:00") -> dict[str, Any]:
    return {"decision_id": f"{visit_id}-d{n}", "visit_id": visit_id, "choice_id": choice, "kind": kind,
            "status": status, "grantor_ids": ["g1"], "child_ids": list(children),
            "capture": {"method": "verbal", "signature_strokes": None, "witness": "Pat Witness"},
            "replaces": None, "reason": None, "recorded_by": "w1", "recorded_at": recorded_at,
            "local_offset": "+00:00", "language": "pl", "content_fingerprint": "sha256:" + "f" * 64}


class FakeOutbox:
    """The store's outbox contract, in memory, with events sealed by a real Ed25519 key."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.device_id = "dev-" + uuid.uuid4().hex[:12]
        self.events: list[Envelope] = []
        self.state: dict[str, str] = {}
        self.reasons: dict[str, str] = {}
        self.confirm_log: list[list[str]] = []
        self.erase_periods: list[float] = []
        self.before_confirm: Callable[[list[str]], None] | None = None
        self.secrets: dict[str, str] = {}  # the store keeps these encrypted; in memory here
        self._lock = threading.Lock()

    def append(self, kind: str, body: dict[str, Any], notice_id: str = "stockton/childrens-social-care",
               recorded_at: str = "2026-11-23T10:30:00Z") -> Envelope:
        prev = self.events[-1].hash if self.events else GENESIS
        header = {"event_id": uuid.uuid4().hex, "device_id": self.device_id, "seq": len(self.events) + 1,
                  "prev": prev, "type": kind, "council_id": notice_id.split("/")[0], "notice_id": notice_id,
                  "recorded_at": recorded_at}
        env = seal(header, body, self.key)
        self.events.append(env)
        self.state[env.event_id] = "waiting"
        return env

    def add_visits(self, visits: int, decisions_per_visit: int = 2, **decision: Any) -> None:
        for _ in range(visits):
            visit_id = "v-" + uuid.uuid4().hex[:10]
            self.append("visit", visit_body(visit_id))
            for n in range(decisions_per_visit):
                self.append("decision", decision_body(visit_id, n, **decision))

    def device_public_key(self) -> bytes:
        return public_key_bytes(self.key)

    def secret(self, name: str) -> str | None:
        return self.secrets.get(name)

    def set_secret(self, name: str, value: str) -> None:
        self.secrets[name] = value

    def outbox_pending(self, limit: int) -> list[Envelope]:
        with self._lock:
            return [e for e in self.events if self.state[e.event_id] != "confirmed"][:limit]

    def mark_sent(self, event_ids: list[str]) -> None:
        with self._lock:
            for i in event_ids:
                if self.state[i] != "confirmed":
                    self.state[i] = "sent"

    def mark_confirmed(self, event_ids: list[str]) -> None:
        if self.before_confirm:
            self.before_confirm(event_ids)
        with self._lock:
            self.confirm_log.append(list(event_ids))
            for i in event_ids:
                self.state[i] = "confirmed"

    def mark_problem(self, event_ids: list[str], reason: str) -> None:
        with self._lock:
            for i in event_ids:
                self.state[i] = "problem"
                self.reasons[i] = reason

    def outbox_status(self) -> dict[str, int]:
        with self._lock:
            counts = Counter(self.state.values())
        return {s: counts.get(s, 0) for s in ("waiting", "sent", "confirmed", "problem")}

    def erase_confirmed_bodies(self, older_than_seconds: float = 0) -> int:
        """Erases at once when the period is 0; a longer period has not passed yet in a test."""
        with self._lock:
            self.erase_periods.append(older_than_seconds)
            if older_than_seconds > 0:
                return 0
            erased = 0
            for i, env in enumerate(self.events):
                if self.state[env.event_id] == "confirmed" and env.body is not None:
                    self.events[i] = Envelope(env.header, None, env.hash, env.signature)
                    erased += 1
            return erased
