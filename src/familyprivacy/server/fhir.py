"""Recorded decisions as HL7 FHIR R5 Consent resources, the shape care systems read.

Mapping of a decision's status (W3C DPV) to R5:
given → active/permit; refused → active/deny; deferred → draft (no decision yet);
withdrawn → inactive/deny (the family now says no); expired → inactive;
invalidated → entered-in-error.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

SYSTEM = "urn:familyprivacy"
LOINC_CONSENT = {"system": "http://loinc.org", "code": "59284-0", "display": "Consent Document"}
KIND_DISPLAY = {"service-agreement": "Agreement to a voluntary service",
                "data-consent": "Consent as the lawful basis for using data",
                "information-only": "Information given; no choice exists"}
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
STATUS_MAP: dict[str, tuple[str, str | None]] = {
    "given": ("active", "permit"), "refused": ("active", "deny"), "deferred": ("draft", None),
    "withdrawn": ("inactive", "deny"), "expired": ("inactive", None),
    "invalidated": ("entered-in-error", None),
}


def _people(visit: dict[str, Any] | None, key: str) -> dict[str, dict[str, Any]]:
    if not visit or not isinstance(visit.get(key), list):
        return {}
    return {str(p["id"]): p for p in visit[key] if isinstance(p, dict) and "id" in p}


def _ref(kind: str, person_id: str, person: dict[str, Any] | None) -> dict[str, Any]:
    ref: dict[str, Any] = {"type": kind, "identifier": {"system": f"{SYSTEM}:{kind.lower()}",
                                                       "value": person_id}}
    if person and isinstance(person.get("name"), str) and person["name"]:
        ref["display"] = person["name"]
    return ref


def _patient(child_id: str, child: dict[str, Any] | None, index: int) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": f"child{index}",
                               "identifier": [{"system": f"{SYSTEM}:child", "value": child_id}]}
    if child and isinstance(child.get("name"), str) and child["name"]:
        patient["name"] = [{"text": child["name"]}]
    if child and isinstance(child.get("date_of_birth"), str):
        try:
            patient["birthDate"] = date.fromisoformat(child["date_of_birth"][:10]).isoformat()
        except ValueError:
            pass  # not a date: leave it out rather than export an invalid resource
    return patient


def signoff_text(visit: dict[str, Any], scope: str) -> str:
    """The sign-off of the content the family was shown, as the laptop recorded it: who, their role,
    when, the fingerprint; "not signed off"; "not applicable" for a translation when English was
    shown; "" for a record made before sign-off was recorded."""
    state = visit.get("content_signoff")
    if not isinstance(state, dict):
        return ""
    signed = state.get(scope)
    if isinstance(signed, dict) and all(isinstance(signed.get(k), str) for k in ("by", "role", "at")):
        return (f"signed off by {signed['by']} ({signed['role']}) at {signed['at']}; "
                f"{signed.get('fingerprint', '')}")
    if scope == "translation" and visit.get("language") == "en":
        return "not applicable"
    return "not signed off"


def consent(event_id: str, decision: dict[str, Any], visit: dict[str, Any] | None,
            notice_id: str) -> dict[str, Any]:
    """One decision event as a Consent; the children are contained, the grantors named by reference."""
    fhir_id = event_id if _FHIR_ID.fullmatch(event_id) else hashlib.sha256(event_id.encode()).hexdigest()[:64]
    status, verdict = STATUS_MAP[decision["status"]]
    children = _people(visit, "children")
    grantors = _people(visit, "grantors")
    child_ids = [str(c) for c in decision.get("child_ids", [])]
    contained = [_patient(cid, children.get(cid), i) for i, cid in enumerate(child_ids, 1)]
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": fhir_id,
        "meta": {"source": f"{SYSTEM}:event:{event_id}"},
        "identifier": [{"system": f"{SYSTEM}:event", "value": event_id},
                       {"system": f"{SYSTEM}:decision", "value": decision["decision_id"]}],
        "status": status,
        "category": [{"coding": [LOINC_CONSENT]},
                     {"coding": [{"system": f"{SYSTEM}:consent-kind", "code": decision["kind"],
                                  "display": KIND_DISPLAY[decision["kind"]]}]}],
        "date": str(decision["recorded_at"])[:10],
        "grantor": [_ref("RelatedPerson", str(g), grantors.get(str(g)))
                    for g in decision.get("grantor_ids", [])],
        "policyBasis": {
            "reference": {"identifier": {"system": f"{SYSTEM}:notice", "value": notice_id},
                          "display": f"Privacy notice {notice_id}"},
            "url": f"{SYSTEM}:notice:{notice_id}:{decision['content_fingerprint']}",
        },
        "provision": [{"code": [{"coding": [{"system": f"{SYSTEM}:choice",
                                             "code": decision["choice_id"]}]}]}],
    }
    if verdict:
        resource["decision"] = verdict
    if len(contained) == 1:
        resource["subject"] = {"reference": "#child1", "type": "Patient"}
    elif contained:
        contained.append({"resourceType": "Group", "id": "children", "type": "person",
                          "membership": "enumerated",
                          "member": [{"entity": {"reference": f"#{p['id']}"}} for p in contained]})
        resource["subject"] = {"reference": "#children", "type": "Group"}
    if contained:
        resource["contained"] = contained
    if isinstance(visit, dict) and isinstance(visit.get("content_signoff"), dict):
        resource["extension"] = [
            {"url": f"{SYSTEM}:content-signoff:{scope}", "valueString": signoff_text(visit, scope)}
            for scope in ("english", "translation")]
    capture = decision.get("capture")
    if isinstance(capture, dict) and capture.get("method") in ("signature", "verbal"):
        resource["verification"] = [{"verified": True,
                                     "verificationType": {"text": f"{capture['method']}"},
                                     "verificationDate": [str(decision["recorded_at"])]}]
    return resource


def bundle(resources: list[dict[str, Any]], generated_at: str,
           links: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "timestamp": generated_at}
    if links:
        out["link"] = [{"relation": relation, "url": url} for relation, url in links.items()]
    out["entry"] = [{"fullUrl": f"{SYSTEM}:consent:{r['id']}", "resource": r} for r in resources]
    return out
