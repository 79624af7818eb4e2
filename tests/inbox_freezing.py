"""The inbox server, frozen at a chosen point of a push so that a test can SIGKILL it exactly there.

    python tests/inbox_freezing.py STAGE HEAD_SEQ FLAG_FILE <familyprivacy-server arguments>

runs ``familyprivacy-server`` with ``ingest.push_hook`` set: when a push that stores events
reaches STAGE ("inserted": its rows written, the transaction open; "committed": committed, the
reply not yet sent) with the device's chain head at HEAD_SEQ, the server writes FLAG_FILE and that
request waits for ever. The test waits for the file, not for a while, then kills the process.
(``InboxServer.start(freeze_at=...)`` in conftest_pg.py runs it.)
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from familyprivacy.server import cli, ingest

STAGES = ("inserted", "committed")


def main(argv: list[str]) -> int:
    stage, head_seq, flag = argv[0], int(argv[1]), Path(argv[2])
    if stage not in STAGES:
        raise SystemExit(f"inbox_freezing: the stage is one of {STAGES}, not {stage!r}")
    never = threading.Event()

    def freeze(reached: str, seq: int) -> None:
        if (reached, seq) == (stage, head_seq):
            partial = flag.with_name(flag.name + ".partial")
            partial.write_text(f"{reached} {seq}\n")
            partial.replace(flag)  # the test sees the whole file or none
            never.wait()  # this request never ends; the test kills the process

    ingest.push_hook = freeze
    return cli.main(argv[3:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
