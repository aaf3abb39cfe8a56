"""JSON log lines with structured fields; secrets masked wherever they would appear."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from kubedrift.daemon import logs

SECRET = "AKIDsuper-secret-value"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    out = io.StringIO()
    logs.configure(stream=out, secrets=[SECRET, "ab"])
    yield out
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_carries_the_extra_fields(stream: io.StringIO) -> None:
    logging.getLogger("kubedrift.test").warning(
        "collection failed: %s",
        "timeout",
        extra={"cluster": "tke/x/c1", "source": "tke", "rule": None},
    )
    (line,) = lines(stream)
    assert line["message"] == "collection failed: timeout"
    assert (line["level"], line["logger"]) == ("warning", "kubedrift.test")
    assert (line["cluster"], line["source"]) == ("tke/x/c1", "tke")
    assert "rule" not in line  # None fields are left out
    assert str(line["time"]).endswith("+00:00")


def test_secrets_are_masked_in_message_arguments_fields_and_tracebacks(
    stream: io.StringIO,
) -> None:
    log = logging.getLogger("kubedrift.test")
    log.info(f"key {SECRET} in the message")
    log.info("key %s in an argument", SECRET, extra={"url": f"https://x/?k={SECRET}"})
    try:
        raise RuntimeError(f"SDK says: bad key {SECRET}")
    except RuntimeError:
        log.exception("failed")
    log.info("an abacus")
    text = stream.getvalue()
    assert SECRET not in text
    assert text.count("***") == 4
    assert (
        "an abacus" in text
    )  # "ab" is too short to be a secret: never masked (it would mangle words)
    assert "RuntimeError" in lines(stream)[2]["error"]  # type: ignore[operator]
