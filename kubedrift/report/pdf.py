"""Render the report's HTML to PDF with weasyprint (the optional `pdf` extra).

Chinese text needs a CJK font installed on the machine (`fonts-wqy-microhei` on Debian);
without one weasyprint draws boxes, so a zh-CN PDF checks for one and says what to install.
"""

from __future__ import annotations

import importlib
import logging

from kubedrift.errors import ConfigurationError

INSTALL_HINT = "install it with: pip install 'kubedrift[pdf]'"
CJK_HINT = "install a CJK font first, e.g. apt-get install fonts-wqy-microhei"
PANGO_HINT = "install it with: apt-get install libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailableError(ConfigurationError):
    """weasyprint (or a font it needs) is not installed."""


def render_pdf(html: str, *, needs_cjk: bool = False) -> bytes:
    try:
        # Through importlib: weasyprint ships no type information.
        weasyprint = importlib.import_module("weasyprint")
    except ImportError as exc:
        raise PdfUnavailableError(f"PDF output needs weasyprint; {INSTALL_HINT}") from exc
    except OSError as exc:
        # weasyprint is installed but cffi cannot open Pango (a slim container image).
        raise PdfUnavailableError(f"weasyprint cannot load Pango ({exc}); {PANGO_HINT}") from exc
    if needs_cjk and not _has_cjk_font():
        raise PdfUnavailableError(f"a zh-CN PDF needs a Chinese font; {CJK_HINT}")
    # weasyprint logs every CSS property it does not support at WARNING; they are expected
    # (the same page is also made for browsers) and would only be noise in the CLI's output.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document: bytes = weasyprint.HTML(string=html).write_pdf()
    return document


def _has_cjk_font() -> bool:
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    # fc-list as found by shutil.which, fixed arguments, no shell.
    found = subprocess.run(  # nosec B603
        [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return bool(found.stdout.strip())
