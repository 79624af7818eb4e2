"""The current state of every choice, derived from its decision events; and which changes may follow.

Nothing is edited in place: a change is a new decision whose ``replaces`` names
the one before. A decision is *current* when nothing replaces it. Within one
visit, a choice's decisions form a single line: the first has no ``replaces``,
each later one replaces the current one. The rules below keep that line honest
(e.g. only a consent that was given can be withdrawn or expire).
"""

from __future__ import annotations

from collections.abc import Iterable

from familyprivacy.consent.errors import DecisionConflict
from familyprivacy.consent.model import Decision, Visit

FIRST_STATUSES = frozenset({"given", "refused", "deferred"})
AFTER_GIVEN = frozenset({"withdrawn", "expired", "invalidated"})
AFTER_OTHER = frozenset({"given", "refused", "deferred", "invalidated"})


def current(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """Current decision per choice_id, from decisions in the order they were recorded."""
    latest: dict[str, Decision] = {}
    for decision in decisions:
        latest[decision.choice_id] = decision
    return latest


def check_next(visit: Visit, earlier: list[Decision], decision: Decision) -> None:
    """Raise DecisionConflict unless ``decision`` may follow ``earlier`` (this visit's, in order)."""
    if decision.visit_id != visit.visit_id:
        raise DecisionConflict("the decision belongs to another visit")
    people = {g.id for g in visit.grantors}
    children = {c.id for c in visit.children}
    if not set(decision.grantor_ids) <= people:
        raise DecisionConflict("decision.grantor_ids: names someone who is not in this visit")
    if not set(decision.child_ids) <= children:
        raise DecisionConflict("decision.child_ids: names a child who is not in this visit")
    if any(d.decision_id == decision.decision_id for d in earlier):
        raise DecisionConflict("a decision with this id is already recorded")
    now = current(earlier).get(decision.choice_id)
    if now is None:
        if decision.replaces is not None:
            raise DecisionConflict("decision.replaces: no earlier decision for this choice in this visit")
        if decision.status not in FIRST_STATUSES:
            raise DecisionConflict("a first decision for a choice must be given, refused or deferred")
        return
    if decision.replaces != now.decision_id:
        raise DecisionConflict("decision.replaces: must name the current decision for this choice")
    if decision.kind != now.kind:
        raise DecisionConflict("decision.kind: differs from the decision it replaces")
    allowed = AFTER_GIVEN if now.status == "given" else AFTER_OTHER
    if now.status in ("withdrawn", "expired", "invalidated"):
        allowed = FIRST_STATUSES
    if decision.status not in allowed:
        raise DecisionConflict("that status cannot follow the current one: only a given consent can be "
                               "withdrawn or expire, and a closed one can only be decided afresh")
