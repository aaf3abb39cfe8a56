"""Notifiers: turn drift events into chat messages (Slack, DingTalk) routed to their owners.

`render` groups one cycle's events into a few `Message`s per locale, `routing` decides which
sinks (configured notifiers) receive which events, and each notifier module delivers a
`Message` through one chat API. Only `slack.py` imports slack-sdk.
"""
