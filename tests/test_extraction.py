"""Extraction as a pure function: bytes in, the contract's object out (shared/contracts/extraction.md)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.data import REALWORLD, REALWORLD_DIR, SEED
from helpers.pdfs import PLAN, image_only_pdf, plan_pdf, prose_plan_pdf, text_pdf
from kansli.extraction import Refusal, extract
from kansli.extraction.normalize import clean, parse_date, parse_number


def test_district_plan_fields_match_the_plan_they_were_made_from() -> None:
    result = extract(plan_pdf())
    assert result["kind"] == "district_plan"
    assert result["pages"] == 1
    assert result["fields"] == PLAN
    assert result["warnings"] == []


def test_plan_facts_written_only_in_prose_are_found() -> None:
    fields = extract(prose_plan_pdf())["fields"]
    assert fields["municipality"] == "Huddinge kommun"
    assert fields["districts"] == ["Flemingsberg", "Vårby"]
    assert fields["period"] == {"start": 2008, "end": 2010}
    assert fields["adopted"] == "2008-03-12"
    assert fields["reference"] == "KS 2008/123"
    assert fields["agencies"] == ["Polismyndigheten"]


def test_missing_plan_fields_are_empty_never_absent_and_warned_about() -> None:
    result = extract(prose_plan_pdf())
    assert set(result["fields"]) == set(PLAN)
    assert result["fields"]["goals"] == {} and result["fields"]["indicators"] == []
    assert result["fields"]["contact"] == {"name": None, "title": None, "email": None, "phone": None}


def test_seed_decision_is_read_in_the_government_offices_layout() -> None:
    fields = extract(text_pdf(SEED.read_text()))["fields"]
    assert fields["department"] == "Integrations- och jämställdhetsdepartementet"
    assert fields["addressee"] == "Arbetsförmedlingen"
    assert fields["addressee_address"] == "113 99 Stockholm"
    assert fields["title"] == "Uppdrag att samverka med kommuner som har lokala utvecklingsavtal"
    assert fields["identical_to"] == ["Rikspolisstyrelsen", "Försäkringskassan"]
    assert fields["signatories"] == ["Nyamko Sabuni", "Evert Kroes"]
    assert fields["copies_to"][:2] == ["Statsrådsberedningen", "Justitiedepartementet/KRIM"]
    assert fields["copies_to"][-1] == "Mångkulturellt centrum"
    assert len(fields["municipalities"]) == 21 and fields["municipalities"][0] == "Borås kommun"
    assert fields["decision"].startswith("Polismyndigheterna, Försäkringskassan och Arbetsförmedlingen")
    assert "\n\nMyndigheterna ska i samråd" in fields["decision"]
    assert fields["background"].startswith("Av budgetproposition för 2008")


def test_progress_is_reported_page_by_page() -> None:
    seen: list[tuple[int, int]] = []
    extract(plan_pdf(filler_pages=3), on_progress=lambda page, total: seen.append((page, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"PK\x03\x04 a zip, not a pdf", "not_pdf"),
        (plan_pdf()[:900], "corrupt"),
        pytest.param(image_only_pdf(), "no_text", marks=pytest.mark.office),  # OCR is tried first
    ],
    ids=["empty", "blank", "zip", "truncated", "scan"],
)
def test_bad_input_is_refused_with_the_contract_code_and_a_sentence(data: bytes, code: str) -> None:
    with pytest.raises(Refusal) as caught:
        extract(data)
    assert caught.value.code == code
    assert caught.value.message.endswith(".") and len(caught.value.message.split(".")) == 2


def test_encrypted_pdf_is_refused_as_encrypted() -> None:
    with pytest.raises(Refusal) as caught:
        extract((REALWORLD_DIR / "password-example.pdf").read_bytes())
    assert caught.value.code == "encrypted"


def test_too_large_names_the_limit() -> None:
    with pytest.raises(Refusal) as caught:
        extract(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), max_bytes=2 * 1024 * 1024)
    assert caught.value.code == "too_large" and "större än 2 MB" in caught.value.message


def test_too_many_pages_names_the_limit() -> None:
    with pytest.raises(Refusal) as caught:
        extract(plan_pdf(filler_pages=2), max_pages=2)
    assert caught.value.code == "too_many_pages"
    assert "3 sidor" in caught.value.message and "högst 2" in caught.value.message


@pytest.mark.parametrize("path", REALWORLD, ids=[p.name for p in REALWORLD])
def test_real_world_pdfs_end_in_success_or_refusal(path: Path) -> None:
    import time

    try:  # within 60 s: past that the read is stopped, and "timeout" is not among the accepted codes
        result = extract(path.read_bytes(), deadline=time.monotonic() + 60)
    except Refusal as refusal:
        assert refusal.code in {"empty", "not_pdf", "corrupt", "encrypted", "too_large", "too_many_pages", "no_text"}
        return
    assert result["kind"] in {"district_plan", "report", "decision", "unknown"}
    assert result["pages"] >= 1
    if result["kind"] == "unknown":
        assert "title" in result["fields"]


def test_a_decompression_bomb_is_refused_as_too_large_by_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """2 MB of PDF whose content stream inflates to 2 GiB: read in a child held to 256 MB, it is refused
    within seconds, and the reading process itself neither grows nor stops."""
    import resource
    import time

    from helpers.pdfs import zip_bomb_pdf
    from kansli import budget, config

    monkeypatch.setenv("KANSLI_EXTRACT_MEMORY_MB", "256")
    settings = config.load()
    bomb = zip_bomb_pdf(2048)
    assert len(bomb) < 3 * 2**20
    started, peak = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(Refusal) as caught:
        budget.read(extract, bomb, settings)
    assert caught.value.code == "too_large" and "mer än 256 MB minne" in caught.value.message
    assert caught.value.message.endswith(".") and len(caught.value.message.split(".")) == 2
    assert time.monotonic() - started < 60
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100 * 1024  # KB: the child grew, not us
    assert budget.read(extract, plan_pdf(), settings)["fields"] == PLAN  # and reading goes on


def test_a_document_past_its_cpu_budget_is_refused_or_handed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """CPU time ends a read that memory would not: on the heavy queue (and in ``kansli extract``) as a
    refusal, on an ordinary worker, whose share is smaller, as work for the heavy queue."""
    from helpers.pdfs import drawing_bomb_pdf
    from kansli import budget, config
    from kansli.extraction import HeavyWork

    monkeypatch.setenv("KANSLI_EXTRACT_CPU_SECONDS", "1")
    monkeypatch.setenv("KANSLI_HEAVY_AFTER_SECONDS", "1")
    drawing = drawing_bomb_pdf(400_000)
    with pytest.raises(Refusal) as caught:
        budget.read(extract, drawing, config.load())
    assert caught.value.code == "too_large" and "mer än 1 sekunders beräkning" in caught.value.message
    with pytest.raises(HeavyWork):
        budget.read(extract, drawing, config.load(), heavy=False)


def test_the_budgeted_child_reports_progress_and_stops_when_the_parent_says_so() -> None:
    """Progress arrives in the parent, where a lost lease raises: the child is killed then, not left reading."""
    from kansli import budget

    class Stop(Exception):
        pass

    seen: list[tuple[int, int]] = []

    def stop_at_2(page: int, total: int) -> None:
        seen.append((page, total))
        if page == 2:
            raise Stop

    with pytest.raises(Stop):
        budget.run(extract, plan_pdf(filler_pages=20), budget=budget.Budget(2**30, 60), on_progress=stop_at_2)
    assert seen == [(1, 21), (2, 21)]
    with pytest.raises(Refusal) as caught:  # a refusal made in the child is raised here, code and all
        budget.run(extract, b"%PDF-1.4 not really", budget=budget.Budget(2**30, 60))
    assert caught.value.code == "corrupt"


def test_a_scan_past_the_ocr_page_limit_is_refused_before_any_page_is_recognised(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """1,999 blank pages once ran 380 s of OCR; past ``max_ocr_pages`` none is recognised."""
    import time

    from helpers.pdfs import blank_pages_pdf
    from kansli.extraction import ocr

    def no_ocr(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("OCR ran")

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "add_text_layer", no_ocr)
    started = time.monotonic()
    with pytest.raises(Refusal) as caught:
        extract(blank_pages_pdf(60), max_ocr_pages=50)
    assert caught.value.code == "too_many_pages"
    assert "60 sidor" in caught.value.message and "högst 50 sidor tolkas med OCR" in caught.value.message
    assert time.monotonic() - started < 10


def test_an_ordinary_reader_hands_a_scan_on_instead_of_recognising_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from kansli.extraction import HeavyWork, ocr

    monkeypatch.setattr(ocr, "available", lambda: True)
    with pytest.raises(HeavyWork):
        extract(image_only_pdf(), allow_ocr=False)


def test_realworld_corpus_is_present() -> None:
    assert len(REALWORLD) == 22


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2008-04-24", "2008-04-24"), ("24 april 2008", "2008-04-24"), ("den 3 Mars 2009", "2009-03-03"),
     ("Beslutad 1 december 2007, reviderad 2008-02-01", "2007-12-01"), ("inget datum", None)],
)
def test_dates_become_iso(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_numbers_and_strings_are_normalised() -> None:
    assert parse_number("61,7") == 61.7
    assert parse_number("1 234") == 1234
    assert parse_number("ca -3,5 %") == -3.5
    assert parse_number("–") is None
    assert clean("  •  Fler   ska arbeta. ") == "Fler ska arbeta"
    assert clean("   ") is None


@pytest.mark.office
def test_a_scanned_plan_is_read_with_ocr() -> None:
    from helpers.pdfs import scanned

    result = extract(scanned(plan_pdf()))
    assert result["kind"] == "district_plan"
    assert result["warnings"][0].startswith("Texten är tolkad med OCR")
    fields = result["fields"]
    assert (fields["municipality"], fields["districts"], fields["period"], fields["reference"]) == (
        PLAN["municipality"], PLAN["districts"], PLAN["period"], PLAN["reference"])


def test_a_read_past_its_deadline_is_refused_as_timeout() -> None:
    import time

    with pytest.raises(Refusal) as caught:
        extract(plan_pdf(filler_pages=5), deadline=time.monotonic())
    assert caught.value.code == "timeout" and "för lång tid" in caught.value.message


@pytest.mark.parametrize("layout", ["cover", "columns"])
def test_the_pdfium_text_layer_reads_as_pdfplumber_does(layout: str) -> None:
    """textlayer gives pdfplumber's algorithms PDFium's characters and lines: the words, lines of text,
    and tables must come out as from pdfplumber's own (pdfminer's) reading of the page."""
    import io
    import random

    import pdfplumber
    import pypdfium2 as pdfium

    from helpers.corpus import plan_reportlab, plan_truth
    from kansli.extraction.textlayer import read_page

    rng = random.Random(7)
    data = plan_reportlab(plan_truth(rng), rng, layout)
    document = pdfium.PdfDocument(data)
    tables = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, theirs in enumerate(pdf.pages):
            ours = read_page(document, index)
            words, their_words = ours.extract_words(), theirs.extract_words()
            assert [w["text"] for w in words] == [w["text"] for w in their_words]
            assert all(abs(a[k] - b[k]) < 1
                       for a, b in zip(words, their_words, strict=True) for k in ("x0", "x1", "top", "bottom"))
            assert [line["text"] for line in ours.extract_text_lines()] == \
                [line["text"] for line in theirs.extract_text_lines()]
            assert [t.extract() for t in ours.find_tables()] == [t.extract() for t in theirs.find_tables()]
            tables += len(theirs.find_tables())
            assert ours.search("stadsdelsplan")[0]["x0"] == pytest.approx(theirs.search("stadsdelsplan")[0]["x0"], abs=1)
    document.close()
    assert tables >= 2  # the indicator tables (and the cover table) were compared, not skipped


def test_ruling_lines_drawn_inside_moved_forms_are_found_where_they_stand() -> None:
    """A table drawn in nested form XObjects placed with a translation: PDFium gives a form's objects in
    the form's own coordinates, and the text layer must carry them onto the page as pdfplumber does."""
    import io

    import pdfplumber
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    from kansli.extraction.textlayer import read_page

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.beginForm("rows")  # a form inside a form: each level's matrix counts once
    for y in (0, 20, 40):
        pdf.line(0, y, 160, y)
    pdf.endForm()
    pdf.beginForm("grid")
    for x in (0, 80, 160):
        pdf.line(x, 0, x, 40)
    pdf.doForm("rows")
    pdf.endForm()
    pdf.saveState()
    pdf.translate(100, 500)
    pdf.doForm("grid")
    pdf.restoreState()
    for text, x, y in (("Basår", 105, 525), ("2007", 185, 525), ("Mål", 105, 505), ("2011", 185, 505)):
        pdf.drawString(x, y, text)
    pdf.showPage()
    pdf.save()
    data = out.getvalue()

    ours = read_page(pdfium.PdfDocument(data), 0)
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        theirs = [t.extract() for t in plumber.pages[0].find_tables()]
    assert [t.extract() for t in ours.find_tables()] == theirs == [[["Basår", "2007"], ["Mål", "2011"]]]


