"""A person's path through the pages, in Debian's Chromium driven by Playwright.

Chromium comes from the Debian package (``make test`` installs it); Playwright's own browser download
does not work on these machines. Screenshots land in ``test-artifacts/`` for a human look.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from helpers.pdfs import plan_pdf
from helpers.processes import REPO, Processes, free_port
from helpers.servers import Api, serve

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def settings(make_settings: Any, sqlite_url: str) -> Any:
    return make_settings(sqlite_url)


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def log_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(f"losenord-{name}")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Dokument", exact=True)).to_be_visible()


def csp_violations(page: Page) -> list[str]:
    """What the Content-Security-Policy blocked on the pages ``page`` visits, as Chromium reports it."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    return blocked


def unlabelled_controls(page: Page) -> list[str]:
    """Form controls a screen reader could not name (WCAG 1.3.1, 4.1.2)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(el => el.type !== 'hidden' && !el.labels.length && !el.getAttribute('aria-label'))
        .map(el => el.outerHTML)""")


def axe_violations(page: Page) -> list[str]:
    """What axe-core (WCAG 2.0, 2.1 A and AA rules) finds wrong on the page as it stands, one line each."""
    import axe_playwright_python  # ships axe-core's axe.min.js; only the script is used

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    page.evaluate(script.read_text() + "\n;0")  # run through DevTools, which the page's CSP does not govern
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in result["violations"]]


def test_upload_extract_generate_and_download_in_a_browser(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser, tmp_path: Path) -> None:
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(accept_downloads=True)
    blocked = csp_violations(page)
    log_in(page, base, "admin")

    plan = tmp_path / "botkyrka-plan.pdf"
    plan.write_bytes(plan_pdf(filler_pages=40))
    page.get_by_label(re.compile("Välj en eller flera PDF-filer")).set_input_files(plan)
    row = page.locator("tr[data-document]").first
    expect(row.locator(".doc-link")).to_have_text("botkyrka-plan.pdf")
    expect(row.locator(".status")).to_have_text("Extraherad", timeout=60_000)
    expect(row.locator("progress")).to_have_js_property("value", 100)
    expect(page.locator("#announcer")).to_contain_text("botkyrka-plan.pdf: extraherad")
    expect(row.get_by_role("img", name="Första sidan av botkyrka-plan.pdf")).to_be_visible()  # shown live
    assert unlabelled_controls(page) == []
    page.screenshot(path=str(ARTIFACTS / "documents.png"), full_page=True)

    row.locator(".doc-link").click()
    expect(page.get_by_role("textbox", name="Kommun", exact=True)).to_have_value("Botkyrka kommun")
    assert unlabelled_controls(page) == []
    page.get_by_role("link", name="Kommun: visa var värdet står, sida 1").click()
    expect(page.get_by_role("heading", name="Kommun: sida 1 i botkyrka-plan.pdf")).to_be_visible()
    image = page.get_by_role("img", name=re.compile("med värdet för kommun inramat i rött"))
    expect(image).to_be_visible()
    expect(image).to_have_js_property("complete", True)
    expect(image).not_to_have_js_property("naturalWidth", 0)  # loaded, not a broken image
    page.get_by_role("link", name="Tillbaka till fälten").click()
    page.get_by_role("textbox", name="Stadsdelar (en per rad)", exact=True).fill("Alby\nFittja\nHallunda")
    page.get_by_role("button", name="Spara rättelser").click()
    expect(page.get_by_role("status").filter(has_text="version 2")).to_be_visible()

    page.get_by_label("Myndighet", exact=True).select_option("Polismyndigheten")
    page.get_by_role("button", name="Skapa samverkansöverenskommelse").click()
    link = page.get_by_role("link", name=re.compile(r"Ladda ner .*polismyndigheten-botkyrka\.docx"))
    expect(link).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "mellan Polismyndigheten och Botkyrka kommun" in text
    assert "stadsdelarna Alby, Fittja och Hallunda" in text
    assert blocked == []


