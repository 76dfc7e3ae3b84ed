"""``GET /api/openapi.json``: the whole API, described for its users.

Hand-written where words are needed, but every list of values (statuses, kinds, agencies, templates)
is read from the code that defines it, request bodies and query arguments are the pydantic models
that check them (:mod:`kansli.validation`), and the tests check each route and each response against it.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from kansli.extraction.learned import PATHS as LEARNED_FIELDS
from kansli.fields import EXAMPLES, SCHEMAS
from kansli.followup import Standing
from kansli.models import AGENCIES
from kansli.outputs import KINDS, MEDIA_TYPES, PREVIEW_DPI, PREVIEW_PAGES, template_variables
from kansli.registry.dispatch import ROLES
from kansli.registry.public import PER_PAGE
from kansli.registry.terms import DispatchMethod, SecrecyPart
from kansli.status import (
    AgreementStatus,
    CaseStatus,
    Direction,
    DocumentStatus,
    OutputStatus,
    RegistrationStatus,
)
from kansli.validation import (
    FIELD_MODELS,
    MAX_ID,
    CaseQuery,
    CaseRequest,
    DecisionLetterFields,
    DispatchRequest,
    DisposalRequest,
    DocumentQuery,
    HoldRequest,
    IndicatorMatchRequest,
    IndicatorQuery,
    OutputQuery,
    OutputRequest,
    PartnershipRequest,
    PublicRegistryQuery,
    RegistrationAmendment,
    RegistrationRequest,
    RegistryQuery,
    SecrecyLiftRequest,
    SecrecyRequest,
    VoidRequest,
)
from service.api import bp

_BODIES: list[type[BaseModel]] = [*FIELD_MODELS.values(), DecisionLetterFields, OutputRequest, RegistrationRequest,
                                  HoldRequest, DisposalRequest, RegistrationAmendment, SecrecyRequest, SecrecyLiftRequest,
                                  DispatchRequest, CaseRequest, VoidRequest, IndicatorMatchRequest,
                                  PartnershipRequest]
_QUERIES: list[type[BaseModel]] = [DocumentQuery, OutputQuery, RegistryQuery, PublicRegistryQuery, CaseQuery,
                                   IndicatorQuery]
_POINT = {"type": "object", "nullable": True, "required": ["year", "value"],
          "properties": {"year": {"type": "integer"}, "value": {"type": "number"}}}


class _OpenAPI30(GenerateJsonSchema):
    """JSON Schema as OpenAPI 3.0 writes it: ``nullable`` rather than a union with ``null``."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        return {"allOf": [inner], "nullable": True} if "$ref" in inner else {**inner, "nullable": True}


def _openapi30(schema: Any) -> Any:
    """What pydantic writes beside a ``$ref`` goes under ``allOf`` (3.0 ignores it there); a null default is nullable."""
    if isinstance(schema, list):
        return [_openapi30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {k: _openapi30(v) for k, v in schema.items()}
    if "$ref" in schema and len(schema) > 1:
        schema = {"allOf": [{"$ref": schema.pop("$ref")}], **schema}
    if "default" in schema and schema["default"] is None:
        schema["nullable"] = True
    return schema


def _models() -> dict[str, Any]:
    _, top = models_json_schema([(m, "validation") for m in _BODIES + _QUERIES], schema_generator=_OpenAPI30,
                                ref_template="#/components/schemas/{model}")
    schemas = _openapi30(top["$defs"])
    schemas["OutputRequest"]["properties"].update(
        kind=_enum(KINDS), agency={**_enum(AGENCIES), "nullable": True},
        fields={"allOf": [{"$ref": "#/components/schemas/DecisionLetterFields"}], "nullable": True})
    return schemas


def _body(model: type[BaseModel], examples: dict[str, Any], required: bool = True) -> dict[str, Any]:
    """A JSON request body checked by ``model``, with examples (name → body) for its readers and fuzzers."""
    return {"required": required, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
        "examples": {name: {"value": value} for name, value in examples.items()}}}}


def _query(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """A query model's fields as parameters; a list is written comma-separated (``ids=1,2,3``)."""
    parameters = []
    for name, schema in schemas[model.__name__]["properties"].items():
        parameter = {"name": name, "in": "query", "schema": schema}
        if schema.get("type") == "array":
            parameter.update(style="form", explode=False)
        parameters.append(parameter)
    return parameters


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _list(description: str, key: str, ref: str) -> dict[str, Any]:
    schema = {"type": "object", "required": [key],
              "properties": {key: {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}}}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page(description: str, key: str, ref: str) -> dict[str, Any]:
    """A list one page at a time: the page's items, how many were found in all, and the page's place."""
    answer = _list(description, key, ref)
    schema = answer["content"]["application/json"]["schema"]
    schema["required"] = [key, "total", "page", "pages", "per_page"]
    schema["properties"].update({name: {"type": "integer", "minimum": 0 if name == "total" else 1}
                                 for name in ("total", "page", "pages", "per_page")})
    return answer


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [str(v) for v in values]}


IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "maxLength": 200},
               "description": "Valfri nyckel per begäran: ett nytt försök med samma nyckel ger samma svar igen, "
                              "och inget skapas två gånger"}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
AUTH = {"401": _error("Ingen eller ogiltig API-nyckel"),
        "403": _error("Rollen saknar behörighet (forbidden), eller en inloggning i webbläsaren med ett tillfälligt "
                      "lösenord (efter en återställning, eller på ett nytt konto), innan ett eget har valts "
                      "(password_change_required); API-nycklar påverkas inte")}
