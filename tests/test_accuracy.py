"""Field accuracy over a varied corpus with ground truth (tests/corpus.py) plus the seed decision.

The issue's bar: at least 0.98 expected; the test fails below 0.95 and prints every miss, so a
regression shows which field on which layout went wrong.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from helpers.corpus import build
from helpers.data import SEED
from helpers.pdfs import text_pdf
from kansli.extraction import extract


def seed_truth() -> dict[str, Any]:
    """The seed's fields, read off its plain text by its section headings (not by the extractor)."""
    text = SEED.read_text()
    lines = [line.strip() for line in text.splitlines()]

    def section(start: str, stop: str) -> str:
        body = text.split(f"\n{start}\n", 1)[1].split(f"\n{stop}\n", 1)[0]
        return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())

    def listed(start: str, stop: str | None) -> list[str]:
        after = lines[lines.index(start) + 1: lines.index(stop) if stop else None]
        return [line for line in after if line]

    return {
        "department": lines[lines.index("Integrations- och jämställdhetsdepartementet")], "date": None, "reference": None,
        "addressee": "Arbetsförmedlingen", "addressee_address": "113 99 Stockholm",
        "identical_to": listed("Likalydande till", "Kopia till"),
        "title": "Uppdrag att samverka med kommuner som har lokala utvecklingsavtal",
        "decision": section("Regeringens beslut", "Bakgrund"), "background": section("Bakgrund", "Nyamko Sabuni"),
        "municipalities": sorted(set(re.findall(r"[A-ZÅÄÖ][a-zåäö]+ kommun\b", text))),
        "signatories": ["Nyamko Sabuni", "Evert Kroes"], "copies_to": listed("Kopia till", None),
    }


@pytest.mark.office  # the corpus has plans made in Word and converted by LibreOffice
def test_field_accuracy_over_the_varied_corpus() -> None:
    corpus = build() + [("seed", "decision", text_pdf(SEED.read_text()), seed_truth())]
    assert len(corpus) >= 41
    right = total = 0
    misses = []
    kinds = {}
    for name, _kind, pdf, truth in corpus:
        result = extract(pdf)
        kinds[name] = result["kind"]
        for field, expected in truth.items():
            total += 1
            if result["fields"].get(field) == expected:
                right += 1
            else:
                misses.append(f"{name}.{field}: got {json.dumps(result['fields'].get(field), ensure_ascii=False)[:160]}")
    accuracy = right / total
    print(f"\nfield accuracy {accuracy:.3f} ({right}/{total} fields, {len(corpus)} documents)")
    print("\n".join(misses))
    assert all(kinds[name] == kind for name, kind, _, _ in corpus), kinds
    assert accuracy >= 0.95, f"field accuracy {accuracy:.3f} is below 0.95"
