"""The files the tests read, kept in ``tests/data`` so that a plain clone runs every test.

``seed/`` is the government decision the project is built around and ``realworld/`` 22 public PDFs
from pdfplumber's test suite (MIT licence); each folder's README says where they come from.
"""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = DATA / "seed" / "000_da6074d6c1328a8c.txt"
REALWORLD_DIR = DATA / "realworld"
REALWORLD = sorted(REALWORLD_DIR.glob("*.pdf"))