#: A query argument or JSON body the models refuse; a JSON body over 1 MB.
BAD = {"400": _error("Ogiltiga uppgifter; meddelandet namnger fältet")}
JSON_BODY = {**BAD, "413": _error("JSON-innehållet är för stort")}
DNR = {"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"},
       "description": "Diarienumret (KAN 2026/17); mellanslag och snedstreck får stå som de är eller URL-kodas"}

def describe() -> dict[str, Any]:
    """The description, built from the code's current lists on each request (it is small)."""
    models = _models()
    return {
        "openapi": "3.0.3",
        "info": {"title": "Kansli", "version": "1",
                 "description": "Dokument och blanketter för urbant utvecklingsarbete (förordningen 2008:348)."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Från `kansli user add NAMN --role ROLL` eller "
                                                          "`kansli user token NAMN`; gäller 365 dagar om inte "
                                                          "`--days` säger annat, tills `kansli user revoke NAMN`."}},
            "schemas": {
                **models,
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Queued": {"type": "object", "required": ["id", "status"],
                           "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}},
                # nullable here too: OpenAPI 3.0's nullable beside allOf does not reach the referenced type,
                # and a document not yet read (or failed) has no extraction.
                "Extraction": {"type": "object", "nullable": True, "description": "Se shared/contracts/extraction.md.",
                               "properties": {"kind": _enum(SCHEMAS),
                                              "pages": {"type": "integer"}, "fields": {"type": "object"},
                                              "confidence": {"type": "object", "description": "0–1 per fält; under "
                                                             "0,8: kontrollera", "additionalProperties": {
                                                                 "type": "number", "minimum": 0, "maximum": 1}},
                                              "warnings": {"type": "array", "items": {"type": "string"}}}},
                "Document": {"type": "object", "required": ["id", "filename", "sha256", "status", "progress",
                                                             "extraction", "error"],
                             "properties": {
                                 "id": {"type": "integer"}, "filename": {"type": "string"},
                                 "sha256": {"type": "string"},
                                 "status": _enum(DocumentStatus), "status_text": {"type": "string"},
                                 "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                                 "extraction": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Extraction"}]},
                                 "revision": {"type": "integer", "nullable": True},
                                 "provenance": {"type": "object", "nullable": True,
                                                "description": "Var varje extraherat värde står: {page, bbox: "
                                                               "[x0, top, x1, bottom]} i PDF-punkter, ordnat som fälten"},
                                 "error": {"type": "string", "nullable": True},
                                 "error_code": {"type": "string", "nullable": True},
                                 "kind": {"type": "string", "nullable": True, "enum": [*SCHEMAS, None]},
                                 "size": {"type": "integer"},
                                 "attempts": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
                                 "url": {"type": "string"}, "page": {"type": "string"}}},
                "Output": {"type": "object", "required": ["id", "kind", "status", "files"],
                           "properties": {
                               "id": {"type": "integer"}, "kind": _enum(KINDS), "kind_text": {"type": "string"},
                               "document_id": {"type": "integer", "nullable": True},
                               "agency": {"nullable": True, **_enum(AGENCIES)},
                               "status": _enum(OutputStatus), "status_text": {"type": "string"},
                               "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                               "error": {"type": "string", "nullable": True},
                               "error_code": {"type": "string", "nullable": True},
                               "created_at": {"type": "string", "format": "date-time"},
                               "templates": {"type": "object", "additionalProperties": {"type": "string"},
                                             "description": "Mallens filnamn → SHA-256 av den version som användes"},
                               "template_versions": {
                                   "type": "array", "description": "Vilken version av varje mall som gjorde utkastet",
                                   "items": {"type": "object", "properties": {
                                       "template": {"type": "string"}, "sha256": {"type": "string"},
                                       "version": {"type": "integer", "nullable": True,
                                                   "description": "Versionens nummer bland mallens uppladdade "
                                                                  "versioner (1 = den första); null för standardmallen"},
                                       "builtin": {"type": "boolean", "description": "Den inbyggda standardmallen"},
                                       "created_at": {"type": "string", "format": "date-time", "nullable": True}}}},
                               "revisions": {
                                   "type": "array", "description": "Den version av varje dokuments fält som utkastet "
                                                                   "gjordes av (tom om fälten angavs i beställningen)",
                                   "items": {"type": "object", "properties": {
                                       "document_id": {"type": "integer"}, "revision": {"type": "integer"},
                                       "history": {"type": "string", "description": "Dokumentets fälthistorik"}}}},
                               "files": {"type": "array", "description": "Filerna att ladda ner och första sidans "
                                                                        "lilla förhandsbild (inte sidornas)",
                                         "items": {"type": "object", "properties": {
                                   "name": {"type": "string"}, "format": _enum(MEDIA_TYPES),
                                   "sha256": {"type": "string"}, "size": {"type": "integer"},
                                   "url": {"type": "string"}}}},
                               "pages": {"type": "integer", "nullable": True,
                                         "description": f"PDF-filens sidantal; förhandsbilderna slutar efter "
                                                        f"{PREVIEW_PAGES} sidor (null: okänt, äldre utkast)"},
                               "previews": {"type": "array", "description": f"En PNG per sida ({PREVIEW_DPI} dpi) i "
                                                                           "sidordning; äldre utkast har bara första "
                                                                           "sidans lilla bild",
                                            "items": {"type": "object", "properties": {
                                                "page": {"type": "integer"}, "name": {"type": "string"},
                                                "url": {"type": "string"}}}},
                               "registration": {"type": "object", "nullable": True,
                                                "description": "Registreringen utkastet diarieförts under; locked när "
                                                               "det är arkiverat (eller gallrat) och inte kan ändras",
                                                "properties": {"dnr": {"type": "string"},
                                                               "status": _enum(RegistrationStatus),
                                                               "status_text": {"type": "string"},
                                                               "locked": {"type": "boolean"}}},
                               "page": {"type": "string", "description": "Utkastets sida"}}},
               "Registration": {"type": "object", "required": ["dnr", "status", "direction", "date", "description"],
                                 "properties": {
                                     "id": {"type": "integer"}, "dnr": {"type": "string"},
                                     "case": {"type": "string", "description": "Ärendets diarienummer"},
                                     "number": {"type": "integer", "description": "Löpnumret i ärendet"},
                                     "direction": _enum(Direction), "direction_text": {"type": "string"},
                                     "status_text": {"type": "string"},
                                     "void_reason": {"type": "string", "nullable": True},
                                     "voided_by": {"type": "string", "nullable": True},
                                     "voided_at": {"type": "string", "format": "date-time", "nullable": True},
                                     "kind": {"type": "string", "nullable": True},
                                     "related": {"type": "array", "items": {"type": "object"}},
                                     "date": {"type": "string", "format": "date"},
                                     "party": {"type": "string", "nullable": True}, "description": {"type": "string"},
                                     "document_id": {"type": "integer", "nullable": True},
                                     "output_id": {"type": "integer", "nullable": True},
                                     "status": _enum(RegistrationStatus),
                                     "registered_by": {"type": "string", "nullable": True},
                                     "created_at": {"type": "string", "format": "date-time"},
                                     "archived_at": {"type": "string", "format": "date-time", "nullable": True},
                                     "package_sha256": {"type": "string", "nullable": True},
                                     "retain_until": {"type": "string", "format": "date", "nullable": True},
                                     "legal_hold": {"type": "boolean"},
                                     "hold_reason": {"type": "string", "nullable": True},
                                     "disposal_reason": {"type": "string", "nullable": True},
                                     "disposal_requested": {"type": "boolean"},
                                     "disposed_at": {"type": "string", "format": "date-time", "nullable": True},
                                     "secrecy": {"type": "array", "items": {"$ref": "#/components/schemas/SecrecyMark"},
                                                 "description": "Alla sekretessmarkeringar, också hävda"},
                                     "dispatches": {"type": "array",
                                                    "items": {"$ref": "#/components/schemas/Dispatch"}},
                                     "signed_copy_of": {"type": "string", "nullable": True,
                                                        "description": "Den överenskommelse (diarienummer) som "
                                                                       "handlingen är den undertecknade kopian av"}}},
                "SecrecyMark": {"type": "object", "required": ["id", "parts", "provision", "in_force", "marked_at"],
                                "properties": {
                                    "id": {"type": "integer"},
                                    "parts": {"type": "array", "items": _enum(SecrecyPart)},
                                    "provision": {"type": "string"}, "in_force": {"type": "boolean"},
                                    "marked_by": {"type": "string", "nullable": True},
                                    "marked_at": {"type": "string", "format": "date-time"},
                                    "lifted_by": {"type": "string", "nullable": True},
                                    "lifted_at": {"type": "string", "format": "date-time", "nullable": True},
                                    "lift_reason": {"type": "string", "nullable": True}}},
                "Dispatch": {"type": "object", "required": ["id", "recipient", "method", "date"],
                             "properties": {
                                 "id": {"type": "integer"}, "recipient": {"type": "string"},
                                 "address": {"type": "string", "nullable": True}, "method": _enum(DispatchMethod),
                                 "method_text": _enum(m.label for m in DispatchMethod),
                                 "date": {"type": "string", "format": "date"},
                                 "dispatched_by": {"type": "string", "nullable": True},
                                 "created_at": {"type": "string", "format": "date-time"}}},
                "ProposedDispatch": {"type": "object", "required": ["recipient", "role", "dispatched"],
                                     "properties": {
                                         "recipient": {"type": "string"}, "role": _enum(ROLES),
                                         "role_text": _enum(ROLES.values()),
                                         "address": {"type": "string", "nullable": True},
                                         "dispatched": {"type": "boolean",
                                                        "description": "Redan expedierad till mottagaren"}}},
                "PublicRegistration": {
                    "type": "object", "description": "Det allmänna får se: skyddade delar är ersatta med "
                                                     "\"Uppgift skyddad enligt <bestämmelse>\"",
                    "required": ["dnr", "date", "direction", "party", "description", "status", "document_secret"],
                    "properties": {
                        "dnr": {"type": "string"}, "date": {"type": "string", "format": "date"},
                        "direction": {"type": "string"}, "direction_text": {"type": "string"},
                        "party": {"type": "string", "nullable": True}, "description": {"type": "string"},
                        "status": _enum(RegistrationStatus), "status_text": {"type": "string"},
                        "protected": {"type": "array", "items": {
                            "type": "object", "required": ["part", "provision"],
                            "properties": {"part": _enum(SecrecyPart), "provision": {"type": "string"}}}},
                        "document_secret": {"type": "boolean", "description": "Handlingen själv är sekretessmarkerad"}}},
               "Case": {"type": "object", "required": ["dnr", "title", "status", "opened_at"],
                         "properties": {
                             "id": {"type": "integer"}, "dnr": {"type": "string"}, "year": {"type": "integer"},
                             "number": {"type": "integer"}, "title": {"type": "string"},
                             "municipality": {"type": "string", "nullable": True},
                             "officer": {"type": "string", "nullable": True},
                             "status": _enum(CaseStatus), "status_text": {"type": "string"},
                             "opened_at": {"type": "string", "format": "date-time"},
                             "closed_at": {"type": "string", "format": "date-time", "nullable": True},
                             "document_count": {"type": "integer"}, "page": {"type": "string"},
                             "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Registration"},
                                           "description": "Ärendets handlingar i nummerordning (bara för ett ärende)"},
                             "package_sha256": {"type": "string", "nullable": True,
                                                "description": "SHA-256 för arkivpaketet om ärendet arkiverats som "
                                                               "helhet (bara för ett ärende)"}}},
               "Series": {"type": "object", "required": ["municipality", "name", "reported", "standing"],
                           "properties": {
                               "municipality": {"type": "string"}, "area": {"type": "string", "nullable": True},
                               "name": {"type": "string"}, "unit": {"type": "string", "nullable": True},
                               "baseline": _POINT, "target": _POINT,
                               "reported": {"type": "array", "items": {"type": "object", "properties": {
                                   "year": {"type": "integer"}, "value": {"type": "number"},
                                   "reported_as": {"type": "string", "description": "Namnet i uppföljningsrapporten"},
                                   "similarity": {"type": "number", "description": "1 = samma ord, eller rättad"}}}},
                               "direction": {"nullable": True, **_enum(["rising", "falling"])},
                               "standing": _enum(Standing), "standing_label": {"type": "string"}}},
               "FollowUpMunicipality": {"type": "object", "required": ["municipality", "plan", "reports", "series"],
                                "properties": {
                                    "municipality": {"type": "string"},
                                    "plan": {"type": "object", "properties": {
                                        "document_id": {"type": "integer"}, "revision": {"type": "integer"},
                                        "filename": {"type": "string"},
                                        "period": {"type": "object", "nullable": True},
                                        "districts": {"type": "array", "items": {"type": "string"}}}},
                                    "reports": {"type": "array", "items": {"type": "object", "properties": {
                                        "document_id": {"type": "integer"},
                                        "year": {"type": "integer", "nullable": True}}}},
                                    "series": {"type": "array", "items": {"$ref": "#/components/schemas/Series"}}}},
               "Partnership": {
                   "type": "object", "description": "En kommuns lokala partnerskap, läst ur diariet",
                   "required": ["municipality", "key", "case", "plan", "plans", "agreements", "reports"],
                   "properties": {
                       "municipality": {"type": "string"}, "key": {"type": "string"},
                       "case": {"type": "string", "nullable": True, "description": "Partnerskapsärendets diarienummer"},
                       "plan": {"type": "object", "nullable": True, "description": "Den gällande stadsdelsplanen",
                                "required": ["dnr", "document_id", "version", "adopted", "reference"],
                                "properties": {"dnr": {"type": "string"}, "document_id": {"type": "integer"},
                                               "version": {"type": "integer", "description": "Planens ordning bland "
                                                           "kommunens registrerade planer (efter antagandedatum)"},
                                               "adopted": {"type": "string", "format": "date", "nullable": True},
                                               "reference": {"type": "string", "nullable": True}}},
                       "plans": {"type": "integer", "description": "Antal registrerade planer"},
                       "agreements": {"type": "array", "items": {"$ref": "#/components/schemas/PartnershipAgreement"},
                                      "description": "En per myndighet"},
                       "reports": {"type": "array", "description": "Inkomna myndighetsredovisningar per år", "items": {
                           "type": "object", "required": ["year", "agencies", "dnrs"],
                           "properties": {"year": {"type": "integer", "nullable": True},
                                          "agencies": {"type": "array", "items": {"type": "string"}},
                                          "dnrs": {"type": "array", "items": {"type": "string"}}}}}}},
               "PartnershipAgreement": {
                   "type": "object",
                   "required": ["agency", "status", "status_text", "output_id", "dnr", "plan_version", "out_of_date",
                                "revises"],
                   "properties": {
                       "agency": _enum(AGENCIES), "status": _enum(AgreementStatus),
                       "status_text": _enum(s.label for s in AgreementStatus),
                       "output_id": {"type": "integer", "nullable": True},
                       "dnr": {"type": "string", "nullable": True},
                       "plan_version": {"type": "integer", "nullable": True,
                                        "description": "Versionen av planen som överenskommelsen utarbetades från"},
                       "out_of_date": {"type": "boolean",
                                       "description": "Utarbetad från en annan plan än den gällande"},
                       "revises": {"type": "integer", "nullable": True,
                                   "description": "Utkastet med den överenskommelse som den här reviderar"}}},
               "LearnedLabel": {"type": "object",
                                "required": ["id", "municipality", "field", "label", "document_id", "user",
                                             "created_at"],
                                "properties": {"id": {"type": "integer"},
                                               "municipality": {"type": "string",
                                                                "description": "Kommunens nyckel, t.ex. uppsala"},
                                               "field": _enum(LEARNED_FIELDS), "label": {"type": "string"},
                                               "document_id": {"type": "integer", "nullable": True,
                                                               "description": "Dokumentet vars rättelse lärde den"},
                                               "user": {"type": "string", "nullable": True},
                                               "created_at": {"type": "string", "format": "date-time"}}},
               "Template": {"type": "object", "required": ["id", "name", "sha256"],
                             "properties": {"id": {"type": "integer"}, "name": _enum(template_variables()),
                                            "sha256": {"type": "string"}, "size": {"type": "integer"},
                                            "filename": {"type": "string"},
                                            "uploaded_by": {"type": "string", "nullable": True},
                                            "created_at": {"type": "string", "format": "date-time"}}},
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/health": {"get": {"summary": "Redis, databas och antal workers", "security": [],
                                    "responses": {"200": {"description": "Tjänsten fungerar (status ok eller degraded)"},
                                                  "503": {"description": "Redis eller databasen svarar inte"}}}},
            "/api/openapi.json": {"get": {"summary": "Den här beskrivningen", "security": [],
                                          "responses": {"200": {"description": "OpenAPI 3"}}}},
            "/api/documents": {
                "get": {"summary": "Dokumenten som sökningen och filtren hittar, en sida i taget (förval: de "
                                   "200 senaste), eller de med id:n ids (kommaseparerade)",
                        "parameters": _query(DocumentQuery, models),
                        "responses": {"200": _page("Dokumenten på sidan, och hur många som hittades", "documents",
                                                   "Document"), **BAD, **AUTH}},
                "post": {"summary": "Ladda upp en PDF (roll clerk, drafter eller admin)",
                         "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                             "type": "object", "required": ["file"],
                             "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                         "parameters": [IDEMPOTENCY],
                         "responses": {"202": _json("Mottagen och köad", "Queued"),
                                       "200": _json("Samma fil fanns redan; det befintliga dokumentet", "Queued"),
                                       "400": _error("Fältet file saknas"), **AUTH,
                                       "413": _error("Filen är för stor"), "415": _error("Filen är ingen PDF"),
                                       "422": _error("Idempotency-Key är ogiltig eller använd för något annat")}}},
            "/api/documents/{id}": {"get": {"summary": "Ett dokument med status och extraktion", "parameters": [ID],
                                            "responses": {"200": _json("Dokumentet", "Document"), **AUTH,
                                                          "404": _error("Finns inte")}},
                                    "delete": {
                "summary": "Ta bort en misslyckad uppladdning som inget hänvisar till (roll clerk, drafter eller "
                           "admin); filen tas bort om ingen annan rad behöver samma bytes",
                "parameters": [ID],
                "responses": {"204": {"description": "Borttagen"}, **AUTH, "404": _error("Finns inte"),
                              "409": _error("Registrerad, arkiverad, läst eller använd: tas inte bort")}}},
            "/api/documents/{id}/retry": {"post": {
                "summary": "Försök läsa en misslyckad uppladdning igen (roll clerk, drafter eller admin)",
                "parameters": [ID],
                "responses": {"202": _json("Köad igen", "Document"), **AUTH, "404": _error("Finns inte"),
                              "409": _error("Dokumentet har inte misslyckats")}}},
            "/api/documents/{id}/history": {"get": {"summary": "Fältens versioner: extraktionen och rättelserna",
                                                    "parameters": [ID],
                                                    "responses": {"200": {"description": "{\"revisions\": [...]}"},
                                                                  **AUTH, "404": _error("Finns inte")}}},
            "/api/documents/{id}/fields": {"patch": {
                "summary": "Rätta fält (roll drafter eller admin); originalet finns kvar i historiken",
                "parameters": [ID],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"anyOf": [{"$ref": f"#/components/schemas/{m.__name__}"} for m in FIELD_MODELS.values()],
                               "description": "De fält som rättas, av dokumenttypens form"},
                    "examples": {"district_plan": {"value": {"municipality": "Botkyrka kommun",
                                                             "period": {"start": 2008, "end": 2011}}},
                                 "report": {"value": {"year": 2009, "date": "2010-02-15"}}}}}},
                "responses": {"200": _json("Dokumentet med rättade fält", "Document"), **JSON_BODY, **AUTH,
                              "404": _error("Finns inte"), "409": _error("Inte extraherat ännu"),
                              "422": _error("Fält som inte passar dokumenttypen")}}},
            "/api/documents/{id}/file": {"get": {"summary": "Den uppladdade PDF-filen", "parameters": [ID],
                                                 "responses": {"200": {"description": "application/pdf"}, **AUTH,
                                                               "404": _error("Finns inte")}}},
            "/api/outputs": {
                "get": {"summary": "Senaste utkasten", "parameters": _query(OutputQuery, models),
                        "responses": {"200": _list("Utkasten", "outputs", "Output"), **BAD, **AUTH}},
                "post": {"summary": "Skapa ett utkast (roll drafter eller admin): en samverkansöverenskommelse från en "
                                    "stadsdelsplan (agency krävs), eller beslutsbrev från ett regeringsbeslut "
                                    "(document_id eller fields) — ett brev per mottagare, varje .docx med PDF/A-2b",
                         "description": "report: document_ids är de myndighetsrapporter som sammanställs. batch: från "
                                        "ett regeringsbeslut (document_id) och en myndighet, en överenskommelse per "
                                        "kommun i beslutet, ifylld från kommunens stadsdelsplan där en finns; en zip. "
                                        "agreement med revises (id på en tidigare överenskommelse): revideringen "
                                        "utarbetas från den nya planen (document_id) och listar vad som ändrats i "
                                        "planen sedan dess.",
                         "requestBody": _body(OutputRequest, {
                             "agreement": {"kind": "agreement", "document_id": 1, "agency": AGENCIES[0]},
                             "decision": {"kind": "decision", "fields": {**EXAMPLES["decision"], "item": "5"}},
                             "report": {"kind": "report", "document_ids": [1, 2]},
                             "batch": {"kind": "batch", "document_id": 1, "agency": AGENCIES[0]},
                             "revision": {"kind": "agreement", "document_id": 2, "agency": AGENCIES[0], "revises": 1}}),
                         "parameters": [IDEMPOTENCY],
                         "responses": {"202": _json("Köad", "Queued"), **JSON_BODY, **AUTH,
                                       "200": _json("Samma Idempotency-Key som förut: det utkast den begäran gav",
                                                    "Queued"),
                                       "404": _error("Dokumentet finns inte"),
                                       "409": _error("Dokumentet är inte färdigläst eller av fel typ, eller "
                                                     "revideringen gäller en annan myndighet, kommun eller samma plan"),
                                       "422": _error("Fälten räcker inte för utkastet")}}},
            "/api/indicators": {"get": {
                "summary": "Avstämningen: varje kommuns indikatorer med utgångsläge, redovisade värden och mål, "
                           "och översikten per kommun och område (i fas, efter, uppgift saknas)",
                "parameters": _query(IndicatorQuery, models),
                "responses": {"200": {"description": "Serierna", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["municipalities", "overview"], "properties": {
                        "municipalities": {"type": "array", "items": {"$ref": "#/components/schemas/FollowUpMunicipality"}},
                        "overview": {"type": "array", "items": {"type": "object", "properties": {
                            "municipality": {"type": "string"}, "area": {"type": "string", "nullable": True},
                            "area_label": {"type": "string"}, "on_track": {"type": "integer"},
                            "behind": {"type": "integer"}, "no_data": {"type": "integer"}}}}}}}}},
                              **BAD, **AUTH}}},
            "/api/indicators.csv": {"get": {
                "summary": "Samma serier som CSV (semikolon, decimalkomma): en rad per punkt",
                "parameters": _query(IndicatorQuery, models),
                "responses": {"200": {"description": "text/csv"}, **BAD, **AUTH}}},
            "/api/indicators.xlsx": {"get": {
                "summary": "Samma serier som Excel-fil: en rad per punkt",
                "parameters": _query(IndicatorQuery, models),
                "responses": {"200": {"description": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
                              **BAD, **AUTH}}},
            "/api/indicators/matches": {"put": {
                "summary": "Säg vilken indikator i kommunens plan ett namn i uppföljningsrapporterna avser "
                           "(roll drafter eller admin); ersätter ett tidigare val",
                "requestBody": _body(IndicatorMatchRequest, {"match": {
                    "municipality": "Uppsala kommun", "reported_name": "Andel hushåll som får försörjningsstöd",
                    "indicator": "Andel med försörjningsstöd"}}),
                "responses": {"200": _json("Kommunens serier med valet tillämpat", "FollowUpMunicipality"), **JSON_BODY,
                              **AUTH, "422": _error("Kommunen har ingen plan, eller planen ingen sådan indikator")}}},
            "/api/learned": {"get": {
                "summary": "Etiketter som rättelser av planer lärt (roll admin): orden före ett fälts värde i en "
                           "kommuns planer, som kommunens nästa plan läses med",
                "responses": {"200": _list("De inlärda etiketterna", "learned", "LearnedLabel"), **AUTH}}},
            "/api/learned/{id}": {"delete": {
                "summary": "Ta bort en inlärd etikett (roll admin); kommunens nästa planer läses utan den",
                "parameters": [ID],
                "responses": {"204": {"description": "Borttagen"}, **AUTH, "404": _error("Finns inte")}}},
            "/api/templates": {
                "get": {"summary": "Mallversioner som administratörer laddat upp, nyast först",
                        "responses": {"200": _list("Mallversionerna", "templates", "Template"), **AUTH}},
                "post": {"summary": "Ladda upp en ny version av en mall (roll admin); kontrolleras innan den används",
                         "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                             "type": "object", "required": ["file", "name"], "properties": {
                                 "file": {"type": "string", "format": "binary"},
                                 "name": _enum(template_variables())}}}}},
                         "responses": {"201": _json("Mallversionen", "Template"), "400": _error("Fil saknas"), **AUTH,
                                       "413": _error("Filen är för stor"),
                                       "422": _error("Mallen går inte att använda: inte .docx, skadad XML eller en DTD, "
                                                     "Jinja-fel, okända variabler, eller provifyllningen med "
                                                     "exempeldata misslyckas, tar mer än några sekunder eller blir "
                                                     "större än 20 MB")}}},
            "/api/registry": {
                "get": {"summary": "Registreringar som matchar q (diarienummer, part, beskrivning), nyast först",
                        "description": "q är fritext i diarieuppgifter, fält och dokumentens text; styrtecken "
                                       "(som NUL) avvisas med 400",
                        "parameters": _query(RegistryQuery, models),
                        "responses": {"200": _list("Registreringarna", "registrations", "Registration"), **BAD,
                                      **AUTH}},
                "post": {"summary": "Registrera ett dokument (inkommet) eller ett klart utkast (upprättat) i ett ärende; "
                                    "roll registrar",
                         "description": "Med case registreras handlingen i det ärendet under nästa löpnummer "
                                        "(KAN 2026/17-3); utan case öppnas ett nytt ärende med handlingen som nummer 1. "
                                        "direction: incoming, outgoing eller internal (förval: inkommande för dokument, "
                                        "upprättad för utkast). En stadsdelsplan eller överenskommelse utan case "
                                        "registreras i kommunens partnerskapsärende (som öppnas om det inte finns), "
                                        "en myndighetsredovisning om en enda kommun i dess partnerskapsärende. Med "
                                        "signed_copy_of registreras den undertecknade kopian av en överenskommelse "
                                        "i överenskommelsens ärende.",
                         "requestBody": _body(RegistrationRequest, {
                             "document": {"document_id": 1},
                             "in_case": {"document_id": 1, "case": "KAN 2026/17", "direction": "internal"},
                             "output": {"output_id": 1, "party": "Botkyrka kommun",
                                        "description": "Samverkansöverenskommelse"}}),
                         "responses": {"201": _json("Registreringen med diarienummer (dnr)", "Registration"),
                                       **JSON_BODY, **AUTH, "404": _error("Dokumentet, utkastet eller ärendet finns inte"),
                                       "409": _error("Utkastet är inte klart, redan registrerat, eller ärendet är "
                                                     "avslutat")}}},
            "/api/cases": {
                "get": {"summary": "Ärenden vars diarienummer eller rubrik innehåller q, med filter; nyast först",
                        "parameters": _query(CaseQuery, models),
                        "responses": {"200": _list("Ärendena", "cases", "Case"), **BAD, **AUTH}},
                "post": {"summary": "Öppna ett ärende under årets nästa nummer (KAN 2026/17); roll registrar",
                         "requestBody": _body(CaseRequest, {"case": {"title": "Lokalt partnerskap Botkyrka",
                                                                     "municipality": "Botkyrka kommun"}}),
                         "responses": {"201": _json("Ärendet", "Case"), **JSON_BODY, **AUTH,
                                       "409": _error("Kommunen har redan ett partnerskapsärende (partnership)")}}},
            "/api/partnerships": {
                "get": {"summary": "Partnerskapsregistret: per kommun partnerskapsärendet, gällande plan, varje "
                                   "myndighets överenskommelse (status, planversion, inaktuell) och inkomna redovisningar",
                        "responses": {"200": _list("Kommunerna", "partnerships", "Partnership"), **AUTH}},
                "post": {"summary": "Öppna en kommuns partnerskapsärende; roll registrar",
                         "description": "Ärendet öppnas också av sig självt när kommunens första plan registreras "
                                        "utan ärende.",
                         "requestBody": _body(PartnershipRequest, {"partnership": {"municipality": "Botkyrka kommun"}}),
                         "responses": {"201": _json("Kommunens rad i registret", "Partnership"), **JSON_BODY, **AUTH,
                                       "409": _error("Kommunen har redan ett partnerskapsärende")}}},
            "/api/cases/{dnr}": {"get": {"summary": "Ett ärende med dess handlingar i nummerordning", "parameters": [DNR],
                                         "responses": {"200": _json("Ärendet", "Case"), **AUTH,
                                                       "404": _error("Finns inte")}}},
            "/api/cases/{dnr}/close": {"post": {
                "summary": "Avsluta ärendet; inget kan registreras i det förrän det öppnas igen; roll registrar",
                "parameters": [DNR], "responses": {"200": _json("Ärendet", "Case"), **AUTH,
                                                   "404": _error("Finns inte"), "409": _error("Redan avslutat")}}},
            "/api/cases/{dnr}/reopen": {"post": {
                "summary": "Öppna ett avslutat ärende igen; roll registrar",
                "parameters": [DNR], "responses": {"200": _json("Ärendet", "Case"), **AUTH,
                                                   "404": _error("Finns inte"), "409": _error("Redan öppet")}}},
            "/api/cases/{dnr}/erms": {"get": {
                "summary": "Ärendet som FGS Ärendehantering 2.0 (CITS ERMS 2.1), giltigt mot ERMS.xsd och erms.sch: "
                           "varje handling med nummer, riktning, datum, parter, expedieringar, sekretess med "
                           "bestämmelse och makulering; sekretessbelagda uppgifter ingår; roll registrar",
                "parameters": [DNR],
                "responses": {"200": {"description": "application/xml", "content": {"application/xml": {
                                  "schema": {"type": "string"}}}},
                              **AUTH, "404": _error("Finns inte"), "409": _error("Exporten blev ogiltig")}}},
            "/api/cases/{dnr}/archive": {"post": {
                "summary": "Arkivera ett avslutat ärende som ett paket (FGS Paketstruktur 2.0 / E-ARK SIP) med alla "
                           "handlingar och ärendet som FGS Ärendehantering; varje registrering blir arkiverad, "
                           "makulerade beskrivs utan filer; roll registrar",
                "parameters": [DNR],
                "responses": {"202": _json("Ärendet med dess arkiverade handlingar", "Case"), **AUTH,
                              "404": _error("Finns inte"),
                              "409": _error("Ärendet är öppet, redan arkiverat, har en handling arkiverad i eget "
                                            "paket, gallrad eller ett utkast som inte är klart")}}},
            "/api/cases/{dnr}/package": {"get": {
                "summary": "Ärendets arkivpaket som zip",
                "parameters": [DNR],
                "responses": {"200": {"description": "application/zip"}, **AUTH, "404": _error("Finns inte"),
                              "409": _error("Inte arkiverat som helhet")}}},
            "/api/registry/{dnr}/void": {"post": {
                "summary": "Makulera en registrering gjord av misstag ({\"reason\": \"...\"}); numret finns kvar som "
                           "makulerat och används aldrig igen; roll registrar",
                "parameters": [DNR],
                "requestBody": _body(VoidRequest, {"void": {"reason": "Registrerad i fel ärende"}}),
                "responses": {"200": _json("Makulerad", "Registration"), **JSON_BODY, **AUTH,
                              "404": _error("Finns inte"),
                              "409": _error("Redan makulerad, arkiverad eller gallrad")}}},
            "/api/registry/{dnr}": {"get": {"summary": "En registrering", "parameters": [
                {"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"},
                 "description": "Diarienumret; snedstrecket får stå som det är"}],
                "responses": {"200": _json("Registreringen", "Registration"), **AUTH, "404": _error("Finns inte")}},
                "patch": {
                "summary": "Rätta datum, avsändare/mottagare eller beskrivning innan registreringen arkiveras; roll registrar",
                "parameters": [DNR],
                "requestBody": _body(RegistrationAmendment, {"amend": {"party": "Botkyrka kommun, "
                                                                                "kommunledningsförvaltningen"}}),
                "responses": {"200": _json("Registreringen", "Registration"), **JSON_BODY, **AUTH,
                              "404": _error("Finns inte"), "409": _error("Arkiverad, gallrad eller makulerad")}}},
            "/api/registry/{dnr}/archive": {"post": {
                "summary": "Arkivera: fryser registreringen i ett paket (FGS Paketstruktur 2.0 / E-ARK SIP); roll registrar",
                "parameters": [{"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"202": _json("Arkiverad", "Registration"), **AUTH, "404": _error("Finns inte"),
                              "409": _error("Redan arkiverad")}}},
            "/api/registry/{dnr}/hold": {"post": {
                "summary": "Rättslig spärr: {\"hold\": true, \"reason\": \"...\"} hindrar gallring; hold false hävs den",
                "parameters": [{"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": _body(HoldRequest, {"hold": {"hold": True, "reason": "Begäran om utlämnande"},
                                                   "release": {"hold": False}}, required=False),
                "responses": {"200": _json("Registreringen", "Registration"), **JSON_BODY, **AUTH,
                              "404": _error("Finns inte"), "409": _error("Redan gallrad")}}},
            "/api/registry/{dnr}/disposal": {"post": {
                "summary": "Begär gallring ({\"reason\": \"...\"}); en annan registrator måste godkänna",
                "parameters": [{"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": _body(DisposalRequest, {"disposal": {"reason": "Gallringsbeslut 2026:1"}},
                                     required=False),
                "responses": {"202": _json("Begärd", "Registration"), **JSON_BODY, **AUTH, "404": _error("Finns inte"),
                              "409": _error("Spärrad, ska bevaras eller gallringsfristen har inte gått ut")}}},
            "/api/registry/{dnr}/disposal/approve": {"post": {
                "summary": "Godkänn gallring (en annan registrator än den som begärde); registreringen finns kvar som "
                           "spår av att handlingen funnits, filerna tas bort",
                "parameters": [{"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json("Gallrad", "Registration"), **AUTH, "404": _error("Finns inte"),
                              "409": _error("Samma registrator eller inte begärd")}}},
            "/api/registry/{dnr}/package": {"get": {
                "summary": "Arkivpaketet som zip",
                "parameters": [{"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "application/zip"}, **AUTH, "404": _error("Finns inte"),
                              "409": _error("Inte arkiverad")}}},
            "/api/registry/{dnr}/secrecy": {"post": {
                "summary": "Sekretessmarkera delar av en registrering (OSL 5 kap. 2 §): part, beskrivning och/eller "
                           "handlingen själv, med bestämmelsen; diarienummer och datum är alltid offentliga; roll "
                           "registrar",
                "parameters": [DNR],
                "requestBody": _body(SecrecyRequest, {"mark": {"parts": ["party", "description"],
                                                               "provision": "OSL 21 kap. 3 §"}}),
                "responses": {"201": _json("Registreringen med markeringen", "Registration"), **JSON_BODY, **AUTH,
                              "404": _error("Finns inte"), "409": _error("Delen är redan sekretessmarkerad")}}},
            "/api/registry/{dnr}/secrecy/lift": {"post": {
                "summary": "Häv sekretessmarkeringen (mark_id: en av dem; annars alla gällande), med skäl; "
                           "markeringen finns kvar i historiken; roll registrar",
                "parameters": [DNR],
                "requestBody": _body(SecrecyLiftRequest, {"lift": {"reason": "Ny sekretessprövning"}}),
                "responses": {"200": _json("Registreringen", "Registration"), **JSON_BODY, **AUTH,
                              "404": _error("Registreringen eller markeringen finns inte"),
                              "409": _error("Ingen gällande markering")}}},
            "/api/registry/{dnr}/dispatches": {"post": {
                "summary": "Registrera att en upprättad handling expedierats: till vem, adress, sätt, datum "
                           "(i dag om det saknas); roll registrar",
                "parameters": [DNR],
                "requestBody": _body(DispatchRequest, {"dispatch": {
                    "recipient": "Arbetsförmedlingen", "address": "113 99 Stockholm", "method": "post"}}),
                "responses": {"201": _json("Expedieringen", "Dispatch"), **JSON_BODY, **AUTH,
                              "404": _error("Finns inte"),
                              "409": _error("Inkommen handling, arkiverad eller gallrad")}}},
            "/api/registry/{dnr}/dispatches/proposed": {"get": {
                "summary": "Föreslagna mottagare ur utkastets fält: beslutsbrevets mottagare, Likalydande till och "
                           "Kopia till; överenskommelsens myndighet och kommun",
                "parameters": [DNR],
                "responses": {"200": _list("Förslagen", "proposals", "ProposedDispatch"), **AUTH,
                              "404": _error("Finns inte"), "409": _error("Inkommen handling")}}},
            "/api/public/registry": {"get": {
                "summary": f"Offentligt diarium, utan inloggning: {PER_PAGE} registreringar per sida, nyast först, "
                           "utan sekretessmarkerade uppgifter",
                "description": "q söker i diarienummer och de delar som inte är skyddade (aldrig i handlingarnas "
                               "text); page börjar på 1",
                "security": [], "parameters": _query(PublicRegistryQuery, models),
                "responses": {"200": {"description": "En sida av diariet", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["registrations", "page", "per_page", "total"], "properties": {
                        "registrations": {"type": "array",
                                          "items": {"$ref": "#/components/schemas/PublicRegistration"}},
                        "page": {"type": "integer"}, "per_page": {"type": "integer"},
                        "total": {"type": "integer"}}}}}}, **BAD}}},
            "/api/outputs/{id}": {"get": {"summary": "Ett utkast med status, filer, sidornas förhandsbilder och vilka "
                                                     "mall- och fältversioner det gjordes av", "parameters": [ID],
                                          "responses": {"200": _json("Utkastet", "Output"), **AUTH,
                                                        "404": _error("Finns inte")}}},
            "/api/outputs/{id}/files/{name}": {"get": {
                "summary": "Ladda ner en fil", "parameters": [ID, {"name": "name", "in": "path", "required": True,
                                                                 "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Filen (.docx, .pdf, .zip; en förhandsbild .png visas i "
                                                     "webbläsaren)"}, **AUTH, "404": _error("Finns inte")}}},
        },
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(describe())
