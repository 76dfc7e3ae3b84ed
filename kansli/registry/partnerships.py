"""The partnership register: per municipality, its partnership case, current plan, agreements and reports.

Only the link from a municipality to its case is stored (:class:`~kansli.models.Partnership`); everything the
register shows is read from the registrations, so it can never disagree with the diarium:

- a municipality's plans are its registered strategic district plans, numbered 1, 2, … in the order they
  were adopted (the registration date where a plan gives none); the last is the current plan;
- an agency's agreement is the newest agreement drafted for it and the municipality, unless its registration
  was voided: a *draft* until its registration is dispatched (*sent*), *signed* once an incoming registration
  records that it is the signed copy; it is *out of date* when drafted from any plan but the current one;
- reports received are the registered agency reports that name the municipality, per year reported on.

Municipalities are those the registered government decisions name, those with a partnership and those with
a registered plan.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kansli.models import AGENCIES, Case, Document, Output, Partnership, Registration
from kansli.names import municipality_key
from kansli.registry.errors import RegistryError
from kansli.registry.numbering import open_case
from kansli.status import AgreementStatus, Direction, OutputStatus, RegistrationStatus

#: Swedish alphabetical order: å, ä, ö after z.
_SWEDISH = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})


def _sort_key(name: str) -> str:
    return name.casefold().translate(_SWEDISH)


def title(municipality: str) -> str:
    return f"Lokalt partnerskap – {municipality}"


def find(session: Session, municipality: str) -> Partnership | None:
    return session.scalar(select(Partnership).where(Partnership.municipality_key == municipality_key(municipality)))


def attach(session: Session, case: Case, municipality: str) -> Partnership:
    """Make ``case`` the partnership case of ``municipality``; a municipality has one partnership."""
    if len(municipality) > 100:
        raise RegistryError(400, "Kommunens namn får vara högst 100 tecken.")
    if (earlier := find(session, municipality)) is not None:
        raise RegistryError(409, f"{earlier.municipality} har redan ett partnerskapsärende, {earlier.case.dnr}.")
    partnership = Partnership(municipality_key=municipality_key(municipality), municipality=municipality, case=case)
    session.add(partnership)
    session.flush()
    return partnership


def open_partnership(session: Session, prefix: str, municipality: str, officer_id: int | None = None) -> Partnership:
    """Open the partnership case of ``municipality`` under the year's next number."""
    if (earlier := find(session, municipality)) is not None:  # before a number is taken, so none is wasted
        raise RegistryError(409, f"{earlier.municipality} har redan ett partnerskapsärende, {earlier.case.dnr}.")
    case = open_case(session, prefix, title(municipality), municipality=municipality, officer_id=officer_id)
    return attach(session, case, municipality)


def _item(session: Session, document_id: int | None, output_id: int | None) -> tuple[str | None, dict[str, Any]]:
    """The kind and fields of what is about to be registered (nothing where it is not there or not read yet)."""
    if document_id is not None and (doc := session.get(Document, document_id)) is not None:
        return doc.kind, doc.current_fields() or {}
    if output_id is not None and (output := session.get(Output, output_id)) is not None:
        return output.kind, output.fields or {}
    return None, {}


def filing_case(session: Session, prefix: str, document_id: int | None,
                output_id: int | None) -> tuple[str | None, Partnership | None]:
    """The partnership case an item registered without a case belongs in, and the partnership opened for it.

    A plan or an agreement goes into its municipality's partnership case, opened with it where there is none
    yet; an agency report into the partnership case of the one municipality it names, where there is one.
    Anything else (and a report naming several municipalities) opens a case of its own: (None, None).
    """
    kind, fields = _item(session, document_id, output_id)
    municipality = fields.get("municipality")
    if kind in ("district_plan", "agreement") and isinstance(municipality, str) and 0 < len(municipality) <= 100:
        if (partnership := find(session, municipality)) is not None:
            return partnership.case.dnr, None
        opened = open_partnership(session, prefix, municipality)
        return opened.case.dnr, opened
    named = fields.get("municipalities")
    if kind == "report" and isinstance(named, list) and len(named) == 1 and isinstance(named[0], str):
        if (partnership := find(session, named[0])) is not None:
            return partnership.case.dnr, None
    return None, None


def signed_copy_target(session: Session, dnr: str, case: str | None, output_id: int | None,
                       direction: str | None) -> Registration:
    """The agreement registration that an incoming signed copy names; it must be filed in the same case."""
    if output_id is not None or direction not in (None, Direction.INCOMING):
        raise RegistryError(409, "En undertecknad kopia registreras som inkommande handling: ange den uppladdade "
                                 "filen (document_id).")
    target = session.scalar(select(Registration).where(Registration.dnr == dnr))
    if target is None:
        raise RegistryError(404, f"{dnr} finns inte i diariet; ange diarienumret på överenskommelsen som kopian gäller.")
    if target.status == RegistrationStatus.VOIDED:
        raise RegistryError(409, f"{dnr} är makulerad; ange diarienumret på den överenskommelse som gäller.")
    if target.output is None or target.output.kind != "agreement":
        raise RegistryError(409, f"{dnr} är ingen samverkansöverenskommelse; ange överenskommelsens diarienummer.")
    if case is not None and case != target.case.dnr:
        raise RegistryError(409, f"Den undertecknade kopian ska registreras i samma ärende som överenskommelsen, "
                                 f"{target.case.dnr}.")
    return target


