"""The weekly compliance report: figures built purely from store rows (`report.data`), charts
(`report.charts`, matplotlib SVG), and renderers for HTML, PDF, Markdown and JSON.

`docs/report.md` defines every figure. Only `report.data` is part of the pure core; the
renderers import jinja2, matplotlib and weasyprint lazily, so importing this package is cheap.
"""

from __future__ import annotations
