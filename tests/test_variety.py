"""Field accuracy over documents drawn from independent choices (tests/helpers/variety.py), from fixed seeds.

The bar of issue 9: at least 0.97 per kind. Confidence must mean something: a value given 0.8 or more is
right at least 97 % of the time, and at least 80 % of the wrong values are given less than 0.8 — on every
seed, not one the extractor was tuned on. Every miss is printed with its confidence and the choices its
document was drawn with, so a failure names its class, not its example.

Run as a script to score other seeds and sizes: ``PYTHONPATH=.:tests python tests/test_variety.py 300 1 2 3``
(documents, then seeds) prints each seed's scores and misses.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from typing import Any

import pytest

from helpers.variety import draw, draw_follow_up
from kansli.extraction import extract

DOCUMENTS = 240
#: One follow-up report after every this many documents of the other kinds.
FOLLOW_UP_EVERY = 4
SURE = 0.8


def score(documents: int = DOCUMENTS, seed: int = 9) -> dict[str, Any]:
    rng, follow_up_rng = random.Random(seed), random.Random(seed + 1)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sure = [0, 0]  # right, all among values given SURE or more
    wrong_doubted = [0, 0]  # doubted, all among wrong values
    misses, kinds = [], []
    drawn = ((n, draw_follow_up(follow_up_rng) if follow_up else draw(rng))
             for n in range(documents) for follow_up in (False, True)[:1 + (n % FOLLOW_UP_EVERY == 0)])
    for n, (kind, choices, pdf, truth) in drawn:
        result = extract(pdf)
        kinds.append((kind, result["kind"]))
        for field, expected in truth.items():
            got = result["fields"].get(field)
            confidence = result["confidence"].get(field, 0.0)  # a document taken for another kind
            right = got == expected and result["kind"] == kind
            for tally in (per_kind[kind], per_field[f"{kind}.{field}"]):
                tally[0] += right
                tally[1] += 1
            if confidence >= SURE:
                sure[0] += right
                sure[1] += 1
            if not right:
                wrong_doubted[0] += confidence < SURE
                wrong_doubted[1] += 1
                misses.append(f"{n} {kind}.{field} ({confidence:.2f}): got "
                              f"{json.dumps(got, ensure_ascii=False)[:140]} want "
                              f"{json.dumps(expected, ensure_ascii=False)[:140]} {choices}")
    return {"kinds": {k: r / t for k, (r, t) in per_kind.items()},
            "fields": {k: r / t for k, (r, t) in sorted(per_field.items())},
            "sure_right": sure[0] / max(sure[1], 1), "wrong_doubted": wrong_doubted[0] / max(wrong_doubted[1], 1),
            "wrong": wrong_doubted[1], "misses": misses, "classified": kinds}


def report(s: dict[str, Any], seed: int) -> None:
    print(f"\nseed {seed}:\n" + "\n".join(s["misses"]))
    print("\n".join(f"{field:32} {accuracy:.3f}" for field, accuracy in s["fields"].items()))
    print("per kind: " + ", ".join(f"{kind} {accuracy:.3f}" for kind, accuracy in s["kinds"].items()))
    print(f"confidence >= {SURE}: right {s['sure_right']:.3f}; wrong values below {SURE}: "
          f"{s['wrong_doubted']:.3f} ({s['wrong']} wrong)")


#: The seed the extractor was first measured on, and two it was not.
SEEDS = (9, 1, 8)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_accuracy_and_confidence_over_generated_variety(seed: int) -> None:
    s = score(seed=seed)
    report(s, seed)
    assert all(got == want for want, got in s["classified"]), [c for c in s["classified"] if c[0] != c[1]]
    assert set(s["kinds"]) == {"district_plan", "report", "decision", "follow_up"}, s["kinds"]
    assert min(s["kinds"].values()) >= 0.97, s["kinds"]
    assert s["sure_right"] >= 0.97
    assert s["wrong"] == 0 or s["wrong_doubted"] >= 0.8


if __name__ == "__main__":
    import sys

    for seed in map(int, sys.argv[2:] or ["9"]):
        report(score(int(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENTS, seed), seed)
