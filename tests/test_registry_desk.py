"""The registrar's desk: one registration's page, its particulars corrected before archiving, archiving
confirmed, legal holds and disposals with their own pages (issue 10's registry desk)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import select, update

from helpers.pages import accessibility_problems, csrf_of, login, post_login
from kansli import db
from kansli.documents import add_upload
from kansli.models import AuditEntry, Registration
from kansli.registry.numbering import register
from kansli.registry.search import search
from kansli.storage import Store
from kansli.users import create_user

Auth = Callable[[str], dict[str, str]]


def registered(settings: Any, n: int = 0) -> str:
    """A registered upload (no extraction needed for the desk)."""
    with db.session_scope(settings.database_url) as session:
        doc, _ = add_upload(session, Store(settings.files_dir), f"%PDF-1.4 desk {n}".encode(), f"brev-{n}.pdf", None)
        return register(session, "KAN", document_id=doc.id, party="Botkyrka kommun",
                        description="Skrivelse om partnerskapet").dnr


def test_particulars_are_corrected_until_archived_with_old_and_new_in_the_audit(
        client: Any, auth: Auth, settings: Any) -> None:
    dnr = registered(settings)
    url = f"/api/registry/{quote(dnr)}"
    changed = client.patch(url, headers=auth("registrar"), json={
        "party": "Botkyrka kommun, kommunledningsförvaltningen", "description": "Begäran om samråd", "date": "2026-01-15"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["party"], changed.json["description"], changed.json["date"]) == (
        "Botkyrka kommun, kommunledningsförvaltningen", "Begäran om samråd", "2026-01-15")
    assert client.patch(url, headers=auth("registrar"), json={"party": "Botkyrka kommun, kommunledningsförvaltningen"}
                        ).status_code == 200  # nothing changed: no audit entry
    with db.session_scope(settings.database_url) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "amend")).all()
        assert [e.details["changed"] for e in entries] == [{
            "date": [date.today().isoformat(), "2026-01-15"],
            "party": ["Botkyrka kommun", "Botkyrka kommun, kommunledningsförvaltningen"],
            "description": ["Skrivelse om partnerskapet", "Begäran om samråd"]}]
        assert [r.dnr for r in search(session, "samråd")] == [dnr]  # the index follows
    empty = client.patch(url, headers=auth("registrar"), json={"description": ""})
    assert empty.status_code == 400 and "Beskrivning" in empty.json["error"]["message"]
    bad = client.patch(url, headers=auth("registrar"), json={"date": "2026-02-30"})
    assert bad.status_code == 400
    assert client.patch(url, headers=auth("clerk"), json={"party": "X"}).status_code == 403
    with db.engine_for(settings.database_url).begin() as conn:  # as if archived (archiving itself is tested elsewhere)
        conn.execute(update(Registration).values(status="archived"))
    late = client.patch(url, headers=auth("registrar"), json={"party": "X"})
    assert late.status_code == 409 and late.json["error"]["message"] == f"{dnr} är arkiverad och kan inte längre ändras."


def test_the_registration_page_corrects_particulars_and_shows_the_trail(client: Any, auth: Auth, settings: Any) -> None:
    dnr = registered(settings)
    token = login(client, "registrar")
    page = client.get(f"/registry/{dnr}").get_data(as_text=True)
    assert accessibility_problems(page) == []
    assert 'id="amend-form"' in page and "brev-0.pdf" in page and f"/registry/{quote(dnr)}/archive" in page
    done = client.post(f"/registry/{dnr}/amend", data={"csrf_token": token, "date": "2026-01-15",
                                                       "party": "Kommunledningsförvaltningen",
                                                       "description": "Skrivelse om partnerskapet"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Uppgifterna för {dnr} är rättade." in done
    assert "Uppgifter rättade" in done and "Avsändare/mottagare ”Botkyrka kommun” → ”Kommunledningsförvaltningen”" in done
    same = client.post(f"/registry/{dnr}/amend", data={"csrf_token": token, "date": "2026-01-15",
                                                       "party": "Kommunledningsförvaltningen",
                                                       "description": "Skrivelse om partnerskapet"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Inget ändrades." in same
    confirm = client.get(f"/registry/{dnr}/archive").get_data(as_text=True)
    assert f"Arkivera {dnr}?" in confirm and 'action="/registry/archive"' in confirm
    assert accessibility_problems(confirm) == []


def test_holds_and_disposals_have_their_pages_and_disposal_needs_a_second_registrar(
        client: Any, auth: Auth, settings: Any) -> None:
    held, due = registered(settings, 1), registered(settings, 2)
    with db.session_scope(settings.database_url) as session:
        create_user(session, "registrar2", "registrar", "losenord-registrar2")
    with db.engine_for(settings.database_url).begin() as conn:  # both past their retention
        conn.execute(update(Registration).values(retain_until="2001-01-01"))
    token = login(client, "registrar")
    client.post(f"/registry/{held}/hold", data={"csrf_token": token, "hold": "1", "reason": "Begäran om utlämnande"})
    holds = client.get("/registry/holds").get_data(as_text=True)
    assert accessibility_problems(holds) == []
    assert f'data-dnr="{held}"' in holds and "Begäran om utlämnande" in holds
    disposals = client.get("/registry/disposals").get_data(as_text=True)
    assert accessibility_problems(disposals) == []
    assert f'data-dnr="{due}"' in disposals and f'data-dnr="{held}"' not in disposals  # a hold keeps it off the list
    asked = client.post(f"/registry/{due}/disposal", data={"csrf_token": token, "reason": "Gallringsbeslut 2026:1",
                                                           "back": "disposals"}, follow_redirects=True)
    assert "en annan registrator ska godkänna den" in asked.get_data(as_text=True)
    mine = client.get("/registry/disposals").get_data(as_text=True)
    assert "Du begärde gallringen" in mine and f'aria-label="Godkänn gallring av {due}"' not in mine
    client.post("/logout", data={"csrf_token": token})
    post_login(client, "registrar2", "losenord-registrar2")
    other = csrf_of(client.get("/").get_data(as_text=True))
    approved = client.post(f"/registry/{due}/disposal/approve", data={"csrf_token": other, "back": "disposals"},
                           follow_redirects=True).get_data(as_text=True)
    assert f"{due} är gallrat." in approved and "Ingen gallring väntar på godkännande." in approved
    lifted = client.post(f"/registry/{held}/hold", data={"csrf_token": other, "hold": "0", "back": "holds"},
                         follow_redirects=True).get_data(as_text=True)
    assert f"Spärren för {held} är hävd." in lifted and "Ingen registrering har en rättslig spärr." in lifted
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(Registration.status).where(Registration.dnr == due)) == "disposed"
