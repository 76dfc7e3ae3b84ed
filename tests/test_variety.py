"""Field accuracy over documents drawn from independent choices (tests/helpers/variety.py), from fixed seeds.

The bar of issue 9: at least 0.97 per kind and per producer (reportlab; Word turned into PDF by LibreOffice;
a scan read through OCR). Confidence must mean something: a value given 0.8 or more is right at least 97 % of
the time, and at least 80 % of the wrong values are given less than 0.8 — on every seed, not one the extractor
was tuned on. Every miss is printed with its confidence and the choices its document was drawn with, so a
failure names its class, not its example.

Run as a script to score other seeds and sizes: ``PYTHONPATH=.:tests python tests/test_variety.py 300 1 2 3``
(documents, then seeds) prints each seed's scores and misses (Word plans included, scans not).
"""
from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from helpers.variety import draw, draw_follow_up, draw_word, scan, word_pdfs
from kansli.extraction import extract

DOCUMENTS = 240
#: One follow-up report after every this many documents of the other kinds.
FOLLOW_UP_EVERY = 4
#: Plans written in Word (converted in one LibreOffice start), and documents scanned: OCR takes seconds a page.
WORD_PLANS = 24
SCANS = 24
WORD_SCANS = 6
SURE = 0.8
#: What a scan's OCR does not carry to the bar: fields read from a table's or a list's layout, where one
#: misread letter in a name or figure leaves the whole field wrong. Their items (goal sentences, indicator
#: rows) are measured one by one instead, and every such field must be doubted (below 0.8), not trusted.
FROM_LAYOUT = ("goals", "indicators", "values")

Drawn = tuple[int, str, str, dict[str, Any], bytes, dict[str, Any]]  # n, producer, kind, choices, PDF, truth


def drawn(documents: int = DOCUMENTS, word_plans: int = WORD_PLANS, seed: int = 9) -> Iterator[Drawn]:
    """The reportlab corpus (plans, reports, decisions, follow-ups), then plans written in Word."""
    rng, follow_up_rng, word_rng = random.Random(seed), random.Random(seed + 1), random.Random(seed + 2)
    for n in range(documents):
        for follow_up in (False, True)[:1 + (n % FOLLOW_UP_EVERY == 0)]:
            kind, choices, pdf, truth = draw_follow_up(follow_up_rng) if follow_up else draw(rng)
            yield n, "reportlab", kind, choices, pdf, truth
    words = [draw_word(word_rng) for _ in range(word_plans)]
    for n, ((kind, choices, _, truth), pdf) in enumerate(zip(words, word_pdfs([w[2] for w in words]), strict=True)):
        yield documents + n, "word", kind, choices, pdf, truth


def scanned(scans: int = SCANS, seed: int = 9, word_scans: int = WORD_SCANS) -> Iterator[Drawn]:
    """Documents of every kind (plans most), printed, scanned (turned a little, specks of dust) and read
    back through OCR; then plans written in Word, printed through LibreOffice and scanned (a serif face,
    Word's lists, headings and table borders)."""
    rng, follow_up_rng, word_rng = random.Random(seed + 3), random.Random(seed + 4), random.Random(seed + 5)
    for n in range(scans):
        kind, choices, pdf, truth = draw_follow_up(follow_up_rng) if n % FOLLOW_UP_EVERY == 3 else draw(rng)
        yield n, "scan", kind, choices, scan(pdf, rng), truth
    words = [draw_word(word_rng) for _ in range(word_scans)]
    for n, ((kind, choices, _, truth), pdf) in enumerate(zip(words, word_pdfs([w[2] for w in words]), strict=True)):
        yield scans + n, "word scan", kind, choices, scan(pdf, word_rng), truth


def score(documents: Iterable[Drawn]) -> dict[str, Any]:
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sure = [0, 0]  # right, all among values given SURE or more
    wrong_doubted = [0, 0]  # doubted, all among wrong values
    items: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # a plan's goal sentences and indicator rows
    misses, kinds, surest = [], [], 0.0
    for n, producer, kind, choices, pdf, truth in documents:
        result = extract(pdf)
        line = kind if producer == "reportlab" else f"{kind} ({producer})"
        kinds.append((kind, result["kind"]))
        surest = max(surest, *result["confidence"].values())
        if kind == "district_plan":
            goals = [g for sentences in result["fields"]["goals"].values() for g in sentences]
            for item, wanted, got in (("goals", [g for gs in truth["goals"].values() for g in gs], goals),
                                      ("indicators", truth["indicators"], result["fields"]["indicators"])):
                items[f"{line}.{item}"][0] += sum(w in got for w in wanted)
                items[f"{line}.{item}"][1] += len(wanted)
        for field, expected in truth.items():
            got = result["fields"].get(field)
            confidence = result["confidence"].get(field, 0.0)  # a document taken for another kind
            right = got == expected and result["kind"] == kind
            for tally in (per_kind[line], per_field[f"{line}.{field}"]):
                tally[0] += right
                tally[1] += 1
            if confidence >= SURE:
                sure[0] += right
                sure[1] += 1
            if not right:
                wrong_doubted[0] += confidence < SURE
                wrong_doubted[1] += 1
                misses.append(f"{n} {line}.{field} ({confidence:.2f}): got "
                              f"{json.dumps(got, ensure_ascii=False)[:140]} want "
                              f"{json.dumps(expected, ensure_ascii=False)[:140]} {choices}")
    return {"kinds": {k: r / t for k, (r, t) in per_kind.items()},
            "fields": {k: r / t for k, (r, t) in sorted(per_field.items())},
            "sure_right": sure[0] / max(sure[1], 1), "wrong_doubted": wrong_doubted[0] / max(wrong_doubted[1], 1),
            "wrong": wrong_doubted[1], "misses": misses, "classified": kinds, "surest": surest,
            "items": {k: r / max(t, 1) for k, (r, t) in sorted(items.items())}}


