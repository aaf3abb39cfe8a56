"""The report as people see it: the HTML page in headless Chromium (a screenshot) and the PDF
through `pdftoppm`, each image checked for its size and for being drawn on (text, tables and
coloured charts, not a blank or error page). Debian's `chromium` and `poppler-utils`; `.ci/run`
installs both, and the tests fail, not skip, without them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kubedrift.report.data import WeeklyReport
from kubedrift.report.html import render_html

pytestmark = pytest.mark.integration

WIDTH, HEIGHT = 1280, 2000
BROWSER = "the browser test needs Chromium: apt-get install chromium (.ci/run does)"


def _tool(name: str, hint: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(hint, pytrace=False)
    return found


def screenshot(html: Path, png: Path, profile: Path) -> None:
    """Chromium's own screenshot of `html` at WIDTH x HEIGHT."""
    chromium = _tool("chromium", BROWSER)
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={png}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def ink(png: Path) -> tuple[tuple[int, int], float, float]:
    """(size, share of non-white pixels, share of clearly coloured pixels) of an image."""
    from PIL import Image

    with Image.open(png) as opened:
        image = opened.convert("RGB")
    total = image.width * image.height
    grey = image.convert("L").histogram()
    saturation = image.convert("HSV").getchannel("S").histogram()
    drawn = sum(grey[:235]) / total
    coloured = sum(saturation[80:]) / total  # saturation above ~30%: not grey text or rules
    return image.size, drawn, coloured


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_chromium_draws_the_html_report(report: WeeklyReport, locale: str, tmp_path: Path) -> None:
    page = tmp_path / f"weekly-{locale}.html"
    page.write_text(render_html(report, locale), encoding="utf-8")
    png = tmp_path / f"weekly-{locale}.png"
    screenshot(page, png, tmp_path / "profile")
    size, drawn, coloured = ink(png)
    assert size == (WIDTH, HEIGHT)
    # A blank page has no ink; an error page or a page whose charts failed has no colour.
    # The seeded report measured 9.3% ink and 6.3% coloured (chart lines, bars, badges).
    assert drawn > 0.03, f"the page looks blank ({drawn:.1%} drawn)"
    assert coloured > 0.01, f"no charts drawn ({coloured:.2%} coloured)"


def test_pdftoppm_draws_every_pdf_page(report: WeeklyReport, tmp_path: Path) -> None:
    from kubedrift.report.pdf import PdfUnavailableError, render_pdf

    pdftoppm = _tool("pdftoppm", "apt-get install poppler-utils (.ci/run does)")
    try:
        pdf = render_pdf(render_html(report, "en"))
    except PdfUnavailableError as exc:
        pytest.fail(f"{exc} (pip install -e '.[pdf]')", pytrace=False)
    (tmp_path / "weekly.pdf").write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "60", "-png", str(tmp_path / "weekly.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for png in pages:
        size, drawn, _coloured = ink(png)
        # A4 (8.27 x 11.69 in) at 60 dpi, rounded up by pdftoppm.
        assert size == (497, 702), f"{png.name} is {size}"
        assert drawn > 0.02, f"{png.name} looks blank ({drawn:.1%} drawn)"
    # Measured: page 1 3.0% coloured (the trend chart), page 2 10.8% (bars and badges).
    assert ink(pages[0])[2] > 0.01, "the first page has no coloured chart"
