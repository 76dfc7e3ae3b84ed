"""Signing in to the pages as a browser would, with Flask's test client."""
from __future__ import annotations

import re
from typing import Any


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def post_login(client: Any, name: str, password: str, **kwargs: Any) -> Any:
    """The login form posted with the CSRF token of a freshly loaded login page."""
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(page)}, **kwargs)


def login(client: Any, role: str) -> str:
    """Sign in as the fixture user of ``role``; returns a CSRF token for later posts."""
    response = post_login(client, role, f"losenord-{role}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_of(client.get("/").get_data(as_text=True))


def accessibility_problems(html: str) -> list[str]:
    """What the pages' static checks refuse: controls without a label, inline script or style, no language."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    problems = [] if tree.get("lang") == "sv" else ["<html> has no lang=sv"]
    labelled = {label.get("for") for label in tree.iter("label")}
    for control in tree.xpath("//input[not(@type='hidden') and not(@type='submit')] | //select | //textarea"):
        if not (control.get("id") in labelled or control.get("aria-label") or control.xpath("ancestor::label")):
            problems.append(f"unlabelled {control.tag} name={control.get('name')}")
    problems += [f"inline style on <{el.tag}>" for el in tree.xpath("//*[@style]")] + \
                ["inline <style>" for _ in tree.iter("style")] + \
                ["inline <script>" for s in tree.iter("script") if not s.get("src")]
    return problems
