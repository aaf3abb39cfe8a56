"""Enforcers: plugins that turn drift into proposed changes (pull requests, tickets).

They propose and never apply (design.md, house rule 7). `base.py` holds the protocol, the
change models and the registry; each enforcer is one module imported on first use.
"""
