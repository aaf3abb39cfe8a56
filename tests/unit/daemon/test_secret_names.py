"""Every secret a settings file names by variable is masked in the daemon's logs."""

from __future__ import annotations

from kubedrift.commands.daemon import _secrets
from kubedrift.settings import parse_settings


def test_secrets_of_sources_notifiers_and_trigger_are_all_collected() -> None:
    settings = parse_settings(
        "trigger_token_env: TRIGGER\n"
        "sources:\n"
        "  - {name: ack, type: ack, regions: [cn-hangzhou],"
        " access_key_secret_env: ACK_SECRET}\n"
        "notifiers:\n"
        "  - {name: s, type: slack, token_env: SLACK_TOKEN, channel: '#c'}\n"
        "  - {name: d, type: dingtalk, access_token_env: DT_TOKEN, secret_env: DT_SECRET}\n",
        "kubedrift.yaml",
    )
    environ = {
        "TRIGGER": "t-1",
        "ACK_SECRET": "a-2",
        "SLACK_TOKEN": "xoxb-3",
        "DT_TOKEN": "dt-4",
        "DT_SECRET": "dts-5",
        "UNRELATED": "u-6",
    }
    assert set(_secrets(settings, environ)) == {"t-1", "a-2", "xoxb-3", "dt-4", "dts-5"}
