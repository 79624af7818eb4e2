"""Derived state always equals a simple model, whatever order give / refuse / defer / withdraw /
reopen / lock / unlock come in."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.errors import DecisionConflict, StoreLocked, WrongPassphrase
from familyprivacy.consent.model import Capture
from familyprivacy.consent.store import Store
from tests.test_consent_model import sample_decision, sample_visit

PASS = "stateful passphrase"
CHOICES = st.sampled_from(["help-and-support", "research", "early-help"])
CAPTURES = st.sampled_from([Capture("verbal", None, "Witness Wanda"),
                            Capture("signature", (((1, 2, 0), (3, 4, 8)),))])


def model_allows(current: str | None, new: str) -> bool:
    """The rules, said simply: only a given consent can be withdrawn, and it can only be withdrawn."""
    if current == "given":
        return new == "withdrawn"
    return new in ("given", "refused", "deferred")


class RecordsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="fp-stateful-"))
        self.store = Store.create(self.folder / "records.db", PASS, "Jo Caseworker",
                                  kdf=KdfParams.fast_for_tests())
        self.visit = sample_visit()
        self.store.record_visit(self.visit)
        self.model: dict[str, tuple[str, str]] = {}  # choice -> (status, decision_id)
        self.locked = False
        self.events = 1

    def _decide(self, choice: str, status: str, capture: Capture, grantor: str) -> None:
        now = self.model.get(choice)
        decision = sample_decision(self.visit, choice_id=choice, status=status, capture=capture,
                                   grantor_ids=(grantor,), replaces=now[1] if now else None)
        if self.locked:
            with pytest.raises(StoreLocked):
                self.store.record_decision(decision)
        elif model_allows(now[0] if now else None, status):
            self.store.record_decision(decision)
            self.model[choice] = (status, decision.decision_id)
            self.events += 1
        else:
            with pytest.raises(DecisionConflict):
                self.store.record_decision(decision)

    @rule(choice=CHOICES, capture=CAPTURES, grantor=st.sampled_from(["g1", "g2"]))
    def give(self, choice: str, capture: Capture, grantor: str) -> None:
        self._decide(choice, "given", capture, grantor)

    @rule(choice=CHOICES, capture=CAPTURES)
    def refuse(self, choice: str, capture: Capture) -> None:
        self._decide(choice, "refused", capture, "g1")

    @rule(choice=CHOICES, capture=CAPTURES)
    def defer(self, choice: str, capture: Capture) -> None:
        self._decide(choice, "deferred", capture, "g2")

    @rule(choice=CHOICES)
    def withdraw(self, choice: str) -> None:
        self._decide(choice, "withdrawn", Capture("verbal", None, "Witness Wanda"), "g1")

    @rule()
    def reopen(self) -> None:
        """Close the file and open it again, as after a restart: it comes back locked."""
        self.store.close()
        self.store = Store.open(self.folder / "records.db")
        self.locked = True

    @rule()
    def lock(self) -> None:
        self.store.lock()
        self.locked = True

    @rule(right=st.booleans())
    def unlock(self, right: bool) -> None:
        if right:
            self.store.unlock(PASS)
            self.locked = False
        else:
            with pytest.raises(WrongPassphrase):
                self.store.unlock(PASS + "?")

    @invariant()
    def derived_state_matches_the_model(self) -> None:
        assert self.store.is_unlocked is not self.locked
        if self.locked:
            return
        current = self.store.current_decisions(self.visit.visit_id)
        assert {c: (d.status, d.decision_id) for c, d in current.items()} == self.model
        assert sum(self.store.outbox_status().values()) == self.events

    def teardown(self) -> None:
        if not self.locked:
            assert self.store.verify().events == self.events
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


TestRecordsMachine = RecordsMachine.TestCase
TestRecordsMachine.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