def _live_registrations(session: Session) -> list[Registration]:
    return list(session.scalars(
        select(Registration).where(Registration.status != RegistrationStatus.VOIDED)
        .options(selectinload(Registration.dispatches), selectinload(Registration.case))))


def _agreement(agency: str, output: Output | None, by_output: dict[int, Registration], signed: set[int],
               versions: dict[int, int], current_plan: dict[str, Any] | None) -> dict[str, Any]:
    """An agency's agreement with the municipality, as the register shows it."""
    if output is None:
        return {"agency": agency, "status": AgreementStatus.NONE, "status_text": AgreementStatus.NONE.label,
                "output_id": None, "dnr": None, "plan_version": None, "out_of_date": False, "revises": None}
    registration = by_output.get(output.id)
    status = (AgreementStatus.SIGNED if registration is not None and registration.id in signed else
              AgreementStatus.SENT if registration is not None and registration.dispatches else AgreementStatus.DRAFT)
    revision = (output.fields or {}).get("revision")
    return {"agency": agency, "status": status, "status_text": status.label, "output_id": output.id,
            "dnr": registration.dnr if registration is not None else None,
            "plan_version": versions.get(output.document_id or 0),
            "out_of_date": current_plan is not None and output.document_id != current_plan["document_id"],
            "revises": revision.get("output_id") if isinstance(revision, dict) else None}


def matrix(session: Session) -> list[dict[str, Any]]:
    """One entry per municipality, in Swedish alphabetical order (see the module's docstring)."""
    live = _live_registrations(session)
    doc_ids = {r.document_id for r in live if r.document_id is not None}
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(doc_ids))
                                             .options(selectinload(Document.revisions)))} if doc_ids else {}
    names: dict[str, str] = {}
    partnerships = {p.municipality_key: p for p in session.scalars(select(Partnership)
                                                                   .options(selectinload(Partnership.case)))}
    for key, partnership in partnerships.items():
        names.setdefault(key, partnership.municipality)
    plans: dict[str, list[tuple[str, int, Registration, dict[str, Any]]]] = defaultdict(list)
    reports: dict[str, dict[int | None, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    signed = {r.signed_copy_of_id for r in live if r.signed_copy_of_id is not None}
    by_output = {r.output_id: r for r in live if r.output_id is not None}
    for registration in live:
        doc = docs.get(registration.document_id) if registration.document_id is not None else None
        if doc is None:
            continue
        fields = doc.current_fields() or {}
        if doc.kind == "decision":
            for name in fields.get("municipalities") or []:
                if isinstance(name, str) and name.strip():
                    names.setdefault(municipality_key(name), name)
        elif doc.kind == "district_plan" and isinstance(fields.get("municipality"), str):
            key = municipality_key(fields["municipality"])
            names.setdefault(key, fields["municipality"])
            adopted = fields.get("adopted") if isinstance(fields.get("adopted"), str) else None
            plans[key].append((adopted or registration.date, registration.id, registration, fields))
        elif doc.kind == "report":
            for name in fields.get("municipalities") or []:
                if isinstance(name, str) and name.strip():
                    year = fields.get("year") if isinstance(fields.get("year"), int) else None
                    reports[municipality_key(name)][year].append(
                        {"agency": fields.get("agency"), "dnr": registration.dnr})
    versions: dict[str, dict[int, int]] = {}
    for key, found in plans.items():
        found.sort(key=lambda p: (p[0], p[1]))
        versions[key] = {p[2].document_id: n for n, p in enumerate(found, 1) if p[2].document_id is not None}
    voided = set(session.scalars(select(Registration.output_id).where(
        Registration.status == RegistrationStatus.VOIDED, Registration.output_id.is_not(None)))) - set(by_output)
    agreements: dict[tuple[str, str], Output] = {}
    for output in session.scalars(select(Output).where(Output.kind == "agreement", Output.status != OutputStatus.FAILED)
                                  .order_by(Output.id)):
        municipality = (output.fields or {}).get("municipality")
        if isinstance(municipality, str) and output.agency in AGENCIES and output.id not in voided:
            agreements[(municipality_key(municipality), output.agency)] = output  # the newest wins
    entries = []
    for key, name in names.items():
        current = plans[key][-1] if plans.get(key) else None
        current_plan = None if current is None else {
            "dnr": current[2].dnr, "document_id": current[2].document_id, "version": len(plans[key]),
            "adopted": current[3].get("adopted"), "reference": current[3].get("reference")}
        by_year = reports.get(key, {})
        entries.append({
            "municipality": name, "key": key,
            "case": partnerships[key].case.dnr if key in partnerships else None,
            "plan": current_plan, "plans": len(plans.get(key, [])),
            "agreements": [_agreement(agency, agreements.get((key, agency)), by_output, signed, versions.get(key, {}),
                                      current_plan) for agency in AGENCIES],
            "reports": [{"year": year, "agencies": sorted({str(r["agency"]) for r in found if r["agency"]}),
                         "dnrs": [r["dnr"] for r in found]}
                        for year, found in sorted(by_year.items(), key=lambda item: item[0] or 0)],
        })
    return sorted(entries, key=lambda e: _sort_key(e["municipality"]))
