"""Realistic broken plans: each names the exact file:line:column, path and what is wrong."""

from __future__ import annotations

import textwrap

import pytest

from kubedrift.errors import PlanError, Problem
from kubedrift.policies.planfile import parse_plan


def problems(text: str) -> list[Problem]:
    with pytest.raises(PlanError) as caught:
        parse_plan(textwrap.dedent(text), file="plan.yaml")
    return caught.value.problems


HEAD = """\
version: 1
groups:
  - name: prod
"""

CASES: list[tuple[str, str, list[tuple[int | None, int | None, str, str]]]] = [
    (
        "float trap: 1.30 read as 1.3",
        HEAD + "    target:\n      kubernetes: 1.30\n",
        [
            (
                5,
                19,
                "groups[0].target.kubernetes",
                "expected a string, found the number 1.30 (YAML reads it as 1.3): "
                'write it as a string: "1.30"',
            )
        ],
    ),
    (
        "float trap without a visible change: 1.31",
        HEAD + "    target:\n      kubernetes: 1.31\n",
        [
            (
                5,
                19,
                "groups[0].target.kubernetes",
                'expected a string, found the number 1.31: write it as a string: "1.31"',
            )
        ],
    ),
    (
        "key dedented out of target",
        HEAD + '    target:\n    kubernetes: "1.31"\n',
        [
            (4, 5, "groups[0].target", "expected a mapping, found nothing (null)"),
            (
                5,
                5,
                "groups[0].kubernetes",
                "unknown key 'kubernetes' here; it belongs under 'target' (check the indentation)",
            ),
        ],
    ),
    (
        "unknown key with a close match",
        HEAD + '    target:\n      kubernetes: "1.31"\n      alowed_lag: {minors: 1}\n',
        [
            (
                6,
                7,
                "groups[0].target.alowed_lag",
                "unknown key 'alowed_lag'; did you mean 'allowed_lag'?",
            )
        ],
    ),
    (
        "bad constraint",
        HEAD + '    target:\n      kubernetes: ">=1.30 <<1.32"\n',
        [
            (
                5,
                19,
                "groups[0].target.kubernetes",
                'expected a Kubernetes minor like "1.31" or a constraint like '
                "\">=1.30.0-0 <1.32.0-0\", found '>=1.30 <<1.32': ",
            )
        ],
    ),
    (
        "waiver without expiry",
        HEAD + '    target: {kubernetes: "1.31"}\n'
        "waivers:\n"
        "  - rule: control-plane-behind\n"
        "    selector: {group: prod}\n"
        "    reason: legacy PSP\n"
        "    owner: alice\n",
        [(6, 5, "waivers[0].expires", "missing required key 'expires'")],
    ),
    (
        "expiry in the wrong date format",
        HEAD + '    target: {kubernetes: "1.31"}\n'
        "waivers:\n"
        "  - rule: control-plane-behind\n"
        "    selector: {group: prod}\n"
        "    reason: legacy PSP\n"
        "    owner: alice\n"
        "    expires: 31/03/2027\n",
        [
            (
                10,
                14,
                "waivers[0].expires",
                "expected a date written as YYYY-MM-DD, found '31/03/2027'",
            )
        ],
    ),
    (
        "impossible date",
        HEAD + '    target: {kubernetes: "1.31"}\n'
        "waivers:\n"
        "  - rule: control-plane-behind\n"
        "    selector: {group: prod}\n"
        "    reason: legacy PSP\n"
        "    owner: alice\n"
        "    expires: 2027-02-30\n",
        [
            (
                10,
                14,
                "waivers[0].expires",
                "expected a real date, found 2027-02-30: day is out of range for month",
            )
        ],
    ),
    (
        "wrong type: a list where a number goes",
        HEAD + '    target:\n      kubernetes: "1.31"\n      allowed_lag:\n        minors: [1]\n',
        [(7, 17, "groups[0].target.allowed_lag.minors", "expected a whole number, found a list")],
    ),
    (
        "unsupported plan version",
        'version: 2\ngroups:\n  - name: prod\n    target: {kubernetes: "1.31"}\n',
        [(1, 10, "version", "unsupported plan format version 2: expected 1")],
    ),
    (
        "version as a string",
        'version: "1"\ngroups:\n  - name: prod\n    target: {kubernetes: "1.31"}\n',
        [(1, 10, "version", "unsupported plan format version '1': expected 1")],
    ),
    (
        "missing version",
        'groups:\n  - name: prod\n    target: {kubernetes: "1.31"}\n',
        [(1, 1, "version", "missing required key 'version'")],
    ),
    (
        "empty file",
        "# nothing yet\n",
        [(1, 1, "", "the file is empty: expected a version plan")],
    ),
    (
        "a control character",
        "version: 1\ngroups:\n  - name: a\x07b\n",
        [(3, 12, "", "invalid YAML: the character U+0007 is not allowed")],
    ),
    (
        "root is a list",
        "- version: 1\n",
        [
            (
                1,
                1,
                "",
                "expected a version plan starting with 'version: 1' and a list of "
                "'groups' (a mapping of keys) at the top level, found a list",
            )
        ],
    ),
    (
        "invalid YAML: unclosed flow mapping",
        HEAD + '    target: {kubernetes: "1.31"\n',
        [(5, 1, "", "invalid YAML: while parsing a flow mapping expected ',' or '}', but got")],
    ),
    (
        "tabs in indentation, every line reported",
        HEAD + '    target:\n\t  kubernetes: "1.31"\n\t  since: 2026-01-01\n',
        [
            (5, 1, "", "a tab in the indentation: YAML indents with spaces only"),
            (6, 1, "", "a tab in the indentation: YAML indents with spaces only"),
        ],
    ),
    (
        "duplicate key",
        HEAD + '    target: {kubernetes: "1.31"}\n    wave: a\n    wave: b\n'
        "waves:\n  - name: a\n  - name: b\n",
        [(6, 5, "groups[0].wave", "duplicate key 'wave' (first defined on line 5)")],
    ),
    (
        "unknown wave and a duplicate group",
        HEAD + '    target: {kubernetes: "1.31"}\n    wave: prodution\n'
        '  - name: prod\n    target: {kubernetes: "1.31"}\n'
        "waves:\n  - name: production\n",
        [
            (
                5,
                11,
                "groups[0].wave",
                "expected the name of a wave (production), found 'prodution'",
            ),
            (6, 11, "groups[1].name", "duplicate group name 'prod': also groups[0]"),
        ],
    ),
    (
        "waiver for a group that does not exist",
        HEAD + '    target: {kubernetes: "1.31"}\n'
        "waivers:\n"
        "  - rule: addon-*\n"
        "    selector: {group: [prod, staging]}\n"
        "    reason: r\n    owner: o\n    expires: 2027-01-01\n",
        [
            (
                7,
                30,
                "waivers[0].selector.group[1]",
                "expected the name of a group (prod), found 'staging'",
            )
        ],
    ),
    (
        "label value YAML reads as a boolean",
        HEAD + '    selector:\n      labels: {critical: yes}\n    target: {kubernetes: "1.31"}\n',
        [
            (
                5,
                26,
                "groups[0].selector.labels.critical",
                'expected a string, found the boolean yes: write it as a string: "yes"',
            )
        ],
    ),
    (
        "critical window wider than the warning window",
        HEAD + '    target:\n      kubernetes: "1.31"\n'
        "      end_of_support: {warn_days: 30, critical_days: 60}\n",
        [
            (
                6,
                23,
                "groups[0].target.end_of_support",
                "expected critical_days (60) <= warn_days (30)",
            )
        ],
    ),
    (
        "soak not a duration",
        HEAD + '    target: {kubernetes: "1.31"}\nwaves:\n  - name: a\n    soak: 72\n',
        [(7, 11, "waves[0].soak", "expected a duration like 72h, 3d or 1w2d, found the number 72")],
    ),
    (
        "misspelt gate",
        HEAD + '    target: {kubernetes: "1.31"}\nwaves:\n  - name: a\n'
        "    gates: [manual-aproval]\n",
        [
            (
                7,
                13,
                "waves[0].gates[0]",
                "found 'manual-aproval'; did you mean 'manual-approval'?",
            )
        ],
    ),
    (
        "unknown provider",
        HEAD + '    selector: {provider: alibaba}\n    target: {kubernetes: "1.31"}\n',
        [
            (
                4,
                26,
                "groups[0].selector.provider",
                "expected 'ack', 'tke', 'eks', 'gke', 'aks', 'kubeconfig', 'incluster' or "
                "'selfhosted', found 'alibaba'",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES], ids=[name for name, _, _ in CASES]
)
def test_broken_plan_reports_position_path_and_message(
    text: str, expected: list[tuple[int | None, int | None, str, str]]
) -> None:
    got = problems(text)
    assert [(p.line, p.column, p.path) for p in got] == [
        (line, col, path) for line, col, path, _ in expected
    ]
    for problem, (_, _, _, message) in zip(got, expected, strict=True):
        assert problem.file == "plan.yaml"
        assert message in problem.message


def test_many_problems_are_reported_at_once_in_file_order() -> None:
    got = problems(
        """\
        version: 1
        groups:
          - name: Prod
            selector:
              regoin: cn-hangzhou
            target:
              kubernetes: 1.30
              allowed_lag: {minors: -1}
        waves:
          - name: production
            soak: 3 days
        waivers:
          - rule: control-plane-behind
            selector: {name: "prod-*"}
            reason: legacy
            owner: bob
        """
    )
    assert [(p.line, p.path) for p in got] == [
        (3, "groups[0].name"),
        (5, "groups[0].selector.regoin"),
        (7, "groups[0].target.kubernetes"),
        (8, "groups[0].target.allowed_lag.minors"),
        (11, "waves[0].soak"),
        (13, "waivers[0].expires"),
    ]


def test_rendered_problem_reads_like_a_compiler_error() -> None:
    (problem,) = problems(HEAD + "    target:\n      kubernetes: 1.30\n")
    assert problem.render() == (
        "plan.yaml:5:19: groups[0].target.kubernetes: expected a string, found the number 1.30 "
        '(YAML reads it as 1.3): write it as a string: "1.30"'
    )
