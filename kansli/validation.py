"""Every shape the service accepts from outside, as pydantic models: one check for the API and the pages.

Field shapes of each document kind (the extraction contract, shared/contracts/extraction.md), the
bodies of the JSON API's requests and the query arguments of its searches are declared once here. The
JSON API validates strictly (no ``"1"`` for a number, no ``true`` for a year); the pages turn their
form text into values first and then pass the same models, so a drafter and an API caller meet the
same limits and the same Swedish messages. JSON bodies are parsed here too (:func:`parse_json`), with
their size, depth and non-numbers (``NaN``, ``Infinity``) refused before any model sees them.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError

from kansli.areas import AREAS
from kansli.models import ROLES
from kansli.registry.terms import DispatchMethod, SecrecyPart
from kansli.status import CaseStatus, Direction, DocumentStatus, RegistrationStatus

#: The largest JSON body the API reads, and how deeply it may nest (the deepest real body nests 4).
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 20
#: A one-line value (a name, a reference, one goal); a section of running text; entries in a list.
MAX_LINE = 1000
MAX_TEXT = 20_000
MAX_ITEMS = 500
#: Search text and other short values a person types.
MAX_SHORT = 200
#: Database ids are 32-bit integers; years are those a plan, report or decision can be about.
MAX_ID = 2**31 - 1
MIN_YEAR, MAX_YEAR = 1900, 2100
#: Measured values (percentages, counts, kronor) stay far inside what JSON and the databases hold exactly.
MAX_NUMBER = 1e15

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: Where in a request a value is (keys and list positions, as pydantic gives them).
Loc = tuple[int | str, ...]


class Invalid(ValueError):
    """A request refused at the edge; the Swedish message names the field and says what to send.

    ``problems`` holds every problem with where it is, so that a form can mark each wrong field, not
    only the first; ``message`` sums up the first few for an API answer.
    """

    status = 400
    code = "bad_request"

    def __init__(self, message: str, problems: list[tuple[Loc, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[tuple[Loc, str]] = problems if problems is not None else [((), message)]


class TooLarge(Invalid):
    status = 413
    code = "too_large"


# --- JSON bodies ---

def _no_constant(name: str) -> Any:
    raise Invalid(f"{name} är inget tal; JSON tillåter bara ändliga tal.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Invalid(f"Talet {text[:20]} är för stort.")
    return value


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_json(data: bytes | str) -> Any:
    """The JSON value of a request body, or Invalid: a body nobody should need is refused before it is read.

    Python's parser accepts ``NaN`` and ``Infinity``, which are not JSON, would be stored as they are and
    then written back as invalid JSON to every reader; and it recurses once per level of nesting.
    """
    if len(data) > MAX_JSON_BYTES:
        raise TooLarge(f"JSON-innehållet är större än {MAX_JSON_BYTES // 1024} kB.")
    too_deep = f"JSON-innehållet är nästlat i fler än {MAX_JSON_DEPTH} nivåer."
    try:
        value = json.loads(data, parse_constant=_no_constant, parse_float=_finite)
    except Invalid:
        raise
    except RecursionError:
        raise Invalid(too_deep) from None
    except ValueError:
        raise Invalid("Innehållet är ingen giltig JSON; kontrollera citattecken, kommatecken och klamrar.") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise Invalid(too_deep)
    return value


# --- building blocks ---

def is_plain(value: str, limit: int = MAX_SHORT) -> bool:
    """Whether a value from a URL can be looked up: short, and without control characters PostgreSQL refuses."""
    return len(value) <= limit and not _CONTROL.search(value)


def _error(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


def _stripped(value: Any) -> Any:
    """Control characters (other than line breaks and tabs) as text layers of PDFs carry them: left out."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _clean(value: Any) -> Any:
    """Typed or sent text must not carry control characters: PostgreSQL refuses NUL, and none has a meaning."""
    if isinstance(value, str) and _CONTROL.search(value):
        raise _error("control", "innehåller styrtecken (som NUL) som inte är tillåtna")
    return value


