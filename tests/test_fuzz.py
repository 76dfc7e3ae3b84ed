"""Every call of the OpenAPI document, driven with generated bad and random input: none may answer 5xx.

The calls, their path and query parameters and their bodies are read from ``GET /api/openapi.json``, so a
new route is fuzzed as soon as it is described (and tests/test_openapi.py makes sure every route is).
Values follow each schema part of the time and are hostile the rest: numbers past 2^63, NUL and other
control characters, "²" for a digit, wrong types, deep nesting, NaN literals, broken JSON and files.
Hypothesis runs derandomized with a fixed number of examples per call, so the run is repeatable and
bounded; it prints how many requests it made.
"""
from __future__ import annotations

import io
import json
import time
from collections import Counter
from typing import Any
from urllib.parse import quote, urlencode

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from helpers.api import Auth, extracted, upload
from helpers.office import AGREEMENT, variant, with_doctype
from helpers.pdfs import report_pdf
from workers.jobs import extract_document

#: Examples per call: about 2,000 requests in all, well under a minute per database on two shared cores.
EXAMPLES = 100
BIG = 2**63

hostile_numbers = st.sampled_from([0, -1, 2**31, BIG, -BIG, 2**64 + 1, 10**30, 1e308, -0.0, 1.5])
hostile_text = st.one_of(
    st.sampled_from(["", " ", "\x00", "a\x00b", "\x01\x1f\x7f", "²", "٣", "2020-13-45", "NaN", "Infinity", "-1",
                     "9223372036854775808", "1e999", "../../etc/passwd", "<script>", "'; DROP TABLE users; --",
                     "{{ 7 * 7 }}", "\ud7ff\ue000\ufffd", "x" * 1001, "%00", "true", "null"]),
    st.text(max_size=40),
)
hostile_scalar = st.one_of(st.none(), st.booleans(), hostile_numbers, st.integers(), hostile_text,
                           st.floats(allow_nan=False, allow_infinity=False))
