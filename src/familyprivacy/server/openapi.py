"""The inbox's API as an OpenAPI 3.1 document, built from the very models that check requests.

Served at ``/v1/openapi.json`` and committed as ``docs/inbox-openapi.json`` (a test keeps the two
the same: `python -m familyprivacy.server.openapi > docs/inbox-openapi.json` after a change).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from familyprivacy.server import schema
from familyprivacy.server.bodies import KINDS, STATUSES


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(_Out):
    """A refusal: ``error`` says what is wrong, in plain words, naming fields but never their values."""

    error: str


class EventResult(_Out):
    index: int
    event_id: str | None
    outcome: Literal["stored", "duplicate", "conflict", "invalid"]
    reason: str


class PushResponse(_Out):
    """One result per event sent, in order. 200: every event stored or already held; 409: one had
    the id of a stored event with other content; 422: one was invalid. Events after a refused one
    are not stored."""

    results: list[EventResult]
    erase_after_seconds: int


class EnrolResponse(_Out):
    device_token: str
    erase_after_seconds: int


class ActionsResponse(_Out):
    actioned: list[str]
    unknown: list[str]


class Health(_Out):
    ok: bool


_MODELS: list[type[BaseModel]] = [schema.Event, schema.EnrolRequest, schema.ActionsRequest, Error,
                                  PushResponse, EnrolResponse, ActionsResponse, Health]
_MOMENT = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
_FILTERS: list[tuple[str, str, dict[str, Any]]] = [
    ("since", "Decisions recorded at or after: a date (2026-11-23, midnight UTC) or an RFC 3339 time.",
     _MOMENT),
    ("until", "Decisions recorded before: a date or an RFC 3339 time.", _MOMENT),
    ("notice", "A council notice id, e.g. essex/childrens-services.",
     {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9-]{0,62}$"}),
    ("choice", "A choice id, e.g. help-and-support-referral.",
     {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}),
    ("status", "A decision's status.", {"type": "string", "enum": sorted(STATUSES)}),
    ("state", "open (not yet actioned by the team) or actioned.",
     {"type": "string", "enum": ["actioned", "open"]}),
    ("kind", "The kind of decision: service-agreement (a referral), data-consent or information-only.",
     {"type": "string", "enum": sorted(KINDS)}),
    ("after", "The cursor the previous page named in its next link (only a page makes one).",
     {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,400}$"}),
    ("limit", "Records per page (default 1000).", {"type": "integer", "minimum": 1, "maximum": 5000}),
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(name)}}


def _refusals(*codes: int) -> dict[str, Any]:
    words = {400: "The request is malformed or does not fit its schema", 401: "No or an unknown token",
             403: "The token or device has been revoked", 404: "Not found", 409: "A conflict",
             413: "The request is too large", 415: "The body is not JSON in UTF-8",
             429: "Too many requests from this device"}
    return {str(code): {"description": words[code], "content": _json("Error")} for code in codes}


def document() -> dict[str, Any]:
    _, defs = models_json_schema([(m, "validation") for m in _MODELS],
                                 ref_template="#/components/schemas/{model}")
    schemas = dict(defs["$defs"])
    schemas["PushRequest"] = {
        "type": "object", "additionalProperties": False, "required": ["events"],
        "description": schema.PushRequest.__doc__,
        "properties": {"events": {"type": "array", "items": _ref("Event")}},
    }
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    filters = [{"name": name, "in": "query", "required": False, "description": text, "schema": kind}
               for name, text, kind in _FILTERS]
    exports = {
        "fhir": {"application/fhir+json": {"schema": {"type": "object", "description": "A FHIR R5 "
                                                      "Bundle of Consent resources, one per decision"}}},
        "csv": {"text/csv": {"schema": {"type": "string", "description": "One row per decision"}}},
    }
    paths: dict[str, Any] = {
        "/v1/health": {"get": {"operationId": "health", "summary": "Whether the inbox and its database work",
                               "responses": {"200": {"description": "Up", "content": _json("Health")}}}},
        "/v1/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                     "responses": {"200": {"description": "OpenAPI 3.1",
                                                           "content": {"application/json": {
                                                               "schema": {"type": "object"}}}}}}},
        "/v1/enrol": {"post": {
            "operationId": "enrol", "summary": "Trade a one-time enrolment code for a device token",
            "requestBody": {"required": True, "content": _json("EnrolRequest")},
            "responses": {"201": {"description": "Enrolled", "content": _json("EnrolResponse")},
                          **_refusals(400, 401, 409, 413, 415)}}},
        "/v1/events": {"post": {
            "operationId": "push", "summary": "Send signed events, oldest first; each is stored once",
            "security": bearer,
            "requestBody": {"required": True, "content": _json("PushRequest")},
            "responses": {**{str(c): {"description": d, "content": _json("PushResponse")} for c, d in
                             ((200, "Every event stored or already held"),
                              (409, "An event had a stored event's id and other content"),
                              (422, "An event was invalid"))},
                          **_refusals(400, 401, 403, 413, 415, 429)}}},
        "/v1/actions": {"post": {
            "operationId": "actioned", "summary": "Mark decisions actioned by the team",
            "security": bearer,
            "requestBody": {"required": True, "content": _json("ActionsRequest")},
            "responses": {"200": {"description": "All marked", "content": _json("ActionsResponse")},
                          "404": {"description": "Some ids are unknown; the rest were marked",
                                  "content": _json("ActionsResponse")},
                          **_refusals(400, 401, 403, 413, 415)}}},
    }
    for fmt, content in exports.items():
        paths[f"/v1/export/consents.{fmt}"] = {"get": {
            "operationId": f"export_{fmt}", "summary": f"Decisions as {fmt.upper()}, a page at a time",
            "security": bearer, "parameters": filters,
            "responses": {"200": {"description": "A page of decisions", "content": content},
                          **_refusals(400, 401, 403)}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Family Privacy consent inbox", "version": f"{schema.SCHEMA_VERSION}.0.0",
                 "description": "What laptops send and what the council's team reads. Every input "
                                "error is a 4xx with a plain reason."},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "A device token (push) or a "
                                                                     "team token (export, actions)"}}},
    }


def main() -> None:
    print(json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main()
