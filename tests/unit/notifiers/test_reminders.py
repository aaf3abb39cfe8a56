"""Reminder scheduling with an injected `now`: the latest reminder due per finding and
route, deterministic ids, who is not reminded, the rendering, and the settings' checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubedrift.errors import SettingsError
from kubedrift.model.events import DriftState, EventType
from kubedrift.model.findings import Severity
from kubedrift.notifiers.reminders import due
from kubedrift.notifiers.render import render
from kubedrift.notifiers.routing import Routes, compose
from kubedrift.settings import parse_settings
from tests.unit.notifiers.cycle import CONTEXT, CP, EOS
from tests.unit.notifiers.test_routing import SETTINGS, SINKS

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def state(key: object = CP, severity: Severity = Severity.HIGH, **fields: object) -> DriftState:
    return DriftState.model_validate(
        {
            "key": key,
            "severity": severity,
            "summary": "control plane 1.29.3 is 2 minors behind the target 1.31",
            "opened_at": T0,
            "last_seen_at": T0,
            "observed": "1.29.3",
            "expected": "1.31",
            **fields,
        }
    )


ROUTES = Routes.model_validate(
    {
        "rules": [
            {"name": "pay", "owners": "team-payments-sre", "sinks": "slack-payments"}
            | {"repeat_interval": "4h"},
            {"name": "shop", "owners": "team-shop", "sinks": "dingtalk-shop"},
        ],
        "default": {"sinks": "slack-platform", "repeat_interval": "1d"},
    }
)


def test_nothing_before_the_first_interval_then_the_latest_one() -> None:
    assert due([state()], CONTEXT, ROUTES, T0 + timedelta(hours=3, minutes=59)) == []
    (first,) = due([state()], CONTEXT, ROUTES, T0 + timedelta(hours=4))
    assert first.sinks == ("slack-payments",)
    assert first.event.type is EventType.DRIFT_REMINDER
    assert first.event.at == T0 + timedelta(hours=4)
    assert first.event.detail["route"] == "pay" and first.event.detail["reminder"] == "1"
    # Down for a day: one reminder (the 6th), not the five missed ones.
    (late,) = due([state()], CONTEXT, ROUTES, T0 + timedelta(hours=25))
    assert late.event.detail["reminder"] == "6"
    assert late.event.at == T0 + timedelta(hours=24)


def test_ids_are_deterministic_per_finding_opening_route_and_number() -> None:
    at = T0 + timedelta(hours=5)
    (a,) = due([state()], CONTEXT, ROUTES, at)
    (b,) = due([state()], CONTEXT, ROUTES, at + timedelta(hours=2, minutes=59))
    assert a.event.id == b.event.id  # the same reminder, however often it is asked for
    (c,) = due([state()], CONTEXT, ROUTES, at + timedelta(hours=3))
    assert c.event.id != a.event.id
    (reopened,) = due([state(opened_at=T0 + timedelta(minutes=10))], CONTEXT, ROUTES, at)
    assert reopened.event.id != a.event.id


def test_who_is_not_reminded() -> None:
    now = T0 + timedelta(days=2)
    assert due([state(severity=Severity.MEDIUM)], CONTEXT, ROUTES, now) == []
    assert due([state(waived_by="waiver-1")], CONTEXT, ROUTES, now) == []
    assert due([state(announced=False)], CONTEXT, ROUTES, now) == []
    assert due([state(resolved_at=now)], CONTEXT, ROUTES, now) == []
    # The shop route took EOS and has no repeat_interval (first match wins: no default).
    assert due([state(key=EOS, severity=Severity.CRITICAL)], CONTEXT, ROUTES, now) == []
    assert due([state()], CONTEXT, Routes(), now) == []


def test_the_default_route_and_the_owners_shorthand_repeat_too() -> None:
    routes = Routes.model_validate(
        {"owners": {"team-shop": "dingtalk-shop"}, "default": {"sinks": "slack-platform"}}
        | {"default": {"sinks": "slack-platform", "repeat_interval": "12h"}}
    )
    now = T0 + timedelta(hours=13)
    found = {
        r.event.detail["route"]: r.sinks
        for r in due([state(), state(key=EOS)], CONTEXT, routes, now)
    }
    assert found == {"default": ("slack-platform",), "owner:team-shop": ("dingtalk-shop",)}


def test_a_reminder_is_told_only_through_its_route() -> None:
    (reminder,) = due([state()], CONTEXT, ROUTES, T0 + timedelta(hours=4))
    out = compose([reminder.event], CONTEXT, ROUTES, SINKS)
    assert [o.sink for o in out] == ["slack-payments"]
    assert out[0].message.title == "[HIGH] pay-prod-hz: 1 still open"
    assert out[0].message.lines[0] == (
        "**HIGH** still open since 2026-03-01: control plane 1.29.3 is 2 minors behind the "
        "target 1.31"
    )
    (zh,) = render([reminder.event], CONTEXT, "zh-CN")
    assert zh.title == "【高】pay-prod-hz：仍未解决 1 项"
    assert zh.lines[0].startswith("**高** 自 2026-03-01 起仍未解决：控制面小版本落后于目标")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("1m", "expected at least 5m \\(300 seconds\\) between reminders, found 60 seconds"),
        ("soon", "expected a duration like 30s"),
    ],
)
def test_repeat_interval_errors_name_the_path(value: str, said: str) -> None:
    text = SETTINGS.replace(
        "    min_severity: medium\n", f"    min_severity: medium\n    repeat_interval: {value}\n"
    )
    with pytest.raises(SettingsError, match=said) as caught:
        parse_settings(text)
    assert "routes.default.repeat_interval" in str(caught.value)


def test_repeat_interval_loads() -> None:
    text = SETTINGS.replace(
        "    min_severity: medium\n", "    min_severity: medium\n    repeat_interval: 4h\n"
    )
    routes = parse_settings(text).routes
    assert routes is not None and routes.default is not None
    assert routes.default.repeat_interval == 4 * 3600
