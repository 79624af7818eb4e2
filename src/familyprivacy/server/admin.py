"""What an administrator does from the command line: enrolment codes, devices, team tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update

from familyprivacy.server import db
from familyprivacy.server.tokens import digest, new_secret


def now() -> datetime:
    return datetime.now(UTC)


def add_enrolment_code(engine: Engine, label: str = "", valid_hours: float = 72) -> str:
    """A one-time code a laptop trades for its device token; only its hash is kept."""
    code = new_secret()
    created = now()
    with engine.begin() as conn:
        conn.execute(db.enrolment_codes.insert().values(
            code_hash=digest(code), label=label[:200], created_at=created,
            expires_at=created + timedelta(hours=valid_hours), used_at=None, device_id=None))
    return code


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    label: str
    enrolled_at: datetime
    revoked_at: datetime | None
    head_seq: int
    last_seen_at: datetime | None


def list_devices(engine: Engine) -> list[DeviceRow]:
    d = db.devices.c
    with engine.connect() as conn:
        rows = conn.execute(select(d.device_id, d.label, d.enrolled_at, d.revoked_at, d.head_seq,
                                   d.last_seen_at).order_by(d.enrolled_at)).all()
    return [DeviceRow(*row) for row in rows]


def revoke_device(engine: Engine, device_id: str) -> bool:
    with engine.begin() as conn:
        result = conn.execute(update(db.devices).where(db.devices.c.device_id == device_id,
                                                       db.devices.c.revoked_at.is_(None))
                              .values(revoked_at=now()))
    return bool(result.rowcount)


def add_team_token(engine: Engine, name: str) -> str:
    """A token for the team's export and actions; shown once, kept as a hash."""
    token = new_secret()
    with engine.begin() as conn:
        conn.execute(db.team_tokens.insert().values(token_hash=digest(token), name=name[:200],
                                                    created_at=now(), revoked_at=None))
    return token


def revoke_team_token(engine: Engine, name: str) -> int:
    with engine.begin() as conn:
        result = conn.execute(update(db.team_tokens).where(db.team_tokens.c.name == name,
                                                           db.team_tokens.c.revoked_at.is_(None))
                              .values(revoked_at=now()))
    return int(result.rowcount)
