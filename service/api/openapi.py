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

from kansli.fields import EXAMPLES, SCHEMAS
from kansli.models import AGENCIES
from kansli.outputs import KINDS, MEDIA_TYPES, template_variables
from kansli.status import DocumentStatus, OutputStatus, RegistrationStatus
from kansli.validation import (
    FIELD_MODELS,
    MAX_ID,
    DecisionLetterFields,
    DisposalRequest,
    DocumentQuery,
    HoldRequest,
    OutputQuery,
    OutputRequest,
    RegistrationRequest,
    RegistryQuery,
)
from service.api import bp

_BODIES: list[type[BaseModel]] = [*FIELD_MODELS.values(), DecisionLetterFields, OutputRequest, RegistrationRequest,
                                  HoldRequest, DisposalRequest]
_QUERIES: list[type[BaseModel]] = [DocumentQuery, OutputQuery, RegistryQuery]


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


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [str(v) for v in values]}


IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "maxLength": 200},
               "description": "Valfri nyckel per begäran: ett nytt försök med samma nyckel ger samma svar igen, "
                              "och inget skapas två gånger"}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
AUTH = {"401": _error("Ingen eller ogiltig API-nyckel"), "403": _error("Rollen saknar behörighet")}
#: A query argument or JSON body the models refuse; a JSON body over 1 MB.
BAD = {"400": _error("Ogiltiga uppgifter; meddelandet namnger fältet")}
JSON_BODY = {**BAD, "413": _error("JSON-innehållet är för stort")}

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
                "Extraction": {"type": "object", "description": "Se shared/contracts/extraction.md.",
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
                                 "kind": {"nullable": True, **_enum(SCHEMAS)}, "size": {"type": "integer"},
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
                               "files": {"type": "array", "items": {"type": "object", "properties": {
                                   "name": {"type": "string"}, "format": _enum(MEDIA_TYPES),
                                   "sha256": {"type": "string"}, "size": {"type": "integer"},
                                   "url": {"type": "string"}}}}}},
               "Registration": {"type": "object", "required": ["dnr", "status", "direction", "date", "description"],
                                 "properties": {
                                     "id": {"type": "integer"}, "dnr": {"type": "string"},
                                     "direction": _enum(["incoming", "outgoing"]),
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
                                     "disposed_at": {"type": "string", "format": "date-time", "nullable": True}}},
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
                "get": {"summary": "Senaste dokumenten (högst 200), eller de med id:n ids (kommaseparerade)",
                        "parameters": _query(DocumentQuery, models),
                        "responses": {"200": _list("Dokumenten", "documents", "Document"), **BAD, **AUTH}},
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
                                                          "404": _error("Finns inte")}}},
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
                                        "kommun i beslutet, ifylld från kommunens stadsdelsplan där en finns; en zip.",
                         "requestBody": _body(OutputRequest, {
                             "agreement": {"kind": "agreement", "document_id": 1, "agency": AGENCIES[0]},
                             "decision": {"kind": "decision", "fields": {**EXAMPLES["decision"], "item": "5"}},
                             "report": {"kind": "report", "document_ids": [1, 2]},
                             "batch": {"kind": "batch", "document_id": 1, "agency": AGENCIES[0]}}),
                         "parameters": [IDEMPOTENCY],
                         "responses": {"202": _json("Köad", "Queued"), **JSON_BODY, **AUTH,
                                       "200": _json("Samma Idempotency-Key som förut: det utkast den begäran gav",
                                                    "Queued"),
                                       "404": _error("Dokumentet finns inte"),
                                       "409": _error("Dokumentet är inte färdigläst eller av fel typ"),
                                       "422": _error("Fälten räcker inte för utkastet")}}},
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
                "post": {"summary": "Registrera ett dokument (inkommet) eller ett klart utkast (upprättat); roll registrar",
                         "requestBody": _body(RegistrationRequest, {
                             "document": {"document_id": 1},
                             "output": {"output_id": 1, "party": "Botkyrka kommun",
                                        "description": "Samverkansöverenskommelse"}}),
                         "responses": {"201": _json("Registreringen med diarienummer (dnr)", "Registration"),
                                       **JSON_BODY, **AUTH, "404": _error("Finns inte"),
                                       "409": _error("Utkastet är inte klart")}}},
            "/api/registry/{dnr}": {"get": {"summary": "En registrering", "parameters": [
                {"name": "dnr", "in": "path", "required": True, "schema": {"type": "string"},
                 "description": "Diarienumret; snedstrecket får stå som det är"}],
                "responses": {"200": _json("Registreringen", "Registration"), **AUTH, "404": _error("Finns inte")}}},
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
            "/api/outputs/{id}": {"get": {"summary": "Ett utkast med status och filer", "parameters": [ID],
                                          "responses": {"200": _json("Utkastet", "Output"), **AUTH,
                                                        "404": _error("Finns inte")}}},
            "/api/outputs/{id}/files/{name}": {"get": {
                "summary": "Ladda ner en fil", "parameters": [ID, {"name": "name", "in": "path", "required": True,
                                                                 "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Filen (.docx)"}, **AUTH, "404": _error("Finns inte")}}},
        },
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(describe())
