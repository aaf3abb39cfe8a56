"""`*_env` settings fields hold a variable's NAME; a secret pasted there is refused unseen."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, BeforeValidator

from kubedrift.collectors.registry import COLLECTORS
from kubedrift.enforcers.base import ENFORCERS
from kubedrift.env_names import check_env_name, looks_like_credential
from kubedrift.errors import SettingsError
from kubedrift.notifiers.registry import NOTIFIERS
from kubedrift.settings import Settings, parse_settings

SECRET = "glpat-Zq81canaryXf3"
SHAPED = "ghp_R2d2C3poCanary8x7Lk0ZzYy11Ww22Vv33"  # a valid name: the prefix gives it away

ACK = "{name: a, type: ack, regions: [cn-hangzhou]"
SLACK = "{name: s, type: slack, channel: C1"
DING = "{name: d, type: dingtalk"
TF = "{name: pr, type: terraform_pr, repo: ., forge: {type: github, project: o/r"
TICKET = "{name: t, type: ticket, sink: jira, api: 'https://jira.example', project: OPS"
REPORT = "report: {sinks: ["
CASES = [
    (f"sources:\n  - {ACK}, access_key_id_env: '{{}}'}}\n", "sources[0].access_key_id_env"),
    (f"sources:\n  - {ACK}, access_key_secret_env: '{{}}'}}\n", "sources[0].access_key_secret_env"),
    (f"sources:\n  - {ACK}, security_token_env: '{{}}'}}\n", "sources[0].security_token_env"),
    (
        "sources:\n  - {name: t, type: tke, regions: [ap-guangzhou], secret_key_env: '{}'}\n",
        "sources[0].secret_key_env",
    ),
    (
        "sources:\n  - {name: t, type: tke, regions: [ap-guangzhou], secret_id_env: '{}'}\n",
        "sources[0].secret_id_env",
    ),
    (
        "sources:\n  - {name: t, type: tke, regions: [ap-guangzhou], token_env: '{}'}\n",
        "sources[0].token_env",
    ),
    (
        "sources:\n  - {name: m, type: mesos, master: 'http://m:5050', principal: p,"
        " secret_env: '{}'}\n",
        "sources[0].secret_env",
    ),
    ("store: {url_env: '{}'}\n", "store.url_env"),
    ("trigger_token_env: '{}'\n", "trigger_token_env"),
    (f"notifiers:\n  - {SLACK}, token_env: '{{}}'}}\n", "notifiers[0].token_env"),
    ("notifiers:\n  - {name: s, type: slack, webhook_url_env: '{}'}\n", "webhook_url_env"),
    (f"notifiers:\n  - {DING}, access_token_env: '{{}}'}}\n", "notifiers[0].access_token_env"),
    (f"notifiers:\n  - {DING}, access_token_env: D, secret_env: '{{}}'}}\n", "secret_env"),
    (f"enforcers:\n  - {TF}, token_env: '{{}}'}}}}\n", "enforcers[0].forge.token_env"),
    (f"enforcers:\n  - {TICKET}, token_env: '{{}}'}}\n", "enforcers[0].token_env"),
    (f"enforcers:\n  - {TICKET}, token_env: T, user_env: '{{}}'}}\n", "enforcers[0].user_env"),
    (f"{REPORT}{{type: slack, name: r, channel: C1, token_env: '{{}}'}}]}}\n", "token_env"),
    (f"{REPORT}{{type: dingtalk, name: r, access_token_env: '{{}}'}}]}}\n", "access_token_env"),
    (
        f"{REPORT}{{type: email, name: r, host: h, sender: a@b.c, to: [x@b.c],"
        " username_env: U, password_env: '{}'}]}\n",
        "password_env",
    ),
]


def _settings(snippet: str) -> str:
    if snippet.startswith("sources:"):
        return snippet
    return "sources:\n  - {name: sim, type: simulated}\n" + snippet


def _problems(text: str) -> list[str]:
    with pytest.raises(SettingsError) as info:
        parse_settings(text, "kubedrift.yaml")
    return [p.render() for p in info.value.problems]


@pytest.mark.parametrize(("snippet", "path"), CASES, ids=[c[1] for c in CASES])
@pytest.mark.parametrize("secret", [SECRET, SHAPED])
def test_a_secret_pasted_into_an_env_field_is_refused_and_not_shown(
    snippet: str, path: str, secret: str
) -> None:
    problems = _problems(_settings(snippet.replace("{}", secret)))
    [line] = [p for p in problems if "NAME of an environment variable" in p]
    assert path in line
    assert line.startswith("kubedrift.yaml:")
    assert "looks like a secret" in line
    assert not any(secret in p or secret[4:12] in p for p in problems), problems


@pytest.mark.parametrize(
    ("value", "shown_as"),
    [
        ("[a, b]", "a list"),
        ("12345", "a number"),
        ("''", "an empty string"),
        ("{a: b}", "a mapping"),
    ],
)
def test_a_value_of_the_wrong_kind_is_named_by_its_kind_only(value: str, shown_as: str) -> None:
    [line] = _problems(f"sources:\n  - {ACK}, access_key_secret_env: {value}}}\n")
    assert f"found {shown_as} (not shown)" in line
    assert "sources[0].access_key_secret_env" in line


def test_a_variable_name_is_accepted() -> None:
    settings = parse_settings(
        _settings("trigger_token_env: KD_TRIGGER\nstore: {url_env: kd_store_url_2}\n"), "k.yaml"
    )
    assert settings.trigger_token_env == "KD_TRIGGER"
    assert settings.store.url_env == "kd_store_url_2"


@pytest.mark.parametrize(
    ("name", "credential"),
    [
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", False),
        ("TENCENTCLOUD_SESSION_TOKEN", False),
        ("KubedriftGithubToken", False),
        ("gh_token", False),
        ("LTAI5tQ8xYz2Kd7pWm3Rn9Vb", True),  # an AccessKey ID's shape
        ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", True),  # a SecretId's shape
        ("github_pat_11AAAcanary", True),
    ],
)
def test_credential_shapes(name: str, credential: bool) -> None:
    assert looks_like_credential(name) is credential


def _checked(annotation: Any) -> bool:
    """Whether `annotation` (maybe inside Optional) carries the variable-name check."""
    if typing.get_origin(annotation) is typing.Annotated and any(
        isinstance(m, BeforeValidator) and m.func is check_env_name for m in annotation.__metadata__
    ):
        return True
    return any(_checked(arg) for arg in typing.get_args(annotation))


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _env_fields() -> Iterator[tuple[str, Any]]:
    roots: list[type[BaseModel]] = [Settings]
    for registry in (COLLECTORS, NOTIFIERS, ENFORCERS):
        roots.extend(registry.get(name).Config for name in registry.names())
    seen: set[type[BaseModel]] = set()
    while roots:
        model = roots.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            annotation = field.rebuild_annotation()
            if name.endswith("_env"):
                yield f"{model.__name__}.{name}", annotation
            roots.extend(_models(annotation))


def test_every_env_field_of_every_plugin_checks_the_name() -> None:
    fields = dict(_env_fields())
    assert "ForgeConfig.token_env" in fields and "StoreSettings.url_env" in fields
    assert len(fields) >= 19
    unchecked = sorted(name for name, annotation in fields.items() if not _checked(annotation))
    assert unchecked == []