def report(s: dict[str, Any], name: str, seconds: float) -> None:
    print(f"\n{name}:\n" + "\n".join(s["misses"]))
    print("\n".join(f"{field:40} {accuracy:.3f}" for field, accuracy in s["fields"].items()))
    print("per kind and producer: " + ", ".join(f"{kind} {accuracy:.3f}" for kind, accuracy in s["kinds"].items()))
    print("goal sentences and indicator rows read exactly: "
          + ", ".join(f"{item} {share:.3f}" for item, share in s["items"].items()))
    print(f"confidence >= {SURE}: right {s['sure_right']:.3f}; wrong values below {SURE}: "
          f"{s['wrong_doubted']:.3f} ({s['wrong']} wrong); {seconds:.0f} s")


#: The seed the extractor was first measured on, and two it was not.
SEEDS = (9, 1, 8)


@pytest.mark.slow
@pytest.mark.office  # plans written in Word are turned into PDF by LibreOffice
@pytest.mark.parametrize("seed", SEEDS)
def test_accuracy_and_confidence_over_generated_variety(seed: int) -> None:
    start = time.monotonic()
    s = score(drawn(seed=seed))
    report(s, f"seed {seed}", time.monotonic() - start)
    assert all(got == want for want, got in s["classified"]), [c for c in s["classified"] if c[0] != c[1]]
    assert set(s["kinds"]) == {"district_plan", "report", "decision", "follow_up", "district_plan (word)"}, s["kinds"]
    assert min(s["kinds"].values()) >= 0.97, s["kinds"]
    assert s["sure_right"] >= 0.97
    assert s["wrong"] == 0 or s["wrong_doubted"] >= 0.8


@pytest.mark.slow
@pytest.mark.office  # OCRmyPDF with Tesseract's Swedish model
def test_scanned_documents_are_read_through_ocr_into_the_same_fields() -> None:
    """Class 8 of issue 9: after OCR the goals and indicators came back empty (no ruling lines in the text
    layer, bullets read as other glyphs). Now scans of every kind and both producers are taken for their kind
    and meet the bar per kind, each field not read from layout meets it on its own, and goal sentences and
    indicator rows are read item by item at least as often as below; as a misread figure or a lost row leaves
    a field from layout wrong, it is always doubted, and nothing OCR read is surer than 0.85.

    Measured on these scans: per kind 0.98-1.00, goal sentences 1.00, indicator rows 0.95. On other draws
    (2026-11-26): 36 scans of seed 9 0.994 / 0.963 (plans / follow-ups), seed 4 0.971 / 0.981, 24 of seed 5
    0.983 / 0.972; 12 Word plans scanned 0.944-0.963. What is left there is mostly figures Tesseract's LSTM
    model misreads in table cells ("27,7" as "21,1", "737" as "1737", "33,5" as "or"), which no rule can put
    right; every such value is doubted."""
    start = time.monotonic()
    s = score(scanned())
    report(s, "scans", time.monotonic() - start)
    assert all(got == want for want, got in s["classified"]), s["classified"]
    assert {kind for kind, _ in s["classified"]} == {"district_plan", "report", "decision", "follow_up"}
    assert set(s["kinds"]) == {"district_plan (scan)", "report (scan)", "decision (scan)", "follow_up (scan)",
                               "district_plan (word scan)"}, s["kinds"]
    assert min(s["kinds"].values()) >= 0.97, s["kinds"]
    carried = {f: a for f, a in s["fields"].items() if f.split(".")[1] not in FROM_LAYOUT}
    assert min(carried.values()) >= 0.97, carried
    assert min(share for item, share in s["items"].items() if item.endswith(".goals")) >= 0.97, s["items"]
    assert min(share for item, share in s["items"].items() if item.endswith(".indicators")) >= 0.9, s["items"]
    assert s["surest"] <= 0.85
    assert s["sure_right"] >= 0.97
    assert s["wrong"] == 0 or s["wrong_doubted"] >= 0.8


if __name__ == "__main__":
    import sys

    for seed in map(int, sys.argv[2:] or ["9"]):
        start = time.monotonic()
        documents = int(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENTS
        report(score(drawn(documents, seed=seed)), f"seed {seed}", time.monotonic() - start)