def _single_spaced(value: str) -> str | None:
    return " ".join(value.split()) or None


def _trimmed(value: str) -> str | None:
    return value.strip() or None


def _iso_date(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise _error("date", "ska vara ett datum som finns, på formen ÅÅÅÅ-MM-DD") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _error("date", f"ska vara ett datum mellan år {MIN_YEAR} och {MAX_YEAR}")
    return value


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _error("number", "ska vara ett tal")
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        limit = f"{MAX_NUMBER:,.0f}".replace(",", " ")
        raise _error("number", f"ska vara ett ändligt tal mellan −{limit} och {limit}")
    return value


def _none_as(empty: Callable[[], Any]) -> BeforeValidator:
    """A field the document lacks is ``null``, ``[]`` or ``{}`` by the contract: never missing."""
    return BeforeValidator(lambda value: empty() if value is None or value == "" else value)


def _without_blanks(values: list[str | None]) -> list[str]:
    return [v for v in values if v]


#: A one-line field value: trimmed and single-spaced, as extraction normalises it.
Line = Annotated[
    Annotated[str, Field(max_length=MAX_LINE), BeforeValidator(_stripped), AfterValidator(_single_spaced)] | None,
    BeforeValidator(_blank_none),
]
#: A section of running text: paragraphs stay apart.
Text = Annotated[
    Annotated[str, Field(max_length=MAX_TEXT), BeforeValidator(_stripped), AfterValidator(_trimmed)] | None,
    BeforeValidator(_blank_none),
]
IsoDate = Annotated[
    Annotated[str, Field(max_length=40), AfterValidator(_iso_date)] | None,
    BeforeValidator(_blank_none), WithJsonSchema({"type": "string", "format": "date", "nullable": True}),
]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Number = Annotated[int | float | None, PlainValidator(_number), WithJsonSchema({"type": "number", "nullable": True})]
Lines = Annotated[list[Line], _none_as(list), Field(max_length=MAX_ITEMS), AfterValidator(_without_blanks)]
#: A value a person types in a request (a party, a reason, search text): refused, not cleaned, if odd.
Short = Annotated[str, Field(max_length=MAX_SHORT), BeforeValidator(_clean)]
Note = Annotated[str, Field(max_length=MAX_LINE), BeforeValidator(_clean)]


def _area(value: Any) -> Any:
    if value is not None and value not in AREAS:
        raise _error("area", f"ska vara ett av områdena {', '.join(AREAS)}")
    return value


Area = Annotated[str | None, AfterValidator(_area), WithJsonSchema({"type": "string", "enum": list(AREAS),
                                                                    "nullable": True})]
AreaKey = Annotated[str, AfterValidator(_area)]


def _form(kind: str, label: str) -> Any:
    """A field of a document kind, with its Swedish label and the form control the review page shows."""
    return Field(None, title=label, json_schema_extra={"x-form": kind})


class Shape(BaseModel):
    """Strict: JSON's types as they are, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Period(Shape):
    start: Year = Field(title="Startår")
    end: Year = Field(title="Slutår")

    @model_validator(mode="before")
    @classmethod
    def _both(cls, value: Any) -> Any:
        if isinstance(value, dict) and (value.get("start") is None or value.get("end") is None):
            raise _error("period", "behöver både startår och slutår")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise _error("period", "kan inte ha startåret efter slutåret")
        return self


class Contact(Shape):
    name: Line = Field(None, title="Namn")
    title: Line = Field(None, title="Titel")
    email: Line = Field(None, title="E-post")
    phone: Line = Field(None, title="Telefon")


class Point(Shape):
    year: Year | None = Field(None, title="År")
    value: Number = Field(None, title="Värde")


class Indicator(Shape):
    area: Area = Field(None, title="Område")
    name: Line = Field(None, title="Namn")
    unit: Line = Field(None, title="Enhet")
    baseline: Annotated[Point, _none_as(dict)] = Field(default_factory=Point, title="Utgångsläge")
    target: Annotated[Point, _none_as(dict)] = Field(default_factory=Point, title="Mål")

    @model_validator(mode="after")
    def _named(self) -> Indicator:
        if not self.name:
            raise _error("indicator", "behöver ett namn")
        return self


def _without_empty_areas(goals: dict[str, list[str]]) -> dict[str, list[str]]:
    return {area: lines for area, lines in goals.items() if lines}


_LINES_SCHEMA = {"type": "array", "maxItems": MAX_ITEMS, "items": {"type": "string", "maxLength": MAX_LINE}}
Goals = Annotated[dict[AreaKey, Lines], _none_as(dict), AfterValidator(_without_empty_areas),
                  WithJsonSchema({"type": "object", "properties": {area: _LINES_SCHEMA for area in AREAS},
                                  "additionalProperties": False, "nullable": True})]
MaybePeriod = Annotated[Period | None, BeforeValidator(_blank_none)]
MaybeContact = Annotated[Contact, _none_as(dict)]
Indicators = Annotated[list[Indicator], _none_as(list), Field(max_length=MAX_ITEMS)]


class DistrictPlanFields(Shape):
    municipality: Line = _form("str", "Kommun")
    districts: Lines = _form("strlist", "Stadsdelar")
    period: MaybePeriod = _form("period", "Planperiod")
    adopted: IsoDate = _form("date", "Antagen")
    reference: Line = _form("str", "Diarienummer")
    goals: Goals = _form("goals", "Mål per område")
    indicators: Indicators = _form("indicators", "Indikatorer")
    contact: MaybeContact = _form("contact", "Kontaktperson")
    agencies: Lines = _form("strlist", "Myndigheter i partnerskapet")


class ReportFields(Shape):
    agency: Line = _form("str", "Myndighet")
    year: Year | None = _form("int", "Redovisningsår")
    municipalities: Lines = _form("strlist", "Kommuner")
    reference: Line = _form("str", "Diarienummer")
    date: IsoDate = _form("date", "Datum")
    proposals: Lines = _form("strlist", "Förslag till åtgärder")


class DecisionFields(Shape):
    department: Line = _form("str", "Departement")
    date: IsoDate = _form("date", "Datum")
    reference: Line = _form("str", "Diarienummer")
    addressee: Line = _form("str", "Mottagare")
    addressee_address: Line = _form("str", "Mottagarens adress")
    identical_to: Lines = _form("strlist", "Likalydande till")
    title: Line = _form("str", "Rubrik")
    decision: Text = _form("text", "Regeringens beslut")
    background: Text = _form("text", "Bakgrund")
    municipalities: Lines = _form("strlist", "Kommuner")
    signatories: Lines = _form("strlist", "Undertecknare")
    copies_to: Lines = _form("strlist", "Kopia till")


class ReportedValue(Shape):
    """One indicator's outcome as a follow-up report gives it."""

    area: Area = Field(None, title="Område")
    name: Line = Field(None, title="Namn")
    unit: Line = Field(None, title="Enhet")
    year: Year | None = Field(None, title="År")
    value: Number = Field(None, title="Värde")

    @model_validator(mode="after")
    def _named(self) -> ReportedValue:
        if not self.name:
            raise _error("indicator", "behöver ett namn")
        return self


class FollowUpFields(Shape):
    municipality: Line = _form("str", "Kommun")
    year: Year | None = _form("int", "Uppföljningsår")
    districts: Lines = _form("strlist", "Stadsdelar")
    reference: Line = _form("str", "Diarienummer")
    date: IsoDate = _form("date", "Datum")
    values: Annotated[list[ReportedValue], _none_as(list), Field(max_length=MAX_ITEMS)] = _form(
        "values", "Redovisade värden")


class UnknownFields(Shape):
    title: Line = _form("str", "Rubrik")


def _item(value: Any) -> str | None:
    """The letter's item number (punkt), sent as text or as a number."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return str(value)
    if isinstance(value, str) and len(value) <= MAX_SHORT:
        return _single_spaced(_stripped(value))
    raise _error("item", f"ska vara ett nummer eller en text på högst {MAX_SHORT} tecken")


class DecisionLetterFields(DecisionFields):
    """A decision letter drafted from fields given in the request, rather than from an uploaded decision."""

    item: Annotated[str | None, PlainValidator(_item), WithJsonSchema({"type": "string", "nullable": True})] = Field(
        None, title="Punkt")


#: Each document kind's fields, as extraction returns them and a drafter corrects them.
FIELD_MODELS: dict[str, type[Shape]] = {"district_plan": DistrictPlanFields, "report": ReportFields,
                                        "decision": DecisionFields, "follow_up": FollowUpFields,
                                        "unknown": UnknownFields}


# --- request bodies and query arguments ---

class OutputRequest(Shape):
    """``POST /api/outputs``; which keys a kind needs is the kind's own check (kansli.outputs)."""

    kind: Short | None = None
    document_id: Id | None = None
    document_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_SHORT)] | None = None
    agency: Short | None = None
    fields: dict[str, Any] | None = Field(None, description="Beslutets fält (kind decision), som i DecisionLetterFields")
    revises: Id | None = Field(None, description="Utkastet (id) med den överenskommelse som revideras (kind agreement): "
                                                 "den nya får en lista över vad som ändrats i stadsdelsplanen")


