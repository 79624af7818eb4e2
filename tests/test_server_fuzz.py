"""Schemathesis fuzzes the inbox from its own OpenAPI document: no input may give a 500, and every
answer must fit the document (status, content type, body).

`make test` runs a bounded number of examples per operation; `make fuzz` runs many more
(FAMILYPRIVACY_FUZZ_EXAMPLES). The seed is printed; FAMILYPRIVACY_TEST_SEED replays a run.
"""

from __future__ import annotations

import atexit
import base64
import os
import shutil
import tempfile
from pathlib import Path

import hypothesis
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from familyprivacy.server import admin, db, ingest, migrate, vault
from familyprivacy.server.app import Limits, create_app
from tests.conftest_pg import FakeOutbox
from tests.waiting import pick_seed

EXAMPLES = int(os.environ.get("FAMILYPRIVACY_FUZZ_EXAMPLES", "40"))
SEED = pick_seed("schemathesis fuzzing of the inbox")

_folder = Path(tempfile.mkdtemp(prefix="inbox-fuzz-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
_engine = db.make_engine(f"sqlite:///{_folder / 'inbox.db'}")
migrate.upgrade(_engine)
_keyring = vault.Keyring.parse([vault.new_key_line()], "test")
_app = create_app(_engine, _keyring, Limits(rate_limit=10**9))
TEAM = admin.add_team_token(_engine, "Fuzz team")


def _device_token() -> str:
    """A real enrolled laptop with a visit stored, so pushes reach the event checks and exports
    have a record to show."""
    laptop = FakeOutbox()
    laptop.add_visits(1)
    token = ingest.enrol(_engine, admin.add_enrolment_code(_engine), laptop.device_id,
                         base64.b64encode(laptop.device_public_key()).decode())
    stored = ingest.push(_engine, token, [e.to_wire() for e in laptop.events], _keyring)
    assert {r.outcome for r in stored} == {"stored"}, stored
    return token


DEVICE = _device_token()
schema = schemathesis.openapi.from_asgi("/v1/openapi.json", _app)


@schema.auth()
class _Tokens:
    """A real device token for pushes, a team token for the rest; Schemathesis also tries without."""

    def get(self, case: Case, context: object) -> str:
        return DEVICE if case.operation.path == "/v1/events" else TEAM

    def set(self, case: Case, data: str, context: object) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@hypothesis.seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
def test_no_input_gives_a_500_or_an_answer_outside_the_document(case: Case) -> None:
    # Some valid-looking requests are rightly refused, so "valid data is accepted" is not checked on
    # them: a generator cannot sign an event (422, as the document says), nor make an export cursor
    # that only a page can make (400). Every other check, "no 500" and "fits the document" among
    # them, runs on every operation.
    unforgeable = case.operation.path == "/v1/events" or "after" in (case.query or {})
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if unforgeable else [])