def test_a_failed_upload_is_announced_with_its_reason(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser, tmp_path: Path) -> None:
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    page = browser.new_page()
    log_in(page, base, "clerk")
    broken = tmp_path / "trasig.pdf"
    broken.write_bytes(plan_pdf()[:1500])
    not_pdf = tmp_path / "brev.pdf"
    not_pdf.write_text("Hej, här kommer planen.")
    page.get_by_label(re.compile("Välj en eller flera PDF-filer")).set_input_files([broken, not_pdf])
    expect(page.get_by_role("alert").filter(has_text="brev.pdf: Filen är ingen PDF")).to_be_visible()
    row = page.locator("tr[data-document]").first
    expect(row.locator(".status")).to_have_text("Misslyckades", timeout=60_000)
    expect(row.locator(".doc-error")).to_contain_text("trasig eller ofullständig")
    expect(page.locator("#announcer")).to_contain_text("trasig.pdf: misslyckades")
    page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()


def test_every_page_fits_a_phone_and_a_desktop_and_axe_finds_nothing(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    """At 375×800 (a phone) and 1280×800 no page is wider than the window, and axe-core finds no violations."""
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    ARTIFACTS.mkdir(exist_ok=True)
    api = Api(base, tokens["admin"])
    doc_id = api.upload(plan_pdf())
    api.wait(f"/api/documents/{doc_id}", ("extracted",))
    assert requests.patch(f"{base}/api/documents/{doc_id}/fields", headers=api.headers, timeout=30,
                          json={"districts": ["Alby", "Fittja", "Hallunda"]}).status_code == 200
    registered = api.post("/api/registry", json={"document_id": doc_id})
    assert registered.status_code == 201, registered.text
    draft = api.post("/api/outputs", json={"kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"})
    broken = api.upload(plan_pdf()[:1500], "trasig.pdf")
    api.wait(f"/api/documents/{broken}", ("failed",))
    api.wait(f"/api/outputs/{draft.json()['id']}", ("ready",), timeout=120)
    pages = ["/", "/?q=plan&status=extracted&sort=name", "/?status=borta", f"/documents/{broken}/remove",
             f"/documents/{doc_id}", f"/outputs/{draft.json()['id']}", f"/documents/{doc_id}/history",
             f"/documents/{doc_id}/source/reference",
             "/registry", f"/registry/{registered.json()['dnr']}", "/registry/cases",
             f"/registry/cases/{registered.json()['case']}", "/registry/holds", "/registry/disposals",
             f"/registry/{registered.json()['dnr']}/archive", "/diarium/offentlig", "/avstamning", "/partnerships",
             "/templates", "/learned",
             "/users", "/users/1", "/password"]
    problems: list[str] = []
    def check(page: Page, path: str, width: int) -> None:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{path} at {width} px is {scroll} px wide")
        problems.extend(f"{path} at {width} px: {v}" for v in axe_violations(page))
        if width == 375:
            page.screenshot(path=str(ARTIFACTS / f"phone{path.replace('/', '-')}.png"), full_page=True)

    temporary = _reset_password(settings, "clerk")
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        blocked = csp_violations(page)
        page.goto(base + "/login")
        check(page, "/login", width)
        log_in(page, base, "admin")
        for path in pages:
            page.goto(base + path)
            check(page, path, width)
        if width == 375:  # the indicator rows stack on a phone, each field the width of the screen
            page.goto(f"{base}/documents/{doc_id}")
            name = page.get_by_role("textbox", name="Namn, Förvärvsfrekvens 20–64 år")
            assert name.bounding_box()["width"] > 250
        page.close()
        page = browser.new_page(viewport={"width": width, "height": 800})  # the clerk, after a reset
        blocked += csp_violations(page)
        page.goto(base + "/login")
        page.get_by_label("Användarnamn").fill("clerk")
        page.get_by_label("Lösenord").fill(temporary)
        page.get_by_role("button", name="Logga in").click()
        expect(page.get_by_role("heading", name="Välj ett nytt lösenord")).to_be_visible()
        check(page, "/password", width)
        assert blocked == []
        page.close()
    assert problems == [], "\n".join(problems)


def _reset_password(settings: Any, name: str) -> str:
    """An admin's reset of ``name``, straight in the database the server uses; returns the temporary password."""
    from kansli import db
    from kansli.users import get_user, reset_password

    with db.session_scope(settings.database_url) as session:
        return reset_password(session, get_user(session, name))[0]


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never took the focus in {limit} presses of Tab")


def test_an_admin_resets_a_password_by_keyboard_and_the_user_must_choose_a_new_one(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    """Issue 10: the reset on /users by keyboard alone; the user's login leads only to choosing a password."""
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="0")
    admin = browser.new_page()
    blocked = csp_violations(admin)
    log_in(admin, base, "admin")
    tab_to(admin, admin.get_by_role("navigation").get_by_role("link", name="Användare"))
    admin.keyboard.press("Enter")
    expect(admin.get_by_role("heading", name="Användare", exact=True)).to_be_visible()
    tab_to(admin, admin.get_by_role("link", name="clerk", exact=True))
    admin.keyboard.press("Enter")
    expect(admin.get_by_role("heading", name="Användare clerk")).to_be_visible()
    tab_to(admin, admin.get_by_role("button", name="Återställ lösenordet för clerk"))
    admin.keyboard.press("Enter")
    expect(admin.get_by_role("status").filter(has_text="Lösenordet för clerk är återställt")).to_be_visible()
    temporary = admin.locator("#temporary-password").inner_text()
    expect(admin.get_by_text("Måste välja ett nytt lösenord vid nästa inloggning")).to_be_visible()

    page = browser.new_context().new_page()  # the clerk's own browser
    blocked += csp_violations(page)
    page.goto(base + "/")
    expect(page.get_by_label("Användarnamn")).to_be_focused()
    page.keyboard.type("clerk")
    page.keyboard.press("Tab")
    page.keyboard.type(temporary)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Välj ett nytt lösenord")).to_be_visible()
    page.goto(base + "/registry")  # nothing else opens before a new password is chosen
    expect(page).to_have_url(re.compile(r"/password$"))
    new_password = page.get_by_label("Nytt lösenord", exact=True)
    expect(new_password).to_be_focused()
    page.keyboard.type(temporary)
    page.keyboard.press("Tab")
    page.keyboard.type(temporary)
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert").filter(has_text="Det finns 1 fel")
    expect(summary).to_be_focused()
    expect(new_password).to_have_accessible_description(re.compile("Välj ett annat lösenord än det tillfälliga"))
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Välj ett annat lösenord än det tillfälliga.")).to_be_focused()
    page.keyboard.press("Enter")
    expect(new_password).to_be_focused()
    page.keyboard.type("mitt-eget-losenord")
    page.keyboard.press("Tab")
    page.keyboard.type("mitt-eget-losenord")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dokument", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Ditt nya lösenord är sparat.")).to_be_visible()

    # later, of their own accord: the current password first, a wrong one marked
    tab_to(page, page.get_by_role("link", name="Byt lösenord"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Byt lösenord")).to_be_visible()
    current = page.get_by_label("Nuvarande lösenord")
    expect(current).to_be_focused()
    for text in ("fel-losenord", "ett-annat-losenord", "ett-annat-losenord"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # on the button
    summary = page.get_by_role("alert").filter(has_text="Det finns 1 fel")
    expect(summary).to_be_focused()
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_have_accessible_description(re.compile("Det nuvarande lösenordet stämmer inte"))
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Det nuvarande lösenordet stämmer inte; försök igen.")).to_be_focused()
    page.keyboard.press("Enter")
    expect(current).to_be_focused()
    for text in ("mitt-eget-losenord", "ett-annat-losenord", "ett-annat-losenord"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dokument", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Ditt nya lösenord är sparat.")).to_be_visible()
    assert blocked == []


def test_a_drafts_pages_open_large_from_the_keyboard_and_an_archived_draft_is_locked(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    api = Api(base, tokens["admin"])
    doc_id = api.upload(plan_pdf())
    api.wait(f"/api/documents/{doc_id}", ("extracted",))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    blocked = csp_violations(page)
    log_in(page, base, "admin")
    page.goto(f"{base}/documents/{doc_id}")
    page.get_by_label("Myndighet", exact=True).select_option("Polismyndigheten")
    page.get_by_role("button", name="Skapa samverkansöverenskommelse").click()
    page.get_by_role("link", name=re.compile(r"^Samverkansöverenskommelse \d+$")).click()
    output_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Utkast {output_id}: Samverkansöverenskommelse – Polismyndigheten")
    expect(page.locator("#output-status-text")).to_have_text("Klar", timeout=120_000)  # live, then reloaded
    expect(page.get_by_role("link", name=re.compile(r"Ladda ner .*\.pdf"))).to_be_visible()
    # said again on the reloaded page: said only before the reload, it was cut off with the page
    expect(page.locator("#announcer")).to_have_text(f"Utkast {output_id}: klar")
    expect(page.get_by_text("Samverkansöverenskommelse: standardmallen")).to_be_visible()
    expect(page.get_by_role("link", name="Version 1")).to_have_attribute("href", f"/documents/{doc_id}/history#rev-1")

    second = page.get_by_role("link", name=f"Sida 2 av utkast {output_id}")
    second.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Sida 2 av 2")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stäng")).to_be_focused()
    large = dialog.get_by_role("img", name=f"Sida 2 av utkast {output_id}")
    expect(large).to_have_js_property("complete", True)
    expect(large).not_to_have_js_property("naturalWidth", 0)
    assert large.bounding_box()["width"] >= 700
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "draft-page-enlarged.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(second).to_be_focused()

    registered = api.post("/api/registry", json={"output_id": output_id})
    assert registered.status_code == 201, registered.text
    dnr = registered.json()["dnr"]
    assert api.post(f"/api/registry/{dnr}/archive").status_code == 202
    page.reload()
    expect(page.locator("#registration")).to_contain_text(f"Registrerad som {dnr} · Arkiverad")
    expect(page.get_by_role("button", name="Skapa ett nytt utkast från de aktuella fälten")).to_be_disabled()
    assert blocked == []


def test_a_refused_correction_keeps_the_edits_and_the_summary_leads_to_the_field(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    api = Api(base, tokens["admin"])
    doc_id = api.upload(plan_pdf())
    api.wait(f"/api/documents/{doc_id}", ("extracted",))
    page = browser.new_page()
    blocked = csp_violations(page)
    log_in(page, base, "drafter")
    page.goto(f"{base}/documents/{doc_id}")
    page.get_by_role("textbox", name="Stadsdelar (en per rad)", exact=True).fill("Alby\nFittja\nHallunda")
    target_year = page.get_by_role("textbox", name="Målår, Förvärvsfrekvens 20–64 år")
    target_year.fill("2O10")
    page.get_by_role("button", name="Spara rättelser").click()
    summary = page.get_by_role("alert").filter(has_text="Det finns 1 fel")
    expect(summary).to_be_focused()
    expect(page.get_by_role("textbox", name="Stadsdelar (en per rad)", exact=True)).to_have_value(
        "Alby\nFittja\nHallunda")
    expect(target_year).to_have_value("2O10")
    expect(target_year).to_have_attribute("aria-invalid", "true")
    expect(target_year).to_have_accessible_description(re.compile("År ska vara ett heltal"))
    summary.get_by_role("link", name=re.compile("Indikatorer, rad 1, Mål: År ska vara ett heltal")).click()
    expect(target_year).to_be_focused()
    assert axe_violations(page) == [] and blocked == []
    target_year.fill("2010")
    page.get_by_role("button", name="Spara rättelser").click()
    expect(page.get_by_role("status").filter(has_text="version 2")).to_be_visible()


def test_the_avstamning_page_shows_charts_with_names_and_their_numbers(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    """Issue 12: each chart is an image with an accessible name, its numbers a table beside it; at a phone's
    and a desktop's width nothing scrolls sideways and axe-core finds nothing."""
    from helpers.followups import uppsala

    uppsala(settings.database_url)
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="0")
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        blocked = csp_violations(page)
        log_in(page, base, "clerk")
        page.goto(base + "/avstamning")
        charts = page.get_by_role("img", name=re.compile(r"^Diagram: "))
        expect(charts).to_have_count(3)
        expect(page.get_by_role("img", name=re.compile("Förvärvsfrekvens 20–64 år"))).to_be_visible()
        page.get_by_text("Visa siffrorna för Förvärvsfrekvens 20–64 år").click()  # the toggle opens its table
        expect(page.get_by_role("cell", name="57,3", exact=True).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
        if width == 375:
            page.screenshot(path=str(ARTIFACTS / "phone-avstamning-charts.png"), full_page=True)
        assert blocked == []
        page.close()


def in_panel(page: Page, selector: str) -> bool:
    """Whether the element stands wholly inside the pages panel's visible part."""
    return page.evaluate("""(selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        const panel = document.getElementById('pages-panel').getBoundingClientRect();
        return box.top >= panel.top && box.bottom <= panel.bottom && box.height > 0;
    }""", selector)


def test_the_review_shows_the_pages_beside_the_form_and_focus_finds_the_value_on_them(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    """Issue 10: the page images beside the form on a wide screen, under it on a phone; every located value
    outlined; moving to a field (Tab or focus) scrolls the panel to its outline, highlights it and says where."""
    from kansli import pageimages

    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    api = Api(base, tokens["admin"])
    doc_id = api.upload(plan_pdf())
    document = api.wait(f"/api/documents/{doc_id}", ("extracted",))
    located = {pageimages.outline_id(path) for path, box in pageimages.located(document["provenance"])
               if box.get("bbox")}
    for width, height in ((1280, 500), (375, 800)):
        page = browser.new_page(viewport={"width": width, "height": height})
        blocked = csp_violations(page)
        log_in(page, base, "drafter")
        page.goto(f"{base}/documents/{doc_id}")
        image = page.get_by_role("img", name=re.compile(r"^Sida 1 av 1 i plan\.pdf, med \d+ värden inramade\.$"))
        image.scroll_into_view_if_needed()  # loaded lazily, when it comes into view
        expect(image).not_to_have_js_property("naturalWidth", 0)  # loaded, not a broken image
        page.evaluate("window.scrollTo(0, 0)")
        outlines = page.locator("#pages-panel rect")
        assert set(outlines.evaluate_all("rects => rects.map(r => r.id)")) == located  # each value, once
        form, panel = page.locator("form.fields").bounding_box(), page.locator("#pages-panel").bounding_box()
        if width == 1280:  # side by side, the panel on the right, level with the form
            assert panel["x"] >= form["x"] + form["width"] and panel["y"] < form["y"] + 200
        else:  # stacked: the panel under the form, as wide as the column
            assert panel["y"] >= form["y"] + form["height"] and panel["width"] > 300
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []

        expect(page.get_by_text("Gå till ett fält så markeras dess värde.")).to_be_visible()
        page.get_by_role("textbox", name="Kommun", exact=True).focus()
        expect(page.locator("#box-municipality")).to_have_class("current")
        expect(page.locator("#page-pointer")).to_have_text("Inramat på sida 1.")
        page.keyboard.press("Tab")  # the next field's "sida 1" link shows its values too
        expect(page.get_by_role("link", name="Stadsdelar: visa var värdet står, sida 1")).to_be_focused()
        expect(page.locator("#box-districts-0")).to_have_class("current")
        expect(page.locator("#box-municipality")).not_to_have_class("current")
        if width == 1280:  # only the panel scrolls, to an outline out of its view
            page.get_by_label("Titel", exact=True).focus()
            page.locator("#pages-panel").evaluate("panel => panel.scrollTop = 0")
            assert not in_panel(page, "#box-contact-name")
            page.keyboard.press("Shift+Tab")
            expect(page.get_by_label("Namn", exact=True)).to_be_focused()
            expect(page.locator("#box-contact-name")).to_have_class("current")
            page.wait_for_function("() => { const b = document.getElementById('box-contact-name').getBoundingClientRect();"
                                   " const p = document.getElementById('pages-panel').getBoundingClientRect();"
                                   " return b.top >= p.top && b.bottom <= p.bottom; }")
            assert in_panel(page, "#box-contact-name")
            expect(page.get_by_label("Namn", exact=True)).to_be_in_viewport()  # the window stayed with the field
            page.screenshot(path=str(ARTIFACTS / "review-beside-the-page.png"))
        assert blocked == []
        page.close()


def test_an_archived_document_shows_its_number_and_its_forms_are_read_only(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    """Issue 10: archived material cannot change, and the page says so before anyone types."""
    from kansli import db
    from kansli.models import Registration

    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    api = Api(base, tokens["admin"])
    doc_id = api.upload(plan_pdf())
    api.wait(f"/api/documents/{doc_id}", ("extracted",))
    registered = api.post("/api/registry", json={"document_id": doc_id})
    assert registered.status_code == 201, registered.text
    dnr = registered.json()["dnr"]
    with db.session_scope(settings.database_url) as session:  # as archiving leaves it (that needs LibreOffice)
        session.query(Registration).filter_by(dnr=dnr).one().status = "archived"
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        blocked = csp_violations(page)
        log_in(page, base, "drafter")
        page.goto(f"{base}/documents/{doc_id}")
        expect(page.get_by_role("link", name=dnr, exact=True)).to_be_visible()
        expect(page.locator("#registration-state")).to_have_text("Arkiverad")
        expect(page.get_by_text(f"Dokumentet är arkiverat som {dnr} och kan inte ändras")).to_be_visible()
        controls = page.locator("form.fields").locator("input:not([type=hidden]), textarea, select")
        assert controls.count() > 20
        assert controls.evaluate_all("els => els.filter(el => !el.matches(':disabled')).length") == 0
        expect(page.get_by_role("textbox", name="Kommun", exact=True)).to_be_disabled()
        expect(page.get_by_role("button", name="Spara rättelser")).to_have_count(0)
        expect(page.get_by_role("button", name="Skapa samverkansöverenskommelse")).to_be_enabled()  # reads, changes nothing
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
        assert blocked == []
        page.close()


def test_the_document_list_by_keyboard_with_thumbnails_retry_remove_and_selection(
        settings: Any, tokens: dict[str, str], processes: Processes, browser: Browser) -> None:
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    api = Api(base, tokens["admin"])
    plan = api.upload(plan_pdf(), "botkyrka-plan.pdf")
    broken = [api.upload(plan_pdf()[:1500 + n], f"trasig-{n}.pdf") for n in (1, 2)]
    for doc_id, status in ((plan, "extracted"), *((b, "failed") for b in broken)):
        api.wait(f"/api/documents/{doc_id}", (status,))
    page = browser.new_page()
    blocked = csp_violations(page)
    log_in(page, base, "admin")

    thumbnail = page.get_by_role("img", name="Första sidan av botkyrka-plan.pdf")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).not_to_have_js_property("naturalWidth", 0)  # loaded, not a broken image
    expect(page.locator(f'tr[data-document="{broken[0]}"] .thumb-none')).to_have_text("Ingen bild")

    # filter and page by keyboard alone: type, Enter; choose, Tab to the button, Enter; follow a page link
    search = page.get_by_role("searchbox", name="Sök")
    search.focus()
    page.keyboard.type("trasig")
    page.keyboard.press("Enter")
    expect(page.locator("#list-summary")).to_have_text("Visar 1–2 av 2 dokument")
    expect(page).to_have_url(re.compile(r"q=trasig"))
    page.goto(base + "/?per_page=2&sort=name")
    expect(page.locator("#list-summary")).to_have_text("Visar 1–2 av 3 dokument")
    page.get_by_label("Status", exact=True).focus()
    page.keyboard.press("End")  # the last status, "Gallrad": nothing matches
    page.get_by_role("button", name="Visa").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#no-documents")).to_have_text("Inga dokument matchar sökningen.")
    page.get_by_role("link", name="Rensa filter").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/")
    expect(page.locator("#list-summary")).to_have_text("Visar 1–3 av 3 dokument")
    page.goto(base + "/?per_page=2&sort=name")
    page.get_by_role("link", name="Sida 2").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#list-summary")).to_have_text("Visar 3–3 av 3 dokument")
    expect(page.get_by_role("link", name="Sida 2")).to_have_attribute("aria-current", "page")
    expect(page.locator(".doc-link")).to_have_text(["trasig-2.pdf"])

    # retry: queued again, read again by the worker (and failed again: the same broken bytes), live
    page.goto(base + "/?status=failed")
    page.get_by_role("button", name="Försök igen med trasig-1.pdf").click()
    expect(page.get_by_role("status").filter(has_text="trasig-1.pdf är köad för att läsas igen.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=failed"))  # the list as it was; the queued one has left it
    page.goto(base + "/")
    row = page.locator(f'tr[data-document="{broken[0]}"]')
    expect(row.locator(".status")).to_have_text("Misslyckades", timeout=60_000)
    expect(row.get_by_role("button", name="Försök igen med trasig-1.pdf")).to_be_visible()

    # remove, after a confirmation
    page.get_by_role("link", name="Ta bort trasig-2.pdf").click()
    expect(page.get_by_role("heading", name="Ta bort trasig-2.pdf?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ta bort dokumentet").click()
    expect(page.get_by_role("status").filter(has_text="trasig-2.pdf är borttaget.")).to_be_visible()
    expect(page.locator(f'tr[data-document="{broken[1]}"]')).to_have_count(0)

    # several at once: a draft refused naming the document that does not fit, then made; then registered
    page.goto(base + "/")
    page.get_by_role("checkbox", name="Markera botkyrka-plan.pdf").check()
    page.get_by_role("checkbox", name="Markera trasig-1.pdf").check()
    page.get_by_role("checkbox", name="Polismyndigheten").check()
    page.get_by_role("button", name="Skapa utkast från markerade").click()
    expect(page.get_by_role("alert").filter(has_text="trasig-1.pdf är inte färdigläst")).to_be_visible()
    page.get_by_role("checkbox", name="Markera botkyrka-plan.pdf").check()
    page.get_by_role("checkbox", name="Polismyndigheten").check()
    page.get_by_role("button", name="Skapa utkast från markerade").click()
    expect(page.get_by_role("status").filter(
        has_text="(samverkansöverenskommelse för Polismyndigheten) skapas från botkyrka-plan.pdf.")).to_be_visible()
    page.get_by_role("checkbox", name="Markera botkyrka-plan.pdf").check()
    page.get_by_role("checkbox", name="Markera trasig-1.pdf").check()
    page.get_by_role("button", name="Registrera markerade").click()
    for name in ("botkyrka-plan.pdf", "trasig-1.pdf"):
        expect(page.get_by_role("status").filter(has_text=re.compile(name + r" är registrerat som KAN"))).to_be_visible()
    assert axe_violations(page) == [] and unlabelled_controls(page) == [] and blocked == []