def _filled(value: str) -> str:
    if not value.strip():
        raise _error("blank", "får inte vara tomt")
    return value.strip()


#: A required line a person types (a title, a reason): not empty once trimmed.
Filled = Annotated[Note, AfterValidator(_filled)]


class RegistrationRequest(Shape):
    """``POST /api/registry``: exactly one of the ids, and optionally the registrar's own wording.

    Without ``case`` the item opens a new case as its document 1; ``direction`` defaults to incoming for
    an upload and outgoing for an output.
    """

    document_id: Id | None = None
    output_id: Id | None = None
    party: Short | None = None
    description: Note | None = None
    case: Short | None = Field(None, title="Ärende", description="Ärendets diarienummer, t.ex. KAN 2026/17")
    direction: Annotated[Direction, Field(strict=False)] | None = Field(None, title="Riktning")
    signed_copy_of: Short | None = Field(None, title="Undertecknad kopia av",
                                         description="Diarienumret på den samverkansöverenskommelse som handlingen "
                                                     "är den undertecknade kopian av; registreras i samma ärende")


class PartnershipRequest(Shape):
    """``POST /api/partnerships``: open a municipality's partnership case by hand."""

    municipality: Annotated[str, Field(max_length=100), BeforeValidator(_clean), AfterValidator(_filled)] = Field(
        title="Kommun")
    officer: Short | None = Field(None, title="Handläggare", description="Användarnamnet på handläggaren")


