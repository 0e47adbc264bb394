"""What only a batch can see: one agency's reports across years, and reports of different agencies.

Each checked report leaves a small :class:`~gipcheck.cross.summary.ReportSummary` (identity,
the table figures cross-report rules compare, hashed sentences, a compressed copy of its
text for excerpts) — never the whole document — so ten thousand reports fit in memory. After
the last report, :func:`~gipcheck.cross.stage.cross_findings` groups the summaries into
histories (same agency, consecutive years) and runs the ``cross_checks`` of the rule files
(GIP701–GIP704), giving extra findings per file.
"""
from __future__ import annotations

from .stage import CrossReportCheck, cross_findings
from .summary import ReportSummary, summarize

__all__ = ["CrossReportCheck", "ReportSummary", "summarize", "cross_findings"]
