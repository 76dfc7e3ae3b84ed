"""pdfplumber's table finder with its cell search made linear in the points of a row or column.

pdfplumber's ``intersections_to_cells`` turns each point's edges into a set again for every pair of points
it compares, and finds the points below and to the right of each point by scanning all the points after it:
on a page with a ruled table of 40 rows that search is a third of the whole read. Here each point's edges
become sets once, and the points below and to the right are looked up by column and row. The cells found,
and their order, are pdfplumber's (``tests/test_tablecells.py`` compares the two on real and generated
tables), so everything after — grouping cells into tables, reading them — stays pdfplumber's own.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from pdfplumber import utils
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

Point = tuple[float, float]
Bbox = tuple[float, float, float, float]


def cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[Bbox]:
    """The rectangular cells the intersections describe: for each point, in sorted order, the smallest cell
    whose corner it is (the first point below, then to the right, joined to it and to a fourth corner by edges)."""
    vertical = {p: {utils.obj_to_bbox(e) for e in edges["v"]} for p, edges in intersections.items()}
    horizontal = {p: {utils.obj_to_bbox(e) for e in edges["h"]} for p, edges in intersections.items()}
    points = sorted(intersections)
    columns: dict[float, list[Point]] = defaultdict(list)  # each in the points' order: below is what follows
    rows: dict[float, list[Point]] = defaultdict(list)
    place: dict[Point, tuple[int, int]] = {}
    for point in points:
        place[point] = (len(columns[point[0]]), len(rows[point[1]]))
        columns[point[0]].append(point)
        rows[point[1]].append(point)

    def joined(a: Point, b: Point) -> bool:
        return (a[0] == b[0] and not vertical[a].isdisjoint(vertical[b])) or \
            (a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b]))

    def smallest(point: Point) -> Bbox | None:
        down, across = place[point]
        right = rows[point[1]][across + 1:]
        for below in columns[point[0]][down + 1:]:
            if not joined(point, below):
                continue
            for beside in right:
                if not joined(point, beside):
                    continue
                corner = (beside[0], below[1])
                if corner in intersections and joined(corner, beside) and joined(corner, below):
                    return point[0], point[1], corner[0], corner[1]
        return None

    return [cell for cell in map(smallest, points) if cell]


class Tables(TableFinder):
    """pdfplumber's ``TableFinder`` with the default settings, finding its cells with :func:`cells`."""

    def __init__(self, page: Any) -> None:
        self.page, self.settings = page, TableSettings.resolve(None)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(self.edges, self.settings.intersection_x_tolerance,
                                                    self.settings.intersection_y_tolerance)
        self.cells = cells(self.intersections)
        self.tables = [Table(page, group) for group in cells_to_tables(self.cells)]
