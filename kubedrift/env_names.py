"""`EnvName`: the type of every settings field that names an environment variable (`*_env`).

Such a field holds a variable's NAME (`KD_GITHUB_TOKEN`), never the secret it points at. A
user who pastes the token itself there would otherwise see it again in every "variable ... is
not set" message, so the value is checked when the settings load, and a value that is no
variable name is rejected without being shown: it is most likely the secret.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ERROR_TYPE = "env_name"
"""The pydantic error type; its message never includes the value (validation_messages)."""

_EXPECTED = "expected the NAME of an environment variable (letters, digits and _)"
# GitHub's token prefixes: such a token is itself a valid variable name.
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")


def _shape(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return "a value of another kind"


def looks_like_credential(name: str) -> bool:
    """A name that is really a token: GitHub's prefixes, or a long run of mixed-case letters
    and digits (an AccessKey ID, a SecretId) that no one would give a variable."""
    if name.lower().startswith(_TOKEN_PREFIXES):
        return True
    mixed = any(c.islower() for c in name) and any(c.isupper() for c in name)
    return len(name) >= 20 and mixed and any(c.isdigit() for c in name) and name.count("_") <= 1


def check_env_name(value: object) -> str:
    """`value` when it is a variable name; otherwise an error that does not repeat it."""
    if isinstance(value, str) and ENV_NAME.match(value) and not looks_like_credential(value):
        return value
    if isinstance(value, str) and value:
        message = (
            f"{_EXPECTED}, found a value that looks like a secret pasted in place of the name "
            "(not shown): put the secret in an environment variable and write that "
            "variable's name here"
        )
    else:
        found = "an empty string" if isinstance(value, str) else _shape(value)
        message = f"{_EXPECTED}, found {found} (not shown)"
    raise PydanticCustomError(ERROR_TYPE, message)


EnvName = Annotated[str, BeforeValidator(check_env_name)]
"""A `str` field holding an environment variable's name, checked as one."""
