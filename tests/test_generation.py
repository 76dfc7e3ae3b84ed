"""Generation as a pure function, checked by opening the result in real LibreOffice."""
from __future__ import annotations

import copy
import io
import subprocess
from pathlib import Path

import docx
import pytest

from kansli.config import REPO_ROOT
from kansli.generation import GenerationError, agreement_context, render_agreement
from pdfs import PLAN

TEMPLATES = REPO_ROOT / "templates" / "docx"


def libreoffice_text(data: bytes, tmp_path: Path) -> str:
    """The document as LibreOffice reads it: proof that it opens, and what it says."""
    source = tmp_path / "in.docx"
    source.write_bytes(data)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    out = tmp_path / "in.txt"
    assert out.exists(), "LibreOffice could not open the generated document"
    return " ".join(out.read_text(encoding="utf-8-sig").split())


def test_agreement_names_municipality_districts_period_and_agency(tmp_path: Path) -> None:
    text = libreoffice_text(render_agreement(PLAN, "Arbetsförmedlingen", TEMPLATES), tmp_path)
    assert "mellan Arbetsförmedlingen och Botkyrka kommun" in text
    assert "stadsdelarna Alby och Fittja och gäller 2008–2010" in text
    assert "förordningen (2008:348)" in text and "13 §" in text
    assert "Förvärvsfrekvens 20–64 år" in text and "52,1 (2006)" in text
    assert "Anna Berg, utvecklingsstrateg" in text


def test_agreement_lists_only_the_goals_of_the_agencys_areas() -> None:
    police = agreement_context(PLAN, "Polismyndigheten")["goal_areas"]
    employment = agreement_context(PLAN, "Arbetsförmedlingen")["goal_areas"]
    assert [a["heading"] for a in police] == ["Trygghet"]
    assert police[0]["goals"] == PLAN["goals"]["trygghet"]
    assert [a["heading"] for a in employment] == ["Arbete och sysselsättning", "Utbildning"]


def test_hostile_values_come_out_literally(tmp_path: Path) -> None:
    fields = copy.deepcopy(PLAN)
    fields["municipality"] = "Ö & <b>{{ 7*7 }}</b> ]]> kommun\x0b\x01"
    fields["districts"] = ["{% for x in range(3) %}X{% endfor %}"]
    text = libreoffice_text(render_agreement(fields, "Försäkringskassan", TEMPLATES), tmp_path)
    assert "Ö & <b>{{ 7*7 }}</b> ]]> kommun" in text
    assert "{% for x in range(3) %}X{% endfor %}" in text
    assert "49" not in text and "XXX" not in text


def test_missing_fields_become_visible_placeholders(tmp_path: Path) -> None:
    text = libreoffice_text(render_agreement({"municipality": "Nacka kommun"}, "Polismyndigheten", TEMPLATES),
                            tmp_path)
    assert "stadsdelen [att fylla i]" in text or "[att fylla i]" in text
    assert "inga indikatorer" in text


def test_unknown_agency_is_refused() -> None:
    with pytest.raises(GenerationError, match="Okänd myndighet"):
        render_agreement(PLAN, "Skatteverket", TEMPLATES)


def test_template_is_a4_with_page_numbers_in_the_header() -> None:
    document = docx.Document(io.BytesIO((TEMPLATES / "agreement.docx").read_bytes()))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "NUMPAGES" in header_xml
