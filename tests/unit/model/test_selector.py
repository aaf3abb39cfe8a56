"""Selector globs match exactly as `fnmatch.fnmatchcase` does, one glob at a time."""

from __future__ import annotations

from fnmatch import fnmatchcase

from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.model.inventory import ClusterRef
from kubedrift.model.selector import Selector

_CHARS = st.sampled_from(list("ab-.*?[]!|()\\^$+{}1"))
globs = st.lists(st.text(_CHARS, min_size=1, max_size=6), min_size=1, max_size=3)
names = st.text(st.sampled_from(list("ab-.*?[]!|()\\1")), min_size=1, max_size=6)


@settings(max_examples=400, deadline=None)
@given(patterns=globs, name=names)
def test_name_globs_match_as_fnmatchcase_does(patterns: list[str], name: str) -> None:
    selector = Selector.model_validate({"name": patterns})
    cluster = ClusterRef(provider="kubeconfig", source="s", id=name, name=name)
    assert selector.matches(cluster) == any(fnmatchcase(name, g) for g in patterns)
