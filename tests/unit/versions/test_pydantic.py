"""KubeVersion, MinorVersion and Constraint as pydantic v2 fields."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from kubedrift.versions import (
    Constraint,
    KubeVersion,
    MinorVersion,
    parse_constraint,
    parse_version,
)


class Target(BaseModel):
    model_config = ConfigDict(frozen=True)

    current: KubeVersion
    minor: MinorVersion
    constraint: Constraint


def test_validates_from_strings_and_instances() -> None:
    from_strings = Target(current="v1.30.1-aliyun.1", minor="1.31", constraint=">=1.28.0-0")
    from_values = Target(
        current=parse_version("v1.30.1-aliyun.1"),
        minor=MinorVersion(1, 31),
        constraint=parse_constraint(">=1.28.0-0"),
    )
    assert from_strings == from_values
    assert from_strings.current.provider == "aliyun"
    assert hash(from_strings) == hash(from_values)


def test_serialises_to_the_raw_strings() -> None:
    t = Target(current="v1.30.1-aliyun.1", minor="v1.31", constraint=">= 1.28.0-0")
    assert t.model_dump() == {
        "current": "v1.30.1-aliyun.1",
        "minor": "1.31",
        "constraint": ">= 1.28.0-0",
    }
    assert t.model_dump_json() == (
        '{"current":"v1.30.1-aliyun.1","minor":"1.31","constraint":">= 1.28.0-0"}'
    )
    assert Target.model_validate_json(t.model_dump_json()) == t


def test_json_schema_is_string() -> None:
    properties = Target.model_json_schema()["properties"]
    for name in ("current", "minor", "constraint"):
        assert {k: v for k, v in properties[name].items() if k != "title"} == {"type": "string"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("current", "1.3x", "invalid Kubernetes version '1.3x'"),
        ("minor", 1.3, "quote it in YAML"),
        ("minor", "1.30.1", "expected MAJOR.MINOR"),
        ("constraint", "", "it is empty"),
        ("constraint", ">== 1", "invalid constraint"),
    ],
)
def test_invalid_values_give_validation_errors(field: str, value: object, message: str) -> None:
    data: dict[str, object] = {"current": "1.30.1", "minor": "1.31", "constraint": ">=1.30"}
    data[field] = value
    with pytest.raises(ValidationError) as caught:
        Target.model_validate(data)
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [(field,)]
    assert message in errors[0]["msg"]


def test_json_mode_rejects_numbers() -> None:
    with pytest.raises(ValidationError):
        Target.model_validate_json('{"current":"1.30.1","minor":1.31,"constraint":"*"}')
