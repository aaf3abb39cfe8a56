"""Collectors: the only part of kubedrift that talks to clouds and clusters."""