class CaseRequest(Shape):
    """``POST /api/cases``: a new case; the officer is named by user name."""

    title: Filled = Field(title="Rubrik")
    municipality: Short | None = Field(None, title="Kommun")
    officer: Short | None = Field(None, title="Handläggare", description="Användarnamnet på handläggaren")
    partnership: bool = Field(False, title="Partnerskapsärende",
                              description="Ärendet är kommunens lokala partnerskap (kräver municipality)")


class VoidRequest(Shape):
    """``POST /api/registry/<dnr>/void``: why the registration is voided (makuleras)."""

    reason: Filled = Field(title="Skäl")


class RegistrationAmendment(Shape):
    """``PATCH /api/registry/<dnr>``: corrected particulars; only those given are changed."""

    date: IsoDate = Field(None, title="Datum")
    party: Short | None = Field(None, title="Avsändare/mottagare")
    description: Note | None = Field(None, title="Beskrivning")


class HoldRequest(Shape):
    hold: bool = True
    reason: Note | None = None


class DisposalRequest(Shape):
    reason: Note | None = None


def _parts(value: Any) -> Any:
    """The parts a secrecy marking covers: known ones, at least one; the number and date are always public."""
    if not isinstance(value, list):
        return value  # pydantic says "ska vara en lista"
    choices = ", ".join(f"{p.value} ({p.label})" for p in SecrecyPart)
    if not value:
        raise _error("secrecy_part", f"saknas; ange vad som skyddas: {choices}")
    for part in value:
        if part not in set(SecrecyPart):
            shown = str(part)[:40] if isinstance(part, str) else json.dumps(part)[:40]
            raise _error("secrecy_part", f"innehåller ”{shown}”, som inte kan skyddas; välj bland {choices} "
                                         f"(diarienummer och datum är alltid offentliga)")
    return list(dict.fromkeys(value))


