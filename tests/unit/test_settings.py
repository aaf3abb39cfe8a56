from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.errors import SettingsError
from kubedrift.settings import load_settings, parse_settings


def _problems(text: str) -> list[str]:
    with pytest.raises(SettingsError) as info:
        parse_settings(text, "kubedrift.yaml")
    return [p.render() for p in info.value.problems]


def test_sources_are_validated_by_their_own_collector() -> None:
    settings = parse_settings(
        "sources:\n"
        "  - {name: ack-prod, type: ack, regions: [cn-hangzhou, cn-shanghai], max_rps: 5}\n"
        "  - {name: tke-prod, type: tke, regions: [ap-guangzhou]}\n"
        "  - {name: idc, type: kubeconfig, contexts: ['idc-*']}\n",
        "kubedrift.yaml",
    )
    assert [type(s).__name__ for s in settings.sources] == [
        "AckConfig",
        "TkeConfig",
        "KubeconfigConfig",
    ]
    assert settings.sources[0].max_rps == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - {name: a, type: ack}\n",
            "kubedrift.yaml:2:5: sources[0]: an ack source needs at least one region",
        ),
        (
            "sources:\n  - name: a\n    type: akc\n",
            "kubedrift.yaml:3:11: sources[0].type: expected one of ack, incluster, kubeconfig,"
            " mesos, simulated, swarm, tke, found 'akc'",
        ),
        (
            "sources:\n  - {name: a, type: tke, regions: [ap-guangzhou], secret_key: abc}\n",
            "sources[0].secret_key",
        ),
        (
            "sources:\n  - {name: a, type: tke, regions: [ap-guangzhou], max_rps: 0}\n",
            "kubedrift.yaml:2:60: sources[0].max_rps: expected a number > 0.0, found the number 0",
        ),
        ("sources: []\n", "sources"),
        ("", "the file is empty"),
    ],
)
def test_broken_settings_are_located(text: str, expected: str) -> None:
    assert any(expected in line for line in _problems(text)), _problems(text)


def test_source_names_are_unique() -> None:
    [line] = _problems("sources:\n  - {name: a, type: simulated}\n  - {name: a, type: simulated}\n")
    assert "source names must be unique; repeated: a" in line
    assert line.startswith("kubedrift.yaml:3:")  # the second 'a'


def test_no_secret_can_be_written_in_the_file() -> None:
    lines = _problems(
        "sources:\n"
        "  - name: a\n    type: ack\n    regions: [cn-hangzhou]\n"
        "    access_key_secret: s3cr3t-value\n"
    )
    assert any("access_key_secret" in line for line in lines)
    assert not any("s3cr3t-value" in line for line in lines)


def test_relative_paths_resolve_next_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    file = tmp_path / "conf" / "kubedrift.yaml"
    file.write_text(
        "plan: ../plan.yaml\n"
        "sources:\n"
        "  - {name: sim, type: simulated, fleet: fleet.yaml}\n"
        "  - {name: idc, type: kubeconfig, kubeconfig: kube/config}\n"
        "  - {name: abs, type: kubeconfig, kubeconfig: /etc/kube/config}\n"
        "  - {name: two, type: kubeconfig, kubeconfig: 'a.yaml:/etc/b.yaml'}\n"
    )
    settings = load_settings(file)
    assert settings.plan == tmp_path / "conf" / "../plan.yaml"
    sim, idc, absolute, two = settings.sources
    assert sim.fleet == tmp_path / "conf" / "fleet.yaml"
    assert idc.kubeconfig == str(tmp_path / "conf" / "kube/config")
    assert absolute.kubeconfig == "/etc/kube/config"
    assert two.kubeconfig == f"{tmp_path / 'conf' / 'a.yaml'}:/etc/b.yaml"


@pytest.mark.parametrize("name", ["kubedrift.yaml", "simulated.yaml"])
def test_example_settings_load(name: str) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    settings = load_settings(examples / name)
    assert settings.plan == examples / "plan.yaml"
    assert settings.sources


def test_kubeconfig_contexts_get_labels_by_glob() -> None:
    settings = parse_settings(
        "sources:\n"
        "  - name: idc\n    type: kubeconfig\n    labels: {cloud: idc}\n"
        "    context_labels:\n"
        "      'idc-*': {env: production}\n"
        "      idc-bj-1: {dc: idc-bj1, env: staging}\n",
        "kubedrift.yaml",
    )
    [idc] = settings.sources
    labels_for = idc.labels_for  # type: ignore[attr-defined]
    assert labels_for("idc-bj-1") == {"env": "staging", "dc": "idc-bj1", "cloud": "idc"}
    assert labels_for("idc-sh-2") == {"env": "production", "cloud": "idc"}
    assert labels_for("lab") == {"cloud": "idc"}


def test_enforcers_are_validated_by_their_type(tmp_path: Path) -> None:
    file = tmp_path / "kubedrift.yaml"
    file.write_text(
        "sources:\n  - {name: sim, type: simulated}\n"
        "enforcers:\n"
        "  - type: terraform_pr\n"
        "    repo: ../infra.git\n"
        "    workdir: clone\n"
        "    roots: [{path: eks}]\n"
        "    forge: {type: github, project: acme/infra, token_env: GITHUB_TOKEN}\n"
        "  - {type: ticket, sink: file, directory: tickets, locale: zh-CN}\n"
    )
    settings = load_settings(file)
    pr, ticket = settings.enforcers  # type: ignore[attr-defined]
    assert type(pr).__name__ != type(ticket).__name__
    assert str(pr.workdir) == str(tmp_path / "clone")
    assert str(ticket.directory) == str(tmp_path / "tickets")


def test_an_unknown_enforcer_type_is_located() -> None:
    lines = _problems(
        "sources:\n  - {name: sim, type: simulated}\n"
        "enforcers:\n  - {type: terraform_apply, repo: x}\n"
    )
    assert any(
        line.startswith("kubedrift.yaml:4:") and "terraform_apply" in line for line in lines
    ), lines
