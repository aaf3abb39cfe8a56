"""The exceptions `kubedrift.versions` raises; all are `ValueError`s so pydantic reports them."""

from __future__ import annotations


class InvalidVersion(ValueError):  # noqa: N818 - public API name, as in `packaging`
    """A version string that cannot be parsed; the message names the input and what was expected."""


class InvalidConstraint(ValueError):  # noqa: N818 - public API name
    """A constraint string Masterminds/semver v3.4.0 would reject; the message names the input."""


class InvalidUpgradePath(ValueError):  # noqa: N818 - named like its siblings
    """No control-plane path exists: the target is older, or lies in another major version."""


def not_a_string(value: object) -> str:
    """The message for a version that arrived as something other than a string."""
    hint = ""
    if isinstance(value, float):
        # YAML reads an unquoted 1.30 as the float 1.3.
        hint = "; quote it in YAML, an unquoted 1.30 is read as the number 1.3"
    return f"invalid version {value!r}: expected a string, got {type(value).__name__}{hint}"