_PROVISION = re.compile(r"OSL\s.*?\d+\s*kap\..*?\d+\s*[a-z]?\s*§.*")


def _provision(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise _error("provision", "saknas; ange lagrummet, t.ex. ”OSL 21 kap. 3 §”")
    if not _PROVISION.fullmatch(value):
        raise _error("provision", "ska börja med OSL och ange kapitel och paragraf, t.ex. ”OSL 21 kap. 3 §”")
    return value


def _required(what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.strip():
            raise _error("required", f"saknas; {what}")
        return value.strip()

    return check


class SecrecyRequest(Shape):
    """``POST /api/registry/<dnr>/secrecy``: which parts are secret, and under which provision."""

    parts: Annotated[list[str], BeforeValidator(_parts), Field(max_length=len(SecrecyPart)), WithJsonSchema(
        {"type": "array", "minItems": 1, "items": {"type": "string", "enum": [str(p) for p in SecrecyPart]}})
    ] = Field(title="Delar")
    provision: Annotated[Short, AfterValidator(_provision)] = Field(title="Bestämmelse")


class SecrecyLiftRequest(Shape):
    """``POST /api/registry/<dnr>/secrecy/lift``: why; without ``mark_id`` every marking in force is lifted."""

    reason: Annotated[Note, AfterValidator(_required("ange varför markeringen hävs, t.ex. en ny sekretessprövning"))
                      ] = Field(title="Skäl")
    mark_id: Id | None = Field(None, title="Markering")


def _method(value: str) -> str:
    if value not in set(DispatchMethod):
        choices = [f"{m.value} ({m.label})" for m in DispatchMethod]
        raise _error("method", f"ska vara {', '.join(choices[:-1])} eller {choices[-1]}")
    return value


class DispatchRequest(Shape):
    """``POST /api/registry/<dnr>/dispatches``: an outgoing document sent, to whom, where and how."""

    recipient: Annotated[Short, AfterValidator(_required("ange vem handlingen skickades till"))] = Field(
        title="Mottagare")
    address: Note | None = Field(None, title="Adress eller e-post")
    method: Annotated[str, AfterValidator(_method), WithJsonSchema(
        {"type": "string", "enum": [str(m) for m in DispatchMethod]})] = Field(title="Sätt")
    date: IsoDate = Field(None, title="Datum")


class IndicatorMatchRequest(Shape):
    """``PUT /api/indicators/matches``: which plan indicator a follow-up report's name means."""

    municipality: Annotated[Short, Field(min_length=1)]
    reported_name: Annotated[Note, Field(min_length=1)]
    indicator: Annotated[Note, Field(min_length=1)]


class Query(BaseModel):
    """Query arguments arrive as text: numbers are read from digits (lax), everything else is bounded."""

    model_config = ConfigDict(extra="ignore")


def _digits(value: Any) -> Any:
    # Python's int() reads "²" and "٣" as digits; only ASCII digits are a number here.
    if isinstance(value, str) and not re.fullmatch(r"\s*[0-9]{1,30}\s*", value):
        raise _error("digits", "ska vara ett heltal skrivet med siffrorna 0–9")
    return value


def _comma_separated(value: Any) -> Any:
    return [part for part in value.split(",") if part.strip()] if isinstance(value, str) else value


QueryId = Annotated[Id, BeforeValidator(_digits)]
QueryYear = Annotated[Year, BeforeValidator(_digits)]


class DocumentSort(StrEnum):
    """How the document list is ordered: ``newest`` (upload order, the default), ``oldest``, ``name``, ``status``."""

    NEWEST = "newest"
    OLDEST = "oldest"
    NAME = "name"
    STATUS = "status"


#: Documents on one page of the list unless ``per_page`` says otherwise; the API's list is longer.
PAGE_SIZE, API_PAGE_SIZE, MAX_PAGE_SIZE = 25, 200, 200


class DocumentQuery(Query):
    """``GET /api/documents`` and the document list's form: filters, order and page, all optional.

    A blank value (an untouched field of the page's GET form) means no filter.
    """

    ids: Annotated[list[QueryId], BeforeValidator(_comma_separated), Field(max_length=MAX_SHORT)] | None = None
    q: Short | None = Field(None, title="Sök", description="Fritext i filnamn, fält och dokumentets text")
    kind: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")] | None = Field(None, title="Typ")
    status: DocumentStatus | None = Field(None, title="Status")
    municipality: Short | None = Field(None, title="Kommun",
                                       description="\"Uppsala\" hittar också \"Uppsala kommun\"")
    uploader: Short | None = Field(None, title="Uppladdad av", description="Användarnamnet")
    since: IsoDate = Field(None, title="Uppladdad från", description="Första dagen (svensk tid), ÅÅÅÅ-MM-DD")
    until: IsoDate = Field(None, title="Uppladdad till", description="Sista dagen (svensk tid), ÅÅÅÅ-MM-DD")
    sort: DocumentSort = Field(DocumentSort.NEWEST, title="Sortering")
    page: Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_digits)] = Field(1, title="Sida")
    per_page: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE), BeforeValidator(_digits)] | None = Field(
        None, title="Per sida")

    @model_validator(mode="before")
    @classmethod
    def _blanks_unset(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v != ""} if isinstance(data, dict) else data


