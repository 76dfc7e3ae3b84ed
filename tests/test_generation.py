"""Generation as a pure function, checked by opening the result in real LibreOffice."""
from __future__ import annotations

import copy
import io
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image

from helpers.data import SEED
from helpers.office import AGREEMENT, DECISION, TEMPLATES, libreoffice_text
from helpers.pdfs import PLAN, text_pdf
from kansli.convert import ConversionError, page_count, page_pngs, preview_png, to_pdf
from kansli.extraction import extract
from kansli.generation import GenerationError, agreement_context, render_agreement, render_decision

pytestmark = pytest.mark.office  # LibreOffice opens or converts what these tests make


def test_agreement_names_municipality_districts_period_and_agency(tmp_path: Path) -> None:
    text = libreoffice_text(render_agreement(PLAN, "Arbetsförmedlingen", AGREEMENT), tmp_path)
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
    text = libreoffice_text(render_agreement(fields, "Försäkringskassan", AGREEMENT), tmp_path)
    assert "Ö & <b>{{ 7*7 }}</b> ]]> kommun" in text
    assert "{% for x in range(3) %}X{% endfor %}" in text
    assert "49" not in text and "XXX" not in text


def test_missing_fields_become_visible_placeholders(tmp_path: Path) -> None:
    text = libreoffice_text(render_agreement({"municipality": "Nacka kommun"}, "Polismyndigheten", AGREEMENT),
                            tmp_path)
    assert "stadsdelen [att fylla i]" in text or "[att fylla i]" in text
    assert "inga indikatorer" in text


def test_unknown_agency_is_refused() -> None:
    with pytest.raises(GenerationError, match="Okänd myndighet"):
        render_agreement(PLAN, "Skatteverket", AGREEMENT)


def test_template_is_a4_with_page_numbers_in_the_header() -> None:
    document = docx.Document(io.BytesIO((TEMPLATES / "agreement.docx").read_bytes()))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "NUMPAGES" in header_xml


#: What the letter adds to the seed's text: the letterhead's words and the formula of signing.
LETTER_FURNITURE = ["Regeringen", "Regeringsbeslut", "På", "regeringens", "vägnar"]


def seed_fields() -> dict:
    return extract(text_pdf(SEED.read_text()))["fields"]


def test_seed_round_trip_gives_the_seed_text_back_word_for_word(tmp_path: Path) -> None:
    letters = render_decision(seed_fields(), DECISION)
    text = libreoffice_text(letters[0][1], tmp_path)
    words = text.split()
    for word in LETTER_FURNITURE:
        words.remove(word)
    assert [w.casefold() for w in words] == [w.casefold() for w in SEED.read_text().split()]
    assert "113 99 STOCKHOLM" in text  # the town in capitals, as the Government Offices write it


def test_each_recipient_gets_an_identical_letter(tmp_path: Path) -> None:
    letters = render_decision(seed_fields(), DECISION)
    assert [name for name, _ in letters] == ["beslut-utan-dnr-arbetsformedlingen.docx",
                                             "beslut-utan-dnr-rikspolisstyrelsen.docx",
                                             "beslut-utan-dnr-forsakringskassan.docx"]
    texts = []
    for number, (_name, data) in enumerate(letters):
        folder = tmp_path / str(number)
        folder.mkdir()
        texts.append(libreoffice_text(data, folder))
    assert texts[1].split("Uppdrag att samverka")[0].strip().endswith("Rikspolisstyrelsen")
    bodies = {t.split("Uppdrag att samverka", 1)[1] for t in texts}
    assert len(bodies) == 1  # the same text below the recipient in every letter


