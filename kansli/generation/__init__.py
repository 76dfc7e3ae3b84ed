"""Generation: fields in, Word document bytes out — pure functions shared by jobs and the CLI."""
from .agreement import agreement_context, agreement_name, render_agreement
from .batch import batch_name, render_batch
from .decision import decision_context, recipients, render_decision
from .errors import GenerationError
from .report import render_report, report_context, report_name

__all__ = ["agreement_context", "agreement_name", "render_agreement", "decision_context",
           "recipients", "render_decision", "GenerationError", "render_batch", "batch_name",
           "render_report", "report_context", "report_name"]