class OutputQuery(Query):
    document_id: QueryId | None = None


class CaseQuery(Query):
    q: Short | None = None
    status: CaseStatus | None = None
    municipality: Short | None = None


class IndicatorQuery(Query):
    municipality: Short | None = None
    district: Short | None = None
    area: AreaKey | None = None


class RegistryQuery(Query):
    q: Short | None = None
    kind: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")] | None = None
    municipality: Short | None = None
    year: QueryYear | None = None
    status: RegistrationStatus | None = None


# --- the admin's forms for users ---

def _role(value: Any) -> Any:
    if value not in ROLES:
        raise _error("role", f"ska vara en av {', '.join(ROLES)}")
    return value


def _typed(value: Any) -> Any:
    """A form's required text: what was typed, trimmed; empty is "behöver fyllas i"."""
    if isinstance(value, str) and not value.strip():
        raise _error("required", "behöver fyllas i")
    return value.strip() if isinstance(value, str) else value


def _same_password(value: str, info: ValidationInfo) -> str:
    if value != info.data.get("password"):
        raise _error("same", "stämmer inte med lösenordet; skriv samma lösenord två gånger")
    return value


Password = Annotated[str, Field(min_length=8, max_length=MAX_SHORT, title="Lösenord")]
PasswordAgain = Annotated[str, AfterValidator(_same_password), Field(title="Lösenordet igen")]
TokenDays = Annotated[int, Field(ge=0, le=3650, title="Giltig i dagar")]


def _given(value: Any) -> Any:
    """A password as typed (spaces are part of it), but not empty."""
    if value == "":
        raise _error("required", "behöver fyllas i")
    return value


class NewPassword(BaseModel):
    """The form after a login with a temporary password (a reset, a new account): the user's own, typed twice."""

    password: Password
    password_again: PasswordAgain


class OwnPassword(BaseModel):
    """The form where a user changes their password: the current one, then the new one twice (in the form's
    order)."""

    current_password: Annotated[str, BeforeValidator(_given), Field(max_length=MAX_SHORT, title="Nuvarande lösenord")]
    password: Password
    password_again: PasswordAgain


