"""The day's digest for the team: withdrawals and referrals waiting, and the withdrawals overdue.

``familyprivacy-server digest`` prints it (for a scheduled job to mail or post), or with ``--send``
sends it by SMTP (STARTTLS) when FAMILYPRIVACY_SMTP_HOST and FAMILYPRIVACY_SMTP_TO are set. It names no
family: e-mail is not a safe place for personal data, so it gives counts, dates, choices and a link
to each overdue decision's page (FAMILYPRIVACY_SERVER_URL is the inbox's address for those links).
"""

from __future__ import annotations

import os
import smtplib
import sys
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import Engine, false, select

from familyprivacy.server import db, web

MAX_LISTED = 200


def overdue(engine: Engine, days: int) -> list[tuple[str, str, str]]:
    """(event id, recorded at, choice id) of each withdrawal not actioned within ``days``, oldest first."""
    e = db.events.c
    before = web.overdue_before(days)
    stmt = (select(e.event_id, e.recorded_at, e.choice_id)
            .where(e.type == "decision", e.status == "withdrawn", e.actioned == false(),
                   e.recorded_at < before)
            .order_by(e.recorded_at, e.event_id).limit(MAX_LISTED + 1))
    with engine.connect() as conn:
        return [(r.event_id, r.recorded_at, r.choice_id or "") for r in conn.execute(stmt)]


def build(engine: Engine, days: int, base_url: str = "") -> str:
    counts = web.front_counts(engine, days)
    late = overdue(engine, days)
    lines = [f"Consent inbox: the team's digest for {datetime.now(UTC):%A %d %B %Y}", "",
             f"Withdrawals not yet actioned: {counts['withdrawals']}",
             f"Referrals waiting (service agreements given, not yet actioned): {counts['referrals']}",
             f"Withdrawals overdue (more than {days} days): {counts['overdue']}"]
    if late:
        lines += ["", "Overdue withdrawals, oldest first. A family withdrew their consent: act on it now."]
        for event_id, recorded_at, choice in late[:MAX_LISTED]:
            link = f"{base_url.rstrip('/')}/decisions/{event_id}" if base_url else f"decision {event_id}"
            lines.append(f"- withdrawn {recorded_at[:10]}, {choice}: {link}")
        if len(late) > MAX_LISTED:
            lines.append("- and more: see the front page")
    return "\n".join(lines) + "\n"


def run(engine: Engine, days: int | None, send: bool) -> int:
    chosen = days if days is not None else web.settings_from_env().withdrawal_days
    if not 0 < chosen < 366:
        print("familyprivacy-server: --days is a number of days from 1 to 365", file=sys.stderr)
        return 2
    text = build(engine, chosen, os.environ.get("FAMILYPRIVACY_SERVER_URL", ""))
    if not send:
        print(text, end="")
        return 0
    host, to = os.environ.get("FAMILYPRIVACY_SMTP_HOST"), os.environ.get("FAMILYPRIVACY_SMTP_TO")
    if not host or not to:
        print("familyprivacy-server: to send the digest, set FAMILYPRIVACY_SMTP_HOST and "
              "FAMILYPRIVACY_SMTP_TO", file=sys.stderr)
        return 2
    message = EmailMessage()
    message["Subject"] = "Consent inbox: the team's digest"
    message["From"] = os.environ.get("FAMILYPRIVACY_SMTP_FROM", to.split(",")[0])
    message["To"] = to
    message.set_content(text)
    port = int(os.environ.get("FAMILYPRIVACY_SMTP_PORT", "587"))
    try:
        with smtplib.SMTP(host, port, timeout=60) as smtp:
            smtp.starttls()
            user = os.environ.get("FAMILYPRIVACY_SMTP_USER")
            if user:
                smtp.login(user, os.environ.get("FAMILYPRIVACY_SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        print(f"familyprivacy-server: the digest could not be sent: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return 1
    print(f"Digest sent to {to}.")
    return 0
