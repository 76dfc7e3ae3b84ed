"""How things are named: municipalities as documents write them, and names of files.

One function for each, so that a plan's "Göteborg" finds a decision's "Göteborgs kommun", and the same
agreement gets the same file name whether it is drafted alone or in a batch.
"""
from __future__ import annotations

import re
import unicodedata

#: "Botkyrka kommun", "Upplands-Bro kommun": the name before "kommun".
MUNICIPALITY = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?)\s+kommun\b")
#: Characters that change how text is shown without being seen: controls, bidi overrides, NUL.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


#: Keys are stored in columns of this width; no municipality's name comes near it, a mistyped field may.
KEY_LENGTH = 100


def municipality_key(name: str) -> str:
    """``"Göteborgs kommun"`` and ``"Göteborg"`` name the same municipality."""
    base = re.sub(r"\s+kommun$", "", " ".join(name.split()), flags=re.IGNORECASE).casefold()
    return (base[:-1] if base.endswith("s") and len(base) > 4 else base)[:KEY_LENGTH]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(text: str, default: str = "") -> str:
    """A part of a file name: ``"Upplands Väsby kommun"`` → ``"upplands-vasby-kommun"``."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-") or default


def file_name(name: str, default: str = "dokument.pdf") -> str:
    """A name safe in a download header, a zip or an archive package: ASCII, no folders, no dot first."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", _ascii(display_name(name))).strip("._")
    return stem[-200:] or default


def display_name(filename: str | None, default: str = "dokument.pdf") -> str:
    """The name a user gave a file, for lists and headings only (files are stored by their hash).

    Only the last part of a path is kept, and characters that hide or reorder text are dropped.
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE).strip()
    return name[:255] or default