any_json = st.recursive(hostile_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)
hostile_bodies = st.sampled_from([
    b"", b"{", b"[" * 2000 + b"]" * 2000, b'{"a": ' * 1100 + b"1" + b"}" * 1100, b'{"kind": NaN}',
    b'{"document_id": Infinity}', b'{"value": -Infinity}', b'{"x": 1e999}', b"\xff\xfe\x00", b'"\x00"',
    b'{"document_ids": [[1]]}', b"1" * 5000, b'{"a": "' + b"x" * (1024 * 1024) + b'"}',
])


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` and single ``allOf`` taken in."""
    while True:
        if "$ref" in schema:
            schema = {**spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]],
                      **{k: v for k, v in schema.items() if k != "$ref"}}
        elif "allOf" in schema:
            parts = schema["allOf"]
            schema = {**{k: v for k, v in schema.items() if k != "allOf"},
                      **{k: v for part in parts for k, v in resolve(part, spec).items()}}
        else:
            return schema


def as_text(value: Any) -> str:
    """A value as it would stand in a URL."""
    if isinstance(value, list):
        return ",".join(as_text(v) for v in value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return str(value)


class World:
    """What the fuzzed calls can find (an extracted plan, a report, a registration, an output), and values
    for the parts of the description: known ids often, so that calls reach past "not found"."""

    def __init__(self, client: Any, auth: Auth, settings: Any, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.documents = [extracted(client, auth, settings)]
        report = upload(client, auth("clerk"), report_pdf("Polismyndigheten", 2009, ["Malmö kommun"], "PM-1",
                                                          "2010-02-15", ["Fler poliser"]), "rapport.pdf").json["id"]
        extract_document(report)
        self.documents.append(report)
        output = client.post("/api/outputs", headers=auth("drafter"), json={
            "kind": "agreement", "document_id": self.documents[0], "agency": "Polismyndigheten"}).json["id"]
        self.dnrs = [client.post("/api/registry", headers=auth("registrar"),
                                 json={"document_id": report}).json["dnr"]]
        self.ids = [*self.documents, output]

    def parameter(self, name: str, schema: dict[str, Any]) -> st.SearchStrategy[str]:
        known = st.sampled_from({"dnr": self.dnrs, "name": ["x.docx"]}.get(name, self.ids))
        return st.one_of(known, known, self.following(schema), hostile_text).map(as_text)

    def examples(self, media: dict[str, Any]) -> st.SearchStrategy[str]:
        """The description's example bodies as they are, and with one key changed, dropped or added."""
        bodies = [example["value"] for example in media.get("examples", {}).values()]
        if not bodies:
            return self.following(media["schema"]).map(json.dumps)

        @st.composite
        def mutated(draw: st.DrawFn) -> str:
            body = dict(draw(st.sampled_from(bodies)))
            key = draw(st.sampled_from([*body, "extra"]))
            change = draw(st.sampled_from(["keep", "replace", "drop"]))
            if change == "replace":
                body[key] = draw(hostile_scalar | any_json)
            elif change == "drop":
                body.pop(key, None)
            return json.dumps(body)

        return mutated()

    def following(self, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        """Values that mostly follow ``schema`` (within its bounds and just outside them), sometimes hostile."""
        schema = resolve(schema, self.spec)
        if depth > 4:
            return hostile_scalar
        if "anyOf" in schema:
            shaped = st.one_of([self.following(s, depth + 1) for s in schema["anyOf"]])
        elif "enum" in schema:
            shaped = st.sampled_from(schema["enum"])
        elif schema.get("type") == "integer":
            low, high = schema.get("minimum", -BIG), schema.get("maximum", BIG)
            shaped = st.one_of(st.sampled_from(self.ids), st.integers(low, high), st.sampled_from([low - 1, high + 1]))
        elif schema.get("type") == "number":
            shaped = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**16), 10**16)
        elif schema.get("type") == "boolean":
            shaped = st.booleans()
        elif schema.get("type") == "string" and schema.get("format") == "date":
            shaped = st.dates().map(str) | st.sampled_from(["2020-02-30", "24 april 2008", "1899-12-31"])
        elif schema.get("type") == "string":
            shaped = st.text(max_size=min(schema.get("maxLength", 60), 60))
        elif schema.get("type") == "array":
            shaped = st.lists(self.following(schema.get("items", {}), depth + 1), max_size=4)
        elif schema.get("type") == "object" and "properties" in schema:
            properties = {k: self.following(v, depth + 1) for k, v in schema["properties"].items()}
            shaped = st.fixed_dictionaries({}, optional=properties)
        else:
            shaped = any_json
        if schema.get("nullable"):
            shaped = shaped | st.none()
        return st.one_of(shaped, shaped, shaped, hostile_scalar)  # three parts shaped, one hostile


def files() -> st.SearchStrategy[tuple[io.BytesIO, str]]:
    contents = st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"", b"%PDF-1.4\n", b"%PDF-1.7\n%%EOF", b"PK\x03\x04", AGREEMENT.read_bytes(),
                         with_doctype(b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;"),
                         variant("{% include '/etc/passwd' %}")]),
    )
    return st.tuples(contents.map(io.BytesIO), st.one_of(st.sampled_from(["a.pdf", "mall.docx", ""]), hostile_text))


def request_for(path: str, method: str, operation: dict[str, Any], world: World) -> st.SearchStrategy[dict[str, Any]]:
    """One generated request: its URL (path and query), and a JSON, raw or multipart body."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        url, query = path, []
        for parameter in operation.get("parameters", []):
            value = draw(world.parameter(parameter["name"], parameter["schema"]))
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", quote(value, safe=""))
            elif draw(st.booleans()):
                query.append((parameter["name"], value))
        if query:
            url += "?" + urlencode(query)
        request: dict[str, Any] = {"method": method.upper(), "path": url}
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            media = content["application/json"]
            shaped = world.following(media["schema"]).map(json.dumps)
            body = draw(st.one_of(world.examples(media), shaped, any_json.map(json.dumps), hostile_bodies))
            request.update(data=body, content_type=draw(st.sampled_from(["application/json"] * 9 + ["text/plain"])))
        elif "multipart/form-data" in content:
            form: dict[str, Any] = {}
            for name, schema in content["multipart/form-data"]["schema"]["properties"].items():
                if draw(st.integers(0, 4)):  # mostly present
                    form[name] = draw(files() if schema.get("format") == "binary" else
                                      st.one_of(world.following(schema).map(as_text), hostile_text))
            request.update(data=form, content_type="multipart/form-data")
        return request

    return build()


@pytest.mark.slow  # some 1,900 requests per database: in make test, not make check
def test_no_generated_request_makes_the_api_answer_5xx(app: Any, client: Any, auth: Auth, settings: Any,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = client.get("/api/openapi.json").json
    operations = [(path, method, operation) for path, methods in spec["paths"].items()
                  for method, operation in methods.items()]
    calls = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(calls) == len(operations), "a route is fuzzed only if the description lists it (see test_openapi.py)"
    world = World(client, auth, settings, spec)
    headers = auth("admin")  # every role's calls, and the deepest paths through them
    answers: Counter[int] = Counter()
    started = time.monotonic()
    for path, method, operation in operations:

        @hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(request_for(path, method, operation, world))
        def call(request: dict[str, Any]) -> None:
            response = client.open(headers=headers, **request)
            answers[response.status_code] += 1
            shown = f"{request['method']} {request['path'][:200]} answered {response.status_code}"
            assert response.status_code < 500, f"{shown}: {response.get_data(as_text=True)[:500]}"
            if response.status_code >= 400:
                assert set(response.json["error"]) == {"code", "message"}, shown

        call()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nfuzz: {answers.total()} requests to {len(operations)} calls in {elapsed:.1f} s; answers "
              + ", ".join(f"{status}: {n}" for status, n in sorted(answers.items())))
