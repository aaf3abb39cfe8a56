"""The daemon's settings sections: durations, per-source schedules, the listen address."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kubedrift.daemon.config import DEFAULT_STORE_URL, HttpSettings, ScheduleSettings
from kubedrift.errors import SettingsError
from kubedrift.settings import parse_settings

SOURCES = "sources:\n  - {name: idc, type: kubeconfig}\n  - {name: edge, type: kubeconfig}\n"


@pytest.mark.parametrize(
    ("written", "seconds"),
    [(90, 90), ("90", 90), ("90s", 90), ("1.5m", 90), ("2h", 7200), ("1d", 86400)],
)
def test_durations(written: object, seconds: float) -> None:
    assert ScheduleSettings.model_validate({"interval": written}).interval == seconds


@pytest.mark.parametrize("written", ["5 minutes", "-3s", "", "1w"])
def test_bad_durations_are_refused(written: str) -> None:
    with pytest.raises(ValidationError, match="duration"):
        ScheduleSettings.model_validate({"interval": written})


def test_defaults_and_per_source_overrides() -> None:
    settings = parse_settings(
        SOURCES + "schedule: {interval: 5m, jitter: 10s, sources: {edge: {interval: 1h}}}\n"
        "trigger_token_env: KD_TOKEN\nhttp: {listen: '127.0.0.1:9000'}\n"
    )
    assert settings.store.url == DEFAULT_STORE_URL
    assert settings.schedule.for_source("idc") == (300, 10)
    assert settings.schedule.for_source("edge") == (3600, 10)
    assert settings.http.host_port == ("127.0.0.1", 9000)
    assert settings.trigger_token_env == "KD_TOKEN"


def test_a_schedule_for_an_unknown_source_is_an_error() -> None:
    with pytest.raises(SettingsError, match="no source is named 'prod'"):
        parse_settings(SOURCES + "schedule: {sources: {prod: {interval: 1h}}}\n")


@pytest.mark.parametrize(
    ("listen", "expected"), [(":8080", ("0.0.0.0", 8080)), ("[::1]:80", ("::1", 80))]
)
def test_listen_addresses(listen: str, expected: tuple[str, int]) -> None:
    assert HttpSettings(listen=listen).host_port == expected


def test_a_listen_address_needs_a_port() -> None:
    with pytest.raises(ValidationError):
        HttpSettings(listen="localhost")