def test_letterhead_carries_item_date_and_reference(tmp_path: Path) -> None:
    fields = {**seed_fields(), "item": "II 7", "date": "2008-05-08", "reference": "IJ2008/1215/IU",
              "addressee_address": "Box 633, 601 14 Norrköping"}
    name, data = render_decision(fields, DECISION)[0]
    text = libreoffice_text(data, tmp_path)
    assert name == "beslut-ij2008-1215-iu-arbetsformedlingen.docx"
    assert "Regeringsbeslut II 7 2008-05-08 IJ2008/1215/IU Arbetsförmedlingen Box 633 601 14 NORRKÖPING" in text


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "T"}, "saknar mottagare"),
    ({"addressee": "AF"}, "saknar rubrik"),
    ({"addressee": "AF", "title": "T", "identical_to": "Rikspolisstyrelsen"}, "lista med text"),
])
def test_decisions_missing_what_a_letter_needs_are_refused(fields: dict, message: str) -> None:
    with pytest.raises(GenerationError, match=message):
        render_decision(fields, DECISION)


def test_conversion_gives_pdfa_2_and_a_png_preview(tmp_path: Path) -> None:
    docs = {"avtal.docx": render_agreement(PLAN, "Försäkringskassan", AGREEMENT),
            "brev.docx": render_decision(seed_fields(), DECISION)[0][1]}
    pdfs = to_pdf(docs, tmp_path / "profile")
    assert list(pdfs) == ["avtal.docx", "brev.docx"]
    for pdf in pdfs.values():
        assert pdf.startswith(b"%PDF-") and b"pdfaid:part>2<" in pdf
    png = preview_png(pdfs["brev.docx"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def pages_docx(count: int) -> bytes:
    """A Word file of ``count`` pages; page N has N lines, so the pages' ink grows with their number."""
    document = docx.Document()
    for page in range(1, count + 1):
        for line in range(1, page + 1):
            document.add_paragraph(f"Rad {line} på sidan {page}")
        if page < count:
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ink(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as image:
        return sum(image.convert("L").histogram()[:128])


def test_every_page_becomes_a_readable_preview_up_to_the_limit(tmp_path: Path) -> None:
    pdf = to_pdf({"lang.docx": pages_docx(12)}, tmp_path / "profile")["lang.docx"]
    assert page_count(pdf) == 12
    pages = page_pngs(pdf, dpi=100, limit=50)
    assert len(pages) == 12 and all(p[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
    with Image.open(io.BytesIO(pages[0])) as first:
        assert 800 <= first.width <= 860  # A4 at 100 dpi: 8.27 in
    # in page order, past page 9 too (pdftoppm's names are padded to the last page's width)
    amounts = [ink(p) for p in pages]
    assert amounts == sorted(amounts) and len(set(amounts)) == 12
    assert page_pngs(pdf, dpi=100, limit=3) == pages[:3]


def test_a_broken_document_is_a_clear_conversion_error(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="kunde inte göra PDF av trasig.docx"):
        to_pdf({"trasig.docx": b"PK\x03\x04 not really a docx"}, tmp_path / "profile")


def test_municipality_names_match_across_spellings() -> None:
    from kansli.names import municipality_key

    assert municipality_key("Göteborgs kommun") == municipality_key("Göteborg kommun") == municipality_key("göteborg")
    assert municipality_key("Borås kommun") == municipality_key("Borås")
    assert municipality_key("Malmö kommun") != municipality_key("Luleå kommun")


def test_the_agency_to_area_mapping_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from kansli import config

    monkeypatch.setenv("KANSLI_AGENCY_AREAS", '{"Polismyndigheten": ["trygghet", "utbildning"]}')
    settings = config.load()
    areas = agreement_context(PLAN, "Polismyndigheten", settings.agency_areas)["goal_areas"]
    assert [a["heading"] for a in areas] == ["Trygghet", "Utbildning"]
    monkeypatch.setenv("KANSLI_AGENCY_AREAS", '{"Polismyndigheten": ["polisiär"]}')
    with pytest.raises(SystemExit, match="KANSLI_AGENCY_AREAS.*en lista av arbete.*för varje myndighet"):
        config.load()


def test_hostile_values_in_a_decision_come_out_literally(tmp_path: Path) -> None:
    fields = {"addressee": "Myndigheten <&>", "title": "{{ 7*7 }} & ]]>", "decision": "Ett\x07 beslut {% raw %}.",
              "identical_to": ["<w:p/>"]}
    text = libreoffice_text(render_decision(fields, DECISION)[0][1], tmp_path)
    assert "Myndigheten <&>" in text and "{{ 7*7 }} & ]]>" in text and "Ett beslut {% raw %}." in text
    assert "<w:p/>" in text


@pytest.fixture
def resident_office(tmp_path: Path):  # noqa: ANN201 - yields the XML-RPC port
    """A real unoserver with its own profile, as ``kansli serve`` starts one per worker."""
    import contextlib
    import os
    import signal
    import xmlrpc.client

    from helpers.processes import free_port, wait_for
    from kansli import config, office

    executable = office.executable(config.load())
    if not executable:
        pytest.fail(".venv-office/bin/unoserver is missing: `make test` builds it (needs Debian's python3-uno)")
    port = free_port()
    proc = subprocess.Popen(office.argv(executable, port, free_port(), tmp_path / "office"), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answers() -> bool:
        try:
            return bool(xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}").info())
        except OSError:
            return False

    try:
        wait_for(answers, 60, 0.3, "unoserver")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):  # whatever of LibreOffice outlived unoserver (oosplash can)
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_converting_nothing_starts_no_libreoffice(tmp_path: Path) -> None:
    # (started with no file, LibreOffice waited until the timeout killed it: ten minutes of a test run)
    assert to_pdf({}, tmp_path / "profile", timeout=5) == {}
    assert not (tmp_path / "profile").exists()


def test_a_resident_libreoffice_converts_warm(resident_office: int, tmp_path: Path) -> None:
    docs = {"avtal.docx": render_agreement(PLAN, "Försäkringskassan", AGREEMENT),
            "brev.docx": render_decision(seed_fields(), DECISION)[0][1]}
    pdfs = to_pdf(docs, tmp_path / "cold-profile", port=resident_office)
    assert all(b"pdfaid:part>2<" in pdf for pdf in pdfs.values())
    assert not (tmp_path / "cold-profile").exists()  # no cold LibreOffice was started


def test_conversion_falls_back_to_a_cold_start_when_the_resident_one_is_gone(tmp_path: Path) -> None:
    from helpers.processes import free_port

    pdfs = to_pdf({"avtal.docx": render_agreement(PLAN, "Försäkringskassan", AGREEMENT)}, tmp_path / "cold",
                  port=free_port())
    assert b"pdfaid:part>2<" in pdfs["avtal.docx"] and (tmp_path / "cold").exists()


def test_an_agreement_has_one_file_name_alone_and_in_a_batch(tmp_path: Path) -> None:
    import zipfile

    from kansli.generation import agreement_name, render_batch

    decision = {"municipalities": ["Upplands Väsby kommun", "Göteborgs kommun"], "reference": "IJ2008/1/UF"}
    plans = {"Upplands Väsby kommun": {**PLAN, "municipality": "Upplands Väsby kommun"}, "Göteborgs kommun": None}
    names = zipfile.ZipFile(io.BytesIO(render_batch(decision, plans, "Polismyndigheten", AGREEMENT))).namelist()
    alone = agreement_name("Polismyndigheten", "Upplands Väsby kommun")
    assert alone == "samverkansoverenskommelse-polismyndigheten-upplands-vasby.docx"
    assert alone in names
    assert "samverkansoverenskommelse-polismyndigheten-goteborgs-ofullstandig.docx" in names


def test_names_shown_and_stored_are_clean() -> None:
    from kansli.names import display_name, file_name, slug

    assert display_name("C:\\Users\\anna\\plan\u202egpj.pdf") == "plangpj.pdf"  # no bidi override
    assert display_name("plan\x00.pdf") == "plan.pdf" and display_name("  ") == "dokument.pdf"
    assert file_name("../Plan för Östra Fittja.pdf") == "Plan_for_Ostra_Fittja.pdf"
    assert file_name("...") == "dokument.pdf"
    assert slug("Försäkringskassan") == "forsakringskassan" and slug("!!", "mottagare") == "mottagare"
