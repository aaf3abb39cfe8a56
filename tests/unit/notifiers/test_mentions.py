"""Mentions: owners of the clusters with problems at or above the entry's threshold, none
for good news; compose puts them on the message; the settings' `routes.mentions` checks."""

from __future__ import annotations

import pytest

from kubedrift.errors import SettingsError
from kubedrift.model.events import EventType
from kubedrift.notifiers.base import Mentions
from kubedrift.notifiers.mentions import Mention, mentions_for
from kubedrift.notifiers.routing import Routes, compose
from kubedrift.settings import parse_settings
from tests.unit.notifiers.cycle import CONTEXT, EVENTS, PAY, SHOP
from tests.unit.notifiers.test_routing import SETTINGS, SINKS

PAY_SRE = Mention(mobiles=("13800000000",), user_ids=("manager4711",))
SHOP_TEAM = Mention(user_ids=("shop-oncall",), min_severity="critical")


def test_owners_of_problems_at_their_threshold_are_mentioned() -> None:
    table = {"team-payments-sre": PAY_SRE, "team-shop": SHOP_TEAM}
    # PAY has a HIGH opening (>= high); SHOP a CRITICAL one (>= critical).
    assert mentions_for(EVENTS, CONTEXT, table) == Mentions(
        mobiles=("13800000000",), user_ids=("manager4711", "shop-oncall")
    )
    pay_only = [e for e in EVENTS if e.cluster == PAY]
    assert mentions_for(pay_only, CONTEXT, table) == Mentions(
        mobiles=("13800000000",), user_ids=("manager4711",)
    )


def test_below_the_threshold_or_good_news_mentions_nobody() -> None:
    table = {"team-payments-sre": PAY_SRE}
    escalated_medium = [e for e in EVENTS if e.type is EventType.DRIFT_ESCALATED]
    assert mentions_for(escalated_medium, CONTEXT, table) is None
    good_news = [
        e
        for e in EVENTS
        if e.type in (EventType.DRIFT_RESOLVED, EventType.VERSION_CHANGED) and e.cluster == PAY
    ]
    assert good_news and mentions_for(good_news, CONTEXT, table) is None
    lowered = {"team-payments-sre": PAY_SRE.model_copy(update={"min_severity": "low"})}
    assert mentions_for(good_news, CONTEXT, lowered) is None
    assert mentions_for(escalated_medium, CONTEXT, lowered) is not None
    # An owner with no entry, and a source failure (no cluster, no owner): nobody.
    assert mentions_for([e for e in EVENTS if e.cluster == SHOP], CONTEXT, table) is None
    assert mentions_for([e for e in EVENTS if e.cluster is None], CONTEXT, table) is None


def test_compose_puts_mentions_on_each_message_of_the_owner() -> None:
    routes = Routes.model_validate(
        {
            "owners": {"team-payments-sre": "dingtalk-shop", "team-shop": "dingtalk-shop"},
            "mentions": {
                "team-payments-sre": {"mobiles": "13800000000"},
                "team-shop": {"all": True},
            },
        }
    )
    out = {o.message.clusters: o.message for o in compose(EVENTS, CONTEXT, routes, SINKS)}
    assert out[(PAY,)].mentions == Mentions(mobiles=("13800000000",))
    assert out[(SHOP,)].mentions == Mentions(all=True)


@pytest.mark.parametrize(
    ("mentions", "said"),
    [
        ("{team-x: {}}", "at least one of mobiles, user_ids or all"),
        ("{team-x: {mobiles: ['138 0000 0000']}}", "without spaces"),
        ("{team-x: {mobiles: [1], phone: 2}}", "phone"),
        ("{team-x: {all: true, min_severity: urgent}}", "min_severity"),
    ],
)
def test_mention_settings_errors_name_the_path(mentions: str, said: str) -> None:
    with pytest.raises(SettingsError, match=said) as caught:
        parse_settings(SETTINGS + f"  mentions: {mentions}\n")
    assert "routes.mentions.team-x" in str(caught.value)


def test_mention_settings_load() -> None:
    settings = parse_settings(SETTINGS + "  mentions: {team-x: {mobiles: '+8613800000000'}}\n")
    assert settings.routes is not None
    assert settings.routes.mentions["team-x"].mobiles == ("+8613800000000",)
