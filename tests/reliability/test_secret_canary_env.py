"""The canary pasted where a variable's NAME goes: every `*_env` field of the settings file
holds a secret (a token with a dash, a `ghp_` token, an AccessKey-ID-shaped string that is a
valid name). Every command that reads the file refuses it, names the field, and prints none
of the secrets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kubedrift.sim.daemon_setup import PLAN
from tests.reliability.test_secret_canary import CANARY, _around, kubedrift

pytestmark = pytest.mark.slow

DASHED = f"xoxb-{CANARY}-slack"
GITHUB = f"ghp_{CANARY}Gh0Token"
KEY_ID = f"LTAI5t{CANARY}Q8xYz2"


def _pasted_settings(directory: Path) -> Path:
    (directory / "plan.yaml").write_text(PLAN.read_text())
    document = {
        "plan": "plan.yaml",
        "store": {"url_env": f"postgresql://kd:{CANARY}@db/kd"},
        "trigger_token_env": DASHED,
        "sources": [
            {"name": "ack", "type": "ack", "regions": ["cn-hangzhou"],
             "access_key_id_env": KEY_ID, "access_key_secret_env": f"{CANARY}/s3cr3t+x"},
            {"name": "tke", "type": "tke", "regions": ["ap-guangzhou"],
             "secret_id_env": f"AKID{CANARY}Zq81Xf3Pw", "secret_key_env": DASHED},
        ],
        "notifiers": [
            {"name": "slack-ops", "type": "slack", "token_env": DASHED, "channel": "#ops"},
            {"name": "dt", "type": "dingtalk", "access_token_env": f"https://x/?t={CANARY}",
             "secret_env": f"SEC{CANARY}-dt"},
        ],
        "enforcers": [
            {"name": "pr", "type": "terraform_pr", "repo": ".",
             "forge": {"type": "github", "project": "o/r", "token_env": GITHUB}},
            {"name": "jira", "type": "ticket", "sink": "jira", "api": "https://jira.example",
             "project": "OPS", "token_env": f"{CANARY}-jira", "user_env": f"bot@{CANARY}.io"},
        ],
    }  # fmt: skip
    path = directory / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_a_secret_in_place_of_a_variable_name_is_refused_and_never_printed(
    tmp_path: Path,
) -> None:
    config = str(_pasted_settings(tmp_path))
    commands = {
        "scan": ("scan", "--config", config),
        "daemon": ("daemon", "--once", "--config", config),
        "propose": ("propose", "--config", config),
        "notify": ("notify", "test", "--route", "default", "--config", config),
        "waves": ("waves", "--config", config),
    }
    seen = {name: kubedrift(*args, environ={}, cwd=tmp_path) for name, args in commands.items()}
    for text in seen.values():
        # Refused at load, each field named: the secrets were found, and they are not shown.
        assert "store.url_env" in text and "enforcers[0].forge.token_env" in text, text
        assert text.count("looks like a secret pasted in place of the name") >= 12, text
    leaked = [where for where, text in seen.items() if CANARY in text]
    assert leaked == [], {where: _around(seen[where]) for where in leaked}
