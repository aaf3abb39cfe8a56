"""Routing: rules in order, `continue`, owner shorthand, the default, thresholds; compose
grouping per sink; and the settings file's `notifiers:` / `routes:` sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.errors import SettingsError
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.dingtalk import DingTalkConfig
from kubedrift.notifiers.routing import Destination, Routes, compose, route
from kubedrift.notifiers.slack import SlackConfig
from kubedrift.settings import parse_settings
from tests.unit.notifiers.cycle import CONTEXT, EVENTS, PAY, SHOP, fleet_drift

SINKS: dict[str, NotifierConfig] = {
    "slack-platform": SlackConfig(name="slack-platform", token_env="T", channel="#k8s"),
    "slack-payments": SlackConfig(name="slack-payments", webhook_url_env="W"),
    "dingtalk-shop": DingTalkConfig(name="dingtalk-shop", access_token_env="D"),
}


def _routes(data: object) -> Routes:
    return Routes.model_validate(data)


def _ids(chosen: dict[Destination, list[DriftEvent]]) -> dict[tuple[str, str], set[str]]:
    return {(d.sink, d.locale): {e.id for e in events} for d, events in chosen.items()}


def test_owner_shorthand_then_default() -> None:
    routes = _routes(
        {
            "owners": {"team-payments-sre": "slack-payments", "team-shop": ["dingtalk-shop"]},
            "default": {"sinks": "slack-platform"},
        }
    )
    chosen = _ids(route(EVENTS, CONTEXT, routes, SINKS))
    assert chosen == {
        ("slack-payments", "en"): {e.id for e in EVENTS if e.cluster == PAY},
        # DingTalk sinks speak Chinese unless told otherwise.
        ("dingtalk-shop", "zh-CN"): {e.id for e in EVENTS if e.cluster == SHOP},
        # A source failure has no owner: only the default takes it.
        ("slack-platform", "en"): {"source.failed|tke-prod"},
    }


def test_first_matching_rule_wins_unless_continue() -> None:
    rules = [
        {"name": "critical", "min_severity": "critical", "sinks": "dingtalk-shop", "locale": "en"},
        {"name": "prod", "labels": {"env": "prod"}, "sinks": "slack-platform"},
    ]
    stop = _ids(route(EVENTS, CONTEXT, _routes({"rules": rules}), SINKS))
    eos = "drift.opened|tke/ap-shanghai/cls-7xk2p9ab|end-of-support|control-plane"
    assert eos in stop[("dingtalk-shop", "en")]
    assert eos not in stop[("slack-platform", "en")]
    rules[0]["continue"] = True
    both = _ids(route(EVENTS, CONTEXT, _routes({"rules": rules}), SINKS))
    assert eos in both[("dingtalk-shop", "en")] and eos in both[("slack-platform", "en")]


def test_conditions() -> None:
    def taken(**rule: object) -> set[str]:
        routes = _routes({"rules": [{"name": "r", "sinks": "slack-platform", **rule}]})
        return set().union(*_ids(route(EVENTS, CONTEXT, routes, SINKS)).values())

    every = {e.id for e in EVENTS}
    assert taken() == every
    assert taken(min_severity="high") == {
        f"drift.opened|{PAY}|control-plane-minor-lag|control-plane",
        "drift.opened|tke/ap-shanghai/cls-7xk2p9ab|end-of-support|control-plane",
        "source.failed|tke-prod",  # a failing source counts as high
    }
    assert taken(events=["drift.resolved"]) == {
        e.id for e in EVENTS if e.type is EventType.DRIFT_RESOLVED
    }
    assert taken(groups="shop-*") == {e.id for e in EVENTS if e.cluster == SHOP}
    assert taken(clusters="pay-prod-*") == taken(clusters="ack/*")
    assert taken(providers="tke") == taken(groups="shop-prod")
    assert taken(labels={"team": ["payments", "data"]}) == {
        e.id for e in EVENTS if e.cluster == PAY
    }
    assert taken(rules="end-of-*") == {
        "drift.opened|tke/ap-shanghai/cls-7xk2p9ab|end-of-support|control-plane"
    }
    # The source event by its name; cluster events by the source that found the cluster.
    assert taken(sources="tke-prod") == {e.id for e in EVENTS if e.cluster in (SHOP, None)}


def test_default_threshold_and_nothing_matched() -> None:
    routes = _routes({"default": {"sinks": "slack-platform", "min_severity": "critical"}})
    chosen = _ids(route(EVENTS, CONTEXT, routes, SINKS))
    assert chosen == {
        ("slack-platform", "en"): {
            "drift.opened|tke/ap-shanghai/cls-7xk2p9ab|end-of-support|control-plane"
        }
    }
    assert route(EVENTS, CONTEXT, Routes(), SINKS) == {}


def test_compose_groups_per_sink_and_locale() -> None:
    events, context = fleet_drift(100)
    routes = _routes(
        {
            "owners": {"team-payments-sre": "dingtalk-shop"},
            "rules": [{"name": "all", "sinks": "slack-platform", "continue": True}],
        }
    )
    out = compose(events, context, routes, SINKS)
    # 100 clusters: one digest per sink, in each sink's language.
    assert [(o.sink, o.message.kind, o.message.locale) for o in out] == [
        ("dingtalk-shop", "digest", "zh-CN"),
        ("slack-platform", "digest", "en"),
    ]
    assert out[0].message.title == "【严重】34 个集群版本漂移：新增漂移 68 项"
    assert out[0].message.owner == "team-payments-sre"


SETTINGS = """
sources:
  - {name: sim, type: simulated}
notifiers:
  - name: slack-platform
    type: slack
    token_env: SLACK_BOT_TOKEN
    channel: "#k8s-upgrades"
  - name: dingtalk-payments
    type: dingtalk
    access_token_env: DINGTALK_PAYMENTS_TOKEN
    secret_env: DINGTALK_PAYMENTS_SECRET
routes:
  owners:
    team-payments-sre: dingtalk-payments
  default:
    sinks: [slack-platform]
    min_severity: medium
"""


def test_settings_sections() -> None:
    settings = parse_settings(SETTINGS)
    slack, ding = settings.notifiers
    assert isinstance(slack, SlackConfig) and slack.channel == "#k8s-upgrades"
    assert isinstance(ding, DingTalkConfig) and ding.default_locale == "zh-CN"
    assert settings.routes is not None
    assert settings.routes.owners == {"team-payments-sre": ("dingtalk-payments",)}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (('    channel: "#k8s-upgrades"\n', '    channel: "#k"\n    token: xoxb-1\n'), "token"),
        (("type: dingtalk", "type: dingding"), "expected one of dingtalk, slack"),
        (("sinks: [slack-platform]", "sinks: [slack-plat]"), "not configured under notifiers"),
        (("name: dingtalk-payments", "name: slack-platform"), "repeated: slack-platform"),
        (("min_severity: medium", "min_severity: urgent"), "min_severity"),
    ],
)
def test_settings_problems(change: tuple[str, str], said: str) -> None:
    with pytest.raises(SettingsError, match=said):
        parse_settings(SETTINGS.replace(*change))


def test_the_documented_settings_load() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "notifiers.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    settings = parse_settings("sources:\n  - {name: sim, type: simulated}\n" + example)
    assert [n.name for n in settings.notifiers] == [
        "slack-platform",
        "slack-payments",
        "dingtalk-payments",
    ]
    assert settings.routes is not None
    assert [r.name for r in settings.routes.all_rules()] == [
        "critical-to-platform",
        "payments-prod",
        "owner:team-shop",
        "owner:team-data",
    ]