class NewUser(BaseModel):
    """An admin's form: a new user and their role (the password is a generated temporary one)."""

    name: Annotated[str, BeforeValidator(_typed), BeforeValidator(_clean), Field(max_length=100, title="Användarnamn")]
    role: Annotated[str, AfterValidator(_role), Field(title="Roll")]


class NewToken(BaseModel):
    """An admin's form: an API token for a user, valid for ``days`` (0: until revoked)."""

    days: Annotated[TokenDays, BeforeValidator(_digits)]

class PublicRegistryQuery(Query):
    """The public diary's search: no filters on what may be secret (kind, municipality), one page at a time."""

    q: Short | None = Field(None, title="Söktext")
    year: QueryYear | None = Field(None, title="År")
    page: Annotated[Annotated[int, Field(ge=1, le=10_000)], BeforeValidator(_digits)] = Field(1, title="Sida")


# --- checking, and saying what is wrong in Swedish ---

_SAYS = {
    "missing": "saknas",
    "int_type": "ska vara ett heltal", "int_parsing": "ska vara ett heltal", "int_from_float": "ska vara ett heltal",
    "string_type": "ska vara text", "bool_type": "ska vara true eller false", "bool_parsing": "ska vara true eller false",
    "list_type": "ska vara en lista", "dict_type": "ska vara ett JSON-objekt", "model_type": "ska vara ett JSON-objekt",
    "model_attributes_type": "ska vara ett JSON-objekt", "string_too_long": "får vara högst {max_length} tecken",
    "too_long": "får ha högst {max_length} poster",
    "string_too_short": "ska ha minst {min_length} tecken", "too_short": "behöver minst {min_length} post",
    "greater_than_equal": "ska vara minst {ge}", "less_than_equal": "får vara högst {le}",
    "enum": "ska vara en av {expected}", "string_pattern_mismatch": "har ett ogiltigt format",
}
#: Our own checks' error types: their messages are Swedish already.
_OWN = {"control", "date", "number", "period", "area", "indicator", "item", "digits", "secrecy_part", "provision",
        "required", "method", "blank", "role", "same"}


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if found := _nested_model(arg):
            return found
    return None


def _labels(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Where in the body a problem is: fields by their Swedish label (keys without one quoted), rows from 1."""
    labels: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            labels.append(f"rad {part + 1}")
        elif current is not None and part in current.model_fields:
            info: FieldInfo = current.model_fields[part]
            labels.append(info.title.capitalize() if info.title else f'"{part}"')
            current = _nested_model(info.annotation)
        elif part in AREAS:
            labels.append(AREAS[part].label)
        elif part != "[key]":
            labels.append(f'"{part}"')
    return labels


def _sentence(model: type[BaseModel], error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return f"Okänt fält: {'.'.join(str(p) for p in error['loc'])}."
    if error["type"] in _OWN:
        says = error["msg"]
    else:
        ctx = {k: f"{v:g}" if isinstance(v, float) else str(v).replace(" or ", " eller ")
               for k, v in (error.get("ctx") or {}).items()}
        says = _SAYS.get(error["type"], "har ett ogiltigt värde").format(**ctx)
    *outer, inner = _labels(model, error["loc"]) or ["Innehållet"]
    return f"{', '.join(outer)}: {inner[:1].upper()}{inner[1:]} {says}." if outer else f"{inner} {says}."


def problems(model: type[BaseModel], exc: ValidationError) -> list[tuple[Loc, str]]:
    """Every problem as where it is and one Swedish sentence naming its field."""
    return [(tuple(error["loc"]), _sentence(model, error)) for error in exc.errors(include_url=False)]


def message(model: type[BaseModel], exc: ValidationError) -> str:
    """One Swedish sentence per problem (at most three), each naming its field."""
    sentences = dict.fromkeys(sentence for _loc, sentence in problems(model, exc))
    return " ".join(list(sentences)[:3])


M = TypeVar("M", bound=BaseModel)


def check(model: type[M], data: Any, *, strict: bool | None = None) -> M:
    """``data`` as ``model``, or Invalid with a message a clerk can act on."""
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise Invalid(message(model, exc), problems(model, exc)) from None
