"""The refusals of the extraction contract: a code and one sentence a clerk can act on; and work that is
not refused but is more than an ordinary worker takes on."""
from __future__ import annotations

MESSAGES = {
    "empty": "Filen är tom eller har inga sidor; ladda upp den fullständiga PDF-filen.",
    "not_pdf": "Filen är ingen PDF; spara dokumentet som PDF och ladda upp det igen.",
    "corrupt": "PDF-filen är trasig eller ofullständig; ladda upp en ny kopia från avsändaren.",
    "encrypted": "PDF-filen är lösenordsskyddad; ladda upp en kopia utan lösenord.",
    "too_large": "Filen är för stor; dela upp den eller komprimera den och försök igen.",
    "too_many_pages": "PDF-filen har för många sidor; ladda upp den del som gäller ärendet.",
    "no_text": "PDF-filen saknar text (troligen inskannad); ladda upp en PDF med textlager.",
    "timeout": "Det tog för lång tid att läsa PDF-filen; kontrollera filen och ladda upp den igen.",
}


class Refusal(Exception):
    """A document the pipeline will not read; final, never retried."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[Refusal], tuple[str, str]]:
        """Pickled with its code: a refusal made in a budgeted child (:mod:`kansli.budget`) is raised in the parent."""
        return Refusal, (self.code, self.message)

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class HeavyWork(Exception):
    """Not a refusal: the document needs what only the heavy queue gives (OCR, or more CPU time than an
    ordinary worker spends on one document), so the ordinary worker hands it on instead of finishing it."""
