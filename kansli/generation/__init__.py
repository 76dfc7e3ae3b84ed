"""Generation: fields in, Word document bytes out — pure functions shared by jobs and the CLI."""
from .agreement import AREA_HEADINGS, AGENCY_AREAS, agreement_context, render_agreement
from .batch import batch_name, municipality_key, render_batch
from .decision import decision_context, recipients, render_decision
from .errors import GenerationError
from .report import render_report, report_context, report_name

__all__ = ["AREA_HEADINGS", "AGENCY_AREAS", "agreement_context", "render_agreement", "decision_context",
           "recipients", "render_decision", "GenerationError", "municipality_key", "render_batch", "batch_name",
           "render_report", "report_context", "report_name"]
