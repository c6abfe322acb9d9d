"""The JSON Schema (draft 2020-12) every scenario pack must meet.

jsonschema is used rather than hand-written checks because the schema is itself readable data (a
teacher writing a pack can read what is allowed), the library reports *every* violation with the
path of the offending field (``error.absolute_path``), which :mod:`cases.classroom.scenarios` maps
back to a line of the YAML file, and the same schema can be handed to an editor for completion.
"""

from __future__ import annotations

from typing import Any

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.regimes import REGIMES

DATE = r"^(195[5-9]|196[0-9]|1970)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9])?$"
KEY = r"^[a-z][a-z0-9_]*$"
USERNAME = r"^[a-z][a-z0-9_.-]*$"

SOURCED_TEXT: dict[str, Any] = {
    "type": "object",
    "required": ["text", "source"],
    "additionalProperties": False,
    "properties": {"text": {"type": "string", "minLength": 1}, "source": {"type": "string", "minLength": 1}},
}

STEP: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "pattern": r"^[a-z_]+$"},
        {
            "type": "object",
            "required": ["step"],
            "additionalProperties": False,
            "properties": {
                "step": {"type": "string", "pattern": r"^[a-z_]+$"},
                "data": {"type": "object"},
                "note": {"type": "string"},
            },
        },
    ]
}

CASE: dict[str, Any] = {
    "type": "object",
    "required": ["kind"],
    "additionalProperties": False,
    "properties": {
        "kind": {"type": "string", "pattern": KEY},
        "count": {"type": "integer", "minimum": 0, "maximum": 2000},
        # Cases sized to the class: ``cases`` more for every student seated in ``office`` (the pack key of
        # a role's office), on top of ``count`` (which then defaults to 0). The loader checks that each
        # such case awaits that office once its ``steps`` are taken, so every seat has work at the start.
        "per_seat": {
            "type": "object",
            "required": ["office", "cases"],
            "additionalProperties": False,
            "properties": {
                "office": {"type": "string", "pattern": KEY},
                "cases": {"type": "integer", "minimum": 1, "maximum": 10},
            },
        },
        "label": {"type": "string"},
        "params": {"type": "object"},
        "steps": {"type": "array", "items": STEP},
    },
}

PERSON: dict[str, Any] = {
    "type": "object",
    "required": ["key", "name", "sex", "nationality"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": KEY},
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "sex": {"enum": list(Sex.values)},
        "nationality": {"enum": list(Nationality.values)},
        "occupation": {"enum": list(Occupation.values)},
        "employer": {"type": "string", "maxLength": 160},
        "residence": {"type": "string", "maxLength": 160},
        "birth_year": {"type": "integer", "minimum": 1880, "maximum": 1955},
        "previously_married": {"type": "boolean"},
    },
}

EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["at", "kind", "label"],
    "properties": {
        "at": {"type": "string", "pattern": DATE},
        "kind": {"enum": ["announce", "switch_regime", "seed_cases", "pause"]},
        "label": {"type": "string", "minLength": 1, "maxLength": 200},
        "text": {"type": "string"},
        "source": {"type": "string"},
        "regime": {"enum": list(REGIMES)},
        "migrate_running": {"type": "boolean"},
        "counterfactual": {"type": "boolean"},
        "cases": {"type": "array", "items": CASE, "minItems": 1},
    },
    "additionalProperties": False,
    "allOf": [
        {"if": {"properties": {"kind": {"const": "announce"}}}, "then": {"required": ["text", "source"]}},
        {"if": {"properties": {"kind": {"const": "switch_regime"}}}, "then": {"required": ["regime"]}},
        {"if": {"properties": {"kind": {"const": "seed_cases"}}}, "then": {"required": ["cases"]}},
    ],
}

PACK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Border Desk scenario pack",
    "type": "object",
    "required": ["slug", "title", "summary", "start", "regime", "procedures", "context", "offices", "roles"],
    "additionalProperties": False,
    "properties": {
        "slug": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$", "maxLength": 60},
        "title": {"type": "string", "minLength": 1, "maxLength": 160},
        "summary": {"type": "string", "minLength": 1},
        "minutes": {"type": "integer", "minimum": 10, "maximum": 240},
        # How many simulated days the pack runs (its timed events fall within them).
        "days": {"type": "integer", "minimum": 1, "maximum": 5844},
        # The class sizes the pack is built for; default 5 to 40. The load form takes 1 to the maximum.
        "class_sizes": {
            "type": "object",
            "required": ["min", "max"],
            "additionalProperties": False,
            "properties": {
                "min": {"type": "integer", "minimum": 1, "maximum": 60},
                "max": {"type": "integer", "minimum": 1, "maximum": 60},
            },
        },
        "start": {"type": "string", "pattern": DATE},
        "regime": {"enum": list(REGIMES)},
        "counterfactual": {"type": "boolean"},
        "procedures": {"type": "array", "items": {"type": "string", "pattern": KEY}, "minItems": 1},
        "context": {"type": "array", "items": SOURCED_TEXT, "minItems": 1},
        "debrief": {"type": "array", "items": SOURCED_TEXT},
        "autopilot": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"seed": {"type": "integer", "minimum": 0}, "enabled": {"type": "boolean"}},
        },
        "offices": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "kind", "name"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "pattern": KEY},
                    "kind": {"enum": list(OfficeKind.values)},
                    "name": {"type": "string", "minLength": 1, "maxLength": 160},
                    "place": {"type": "string", "maxLength": 120},
                    # A fixed login for the office (the demo's ``workunit``, ``countypsb`` ...). Created
                    # only when the loader is asked for fixed logins (``load_demo``, ``load_scenario
                    # --logins``), never by a load from the web page; needs ``logins.password``.
                    "login": {"type": "string", "pattern": USERNAME, "maxLength": 120},
                },
            },
        },
        "logins": {
            "type": "object",
            "required": ["password"],
            "additionalProperties": False,
            "properties": {
                "password": {"type": "string", "minLength": 8, "maxLength": 128},
                "facilitator": {
                    "type": "object",
                    "required": ["username"],
                    "additionalProperties": False,
                    "properties": {
                        "username": {"type": "string", "pattern": USERNAME, "maxLength": 120},
                        "superuser": {"type": "boolean"},
                    },
                },
            },
        },
        "roles": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["office", "title", "brief"],
                "additionalProperties": False,
                "properties": {
                    "office": {"type": "string", "pattern": KEY},
                    "title": {"type": "string", "minLength": 1},
                    "brief": {"type": "string", "minLength": 1},
                    # 0: no student is seated here (the office has no work at the start; the
                    # autopilot or the teacher plays it).
                    "seats": {"type": "integer", "minimum": 0, "maximum": 10},
                },
            },
        },
        "people": {"type": "array", "items": PERSON},
        "cases": {"type": "array", "items": CASE},
        "events": {"type": "array", "items": EVENT},
    },
}