def test_first_box_finds_where_a_field_was_read_in_every_shape() -> None:
    from kansli.extraction.provenance import first_box

    box = {"page": 2, "bbox": [1.0, 2.0, 3.0, 4.0]}
    provenance = {"reference": box, "districts": [None, box], "goals": {"arbete": [], "trygghet": [box]},
                  "indicators": [None], "municipality": None}
    assert first_box(provenance, "reference") == box
    assert first_box(provenance, "districts") == box
    assert first_box(provenance, "goals") == box
    assert first_box(provenance, "indicators") is None
    assert first_box(provenance, "municipality") is None and first_box(None, "reference") is None
    assert first_box(provenance, "districts", 1) == box and first_box(provenance, "districts", 0) is None
    assert first_box(provenance, "goals", "trygghet") == box and first_box(provenance, "goals", "arbete") is None
    assert first_box(provenance, "districts", 5) is None and first_box(provenance, "reference", "page") is None


def test_a_turned_page_is_read_level_in_its_own_frame() -> None:
    """A landscape page made by /Rotate: the text stays level and whole, and no box is given for it,
    since a page image shows the page turned."""
    import io

    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    from kansli.extraction.pdf import _columns, page_text
    from kansli.extraction.provenance import locate
    from kansli.extraction.textlayer import read_page

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(842, 595))  # a wide media box, drawn level...
    line = "Indikator Förvärvsfrekvens 20–64 år Basår 2007 Utgångsläge 40,0 Målår 2011 Målvärde 45,5 procent"
    pdf.drawString(200, 500, line)
    pdf.showPage()
    pdf.save()
    turned = pdfium.PdfDocument(out.getvalue())
    turned[0].set_rotation(90)  # ...and shown turned, as some exports do
    out = io.BytesIO()
    turned.save(out)
    data = out.getvalue()

    page = read_page(pdfium.PdfDocument(data), 0)
    assert page.rotation == 90 and page.bbox == (0.0, 0.0, 842.0, 595.0)
    assert max(c["x1"] for c in page.chars) > 595  # the line runs past the short side, and is kept whole
    assert page_text(page, _columns(page))[0] == line
    assert locate(data, [line], {"unit": "procent"}) == {"unit": {"page": 1, "bbox": None}}


def test_follow_up_is_told_from_a_plan_that_speaks_of_follow_up_and_a_report_titled_arsrapport() -> None:
    from kansli.extraction.classify import classify
    plan = ("Strategisk stadsdelsplan för Alby\nPlanperiod: 2008–2010\nIndikator Utgångsläge Målvärde\n"
            "Uppföljning av indikatorerna sker årligen i partnerskapet.")
    report = ("Försäkringskassan\nÅrsrapport om lokala partnerskap 2009\nRedovisningen lämnas enligt 13 § "
              "förordningen (2008:348).\nFörslag till åtgärder och förändringar")
    follow_up = ("Årsrapport för lokalt partnerskap 2009\nKommun: Uppsala\nIndikator År Utfall\n"
                 "Förvärvsfrekvens 20–64 år var 57,3 procent år 2009.")
    assert [classify(plan), classify(report), classify(follow_up)] == ["district_plan", "report", "follow_up"]
