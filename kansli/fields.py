"""The fields of each document kind as pages and checks use them; their shapes are in :mod:`kansli.validation`.

The shapes are the extraction contract's (shared/contracts/extraction.md); a correction must keep them,
so that generation can trust what it reads.
"""
from __future__ import annotations

from typing import Any

from pydantic.fields import FieldInfo

from kansli.validation import FIELD_MODELS, Contact, Invalid, check


def _control(info: FieldInfo) -> str:
    extra = info.json_schema_extra
    return str(extra["x-form"]) if isinstance(extra, dict) else "str"


#: Each kind of document as the pages and the registry name it.
KIND_LABELS: dict[str | None, str] = {"district_plan": "Strategisk stadsdelsplan", "report": "Myndighetsrapport",
               "decision": "Regeringsbeslut", "follow_up": "Uppföljningsrapport",
               "unknown": "Okänd dokumenttyp"}
#: kind → field → (form control, Swedish label), read from the models. Controls: str, date, int, text,
#: strlist, period, goals, indicators, values, contact.
SCHEMAS: dict[str, dict[str, tuple[str, str]]] = {
    kind: {name: (_control(info), info.title or name) for name, info in model.model_fields.items()}
    for kind, model in FIELD_MODELS.items()
}
CONTACT_KEYS = tuple(Contact.model_fields)
#: One filled-in example of each kind's fields (the contract's examples): what a new template version
#: is test-rendered with before it is kept.
EXAMPLES: dict[str, dict[str, Any]] = {
    "district_plan": {
        "municipality": "Botkyrka kommun", "districts": ["Alby", "Fittja"], "period": {"start": 2008, "end": 2010},
        "adopted": "2008-04-24", "reference": "KS 2008/214",
        "goals": {"arbete": ["Andelen förvärvsarbetande i åldern 20–64 år ska öka"],
                  "utbildning": ["Fler elever ska nå målen i alla ämnen"],
                  "trygghet": ["Fler ska känna sig trygga i sitt bostadsområde"],
                  "tillvaxt": ["Fler företag ska startas i stadsdelarna"]},
        "indicators": [{"area": "arbete", "name": "Förvärvsfrekvens 20–64 år", "unit": "%",
                        "baseline": {"year": 2006, "value": 52.1}, "target": {"year": 2010, "value": 60.0}}],
        "contact": {"name": "Anna Berg", "title": "utvecklingsstrateg", "email": "anna.berg@botkyrka.se",
                    "phone": "08-530 610 00"},
        "agencies": ["Arbetsförmedlingen", "Försäkringskassan", "Polismyndigheten"],
    },
    "report": {
        "agency": "Försäkringskassan", "year": 2009, "municipalities": ["Malmö kommun", "Uppsala kommun"],
        "reference": "FK-2010/4411", "date": "2010-02-15",
        "proposals": ["En nationell samordnare för urbant utvecklingsarbete bör utses"],
    },
    "decision": {
        "department": "Integrations- och jämställdhetsdepartementet", "date": "2008-05-08",
        "reference": "IJ2008/1234/UF", "addressee": "Arbetsförmedlingen", "addressee_address": "113 99 Stockholm",
        "identical_to": ["Rikspolisstyrelsen", "Försäkringskassan"],
        "title": "Uppdrag att samverka med kommuner som har lokala utvecklingsavtal",
        "decision": "Myndigheterna ska samverka med kommunerna.\n\nUppdraget ska redovisas.",
        "background": "Av budgetpropositionen för 2008 framgår att arbetet ska fortsätta.",
        "municipalities": ["Borås kommun", "Botkyrka kommun"], "signatories": ["Nyamko Sabuni", "Evert Kroes"],
        "copies_to": ["Statsrådsberedningen", "Justitiedepartementet/KRIM"],
    },
    "follow_up": {
        "municipality": "Uppsala kommun", "year": 2009, "districts": ["Gottsunda", "Valsätra"],
        "reference": "KS 2010/118", "date": "2010-03-01",
        "values": [{"area": "arbete", "name": "Förvärvsfrekvens 20–64 år", "unit": "%", "year": 2009, "value": 57.3}],
    },
    "unknown": {"title": "Ett okänt dokument"},
}


class FieldError(Invalid):
    """A correction that does not fit the field's shape; the message names the field."""

    status = 422
    code = "invalid_fields"


def validate(kind: str, changes: Any) -> dict[str, Any]:
    """Check corrections to a document of ``kind``; returns the given fields normalised, or raises FieldError."""
    if not isinstance(changes, dict) or not changes:
        raise FieldError("Skicka ett JSON-objekt med de fält som ska rättas.")
    try:
        return check(FIELD_MODELS.get(kind, FIELD_MODELS["unknown"]), changes).model_dump(exclude_unset=True)
    except Invalid as exc:
        raise FieldError(exc.message) from None
