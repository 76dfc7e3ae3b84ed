"""The avstämning's series as a table, for a spreadsheet: CSV as Swedish Excel reads it, and XLSX.

One row per point (baseline, each reported year, target), so that a sum, a filter or a pivot table in the
spreadsheet needs no unpacking, and the numbers are exactly those ``GET /api/indicators`` returns.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from kansli.areas import AREAS
from kansli.avstamning import Partnership

HEADER = ("Kommun", "Område", "Indikator", "Enhet", "Riktning", "Bedömning", "Punkt", "År", "Värde", "Redovisat som")
_DIRECTION = {"rising": "ska öka", "falling": "ska minska", None: ""}


def rows(found: list[Partnership]) -> list[tuple[Any, ...]]:
    """Each series point as (municipality, area, indicator, unit, direction, standing, point, year, value, name)."""
    table = []
    for partnership in found:
        for series in partnership.series:
            data = series.as_json()
            head = (data["municipality"], AREAS[data["area"]].label if data["area"] in AREAS else "", data["name"],
                    data["unit"] or "", _DIRECTION[data["direction"]], data["standing_label"])
            if data["baseline"]:
                table.append((*head, "Utgångsläge", data["baseline"]["year"], data["baseline"]["value"], ""))
            for point in data["reported"]:
                table.append((*head, "Redovisat", point["year"], point["value"], point["reported_as"]))
            if data["target"]:
                table.append((*head, "Mål", data["target"]["year"], data["target"]["value"], ""))
    return table


def to_csv(found: list[Partnership]) -> bytes:
    """Semicolons, decimal commas and a byte order mark: what Excel set to Swedish opens without a wizard."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(found):
        writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(found: list[Partnership]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Avstämning"
    sheet.append(HEADER)
    for row in rows(found):
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
