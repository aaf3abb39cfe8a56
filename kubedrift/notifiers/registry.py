"""The notifiers kubedrift knows, by the `type:` a settings-file `notifiers:` entry names.

Third-party notifiers register under the entry-point group `kubedrift.notifiers`.
"""

from __future__ import annotations

from kubedrift.registry import Registry

NOTIFIERS: Registry[object] = Registry(
    "notifiers",
    {
        "slack": "kubedrift.notifiers.slack:SlackNotifier",
        "dingtalk": "kubedrift.notifiers.dingtalk:DingTalkNotifier",
    },
    extras={"slack": "slack"},
)
