"""The rendered report: HTML with inline SVG charts (en and zh-CN), Markdown, JSON, the PDF
through weasyprint and `pdftoppm`, and `kubedrift report weekly` end to end."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kubedrift.cli import main
from kubedrift.report.charts import all_charts
from kubedrift.report.data import WeeklyReport
from kubedrift.report.html import render_html, render_markdown
from kubedrift.report.i18n import EN, ZH_CN, Phrases
from kubedrift.store import Store

pytestmark = pytest.mark.integration

PDF_TOOLS = (
    "PDF tests need weasyprint (pip install -e '.[pdf]'), pdftoppm and a CJK font "
    "(apt-get install poppler-utils fonts-wqy-microhei libharfbuzz-subset0; .ci/run does both)"
)


def test_both_phrase_tables_have_the_same_keys() -> None:
    assert set(EN) == set(ZH_CN)


def test_html_is_self_contained_with_four_inline_charts(report: WeeklyReport) -> None:
    html = render_html(report, "en")
    assert len(re.findall(r'<svg [^>]*class="chart"', html)) == 4
    assert "<script" not in html and 'src="http' not in html and "<link" not in html
    assert "Weekly Kubernetes version compliance" in html
    assert "60.7%" in html and "50.0%" in html  # this week, previous week
    assert "5d 12h" in html  # mean time to resolve, 132 h
    assert "tke/ap-shanghai/cls-old" in html and "13d 15h" in html  # oldest open drift
    # Group names and owners are data: shown as they are, escaped.
    assert "支付团队" in html


def test_charts_are_deterministic_and_carry_no_timestamps(report: WeeklyReport) -> None:
    first = all_charts(report, Phrases("en"))
    assert first == all_charts(report, Phrases("en"))
    ids = [set(re.findall(r'id="([^"]+)"', svg)) for svg in first.values()]
    for i, mine in enumerate(ids):
        for other in ids[i + 1 :]:
            assert not mine & other, "two charts on one page share an element id"
    for svg in first.values():
        assert "<dc:date>" not in svg and "Matplotlib v" not in svg
        assert svg.startswith("<svg ")


def test_zh_cn_renders_chinese(report: WeeklyReport) -> None:
    html = render_html(report, "zh-CN")
    assert '<html lang="zh-CN">' in html
    for words in ("Kubernetes 版本合规周报", "本周合规率", "停止支持预测", "5天12小时", "已过期"):
        assert words in html
    assert "全部集群" in all_charts(report, Phrases("zh-CN"))["trend"]  # the legend


def test_markdown_for_chat(report: WeeklyReport) -> None:
    en = render_markdown(report, "en")
    assert en.startswith("### Weekly Kubernetes version compliance · 2026-03-09 \u2013 2026-03-15")
    assert "- **Compliance this week: 60.7%** (previous week 50.0%)" in en
    assert "- data (数据平台组): Open 1, Oldest 13d 15h" in en
    assert "ended **1**, ≤30 d **0**, 31\u201390 d **1**, 91\u2013180 d **2**" in en
    zh = render_markdown(report, "zh-CN")
    assert "- **本周合规率：60.7%**（上周 50.0%）" in zh
    assert "- w-old：2026-03-01 已过期（数据平台组）" in zh


def test_pdf_pages_render_to_png(report: WeeklyReport, tmp_path: Path) -> None:
    from kubedrift.report.pdf import PdfUnavailableError, render_pdf

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail(PDF_TOOLS, pytrace=False)
    try:
        pdf = render_pdf(render_html(report, "zh-CN"), needs_cjk=True)
    except PdfUnavailableError as exc:
        pytest.fail(f"{exc}. {PDF_TOOLS}", pytrace=False)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    fonts = shutil.which("pdffonts")
    if fonts is not None:
        listed = subprocess.run(
            [fonts, str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
        ).stdout
        assert "WenQuanYi" in listed  # Chinese drawn with a CJK font, not tofu boxes


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_the_cli_writes_the_report(
    seeded: Store, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    code = main(
        [
            "report", "weekly", "--store", str(seeded.engine.url), "--plan", str(plan),
            "--since", "2026-03-09", "--until", "2026-03-16", "--format", fmt,
            "--locale", "zh-CN", "--output", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert data["compliance"]["score"] == {"compliant": 17, "total": 28, "ratio": 17 / 28}
        assert data["teams"][2]["owner"] == "数据平台组"
    else:
        assert "60.7%" in text and "本周合规率" in text


def test_the_cli_wants_an_output_file_for_pdf(
    seeded: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", "weekly", "--store", str(seeded.engine.url), "--format", "pdf"])
    assert code == 2
    assert "--format pdf needs --output FILE" in capsys.readouterr().err


PLAN_YAML = """\
version: 1
groups:
  - {name: payments, owner: 支付团队, selector: {name: [pay-*]}, target: {kubernetes: "1.30"}}
  - {name: web, owner: web-team, selector: {name: [web-*]}, target: {kubernetes: "1.33"}}
  - {name: data, owner: 数据平台组, selector: {provider: [tke]}, target: {kubernetes: "1.30"}}
"""
