"""Policies: the version plan file, and (later) the engine and rules that evaluate it."""
