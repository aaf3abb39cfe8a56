"""`kubedrift notify test --route NAME [--config FILE]`: send a sample through a route.

Builds each sink the route names from the settings (`--config`, default `kubedrift.yaml`
in the current directory) and the environment, sends one sample message to each (see
`kubedrift.notifiers.sample`), straight to the chat and not through the outbox, and prints
how each went. Exit 0 when every sink took it, 3 when one failed, 2 for an unknown route
(the error lists the known ones) or a bad settings file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path("kubedrift.yaml")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "notify",
        help="check the notification routes: send a sample message",
        description="Check the settings' notification routes against the real chats.",
    )
    commands = parser.add_subparsers(dest="notify_command", metavar="NOTIFY_COMMAND")
    commands.required = True
    test = commands.add_parser(
        "test",
        help="send a sample message through a route's sinks and print the outcome",
        description=(
            "Send one sample drift message through every sink of the route NAME (a rule's "
            "name, owner:OWNER for an owners entry, or default), directly and not through "
            "the outbox; print each sink's outcome."
        ),
    )
    test.add_argument("--route", required=True, metavar="NAME", help="the route to test")
    test.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        metavar="FILE",
        help=f"settings (default: ./{DEFAULT_CONFIG})",
    )
    test.set_defaults(run=run_test)


def run_test(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime
    from typing import cast

    from kubedrift.daemon.notify import effective_routes
    from kubedrift.errors import ConfigurationError, DeliveryError, ExitCode
    from kubedrift.notifiers.base import NotifierFactory
    from kubedrift.notifiers.registry import NOTIFIERS
    from kubedrift.notifiers.sample import sample
    from kubedrift.settings import load_settings

    settings = load_settings(args.config)
    if not settings.notifiers:
        raise ConfigurationError(f"{args.config}: no 'notifiers' configured: nothing to test")
    routes = effective_routes(settings.routes, settings.notifiers)
    known = routes.named()
    if args.route not in known:
        listed = ", ".join(known) or "none"
        raise ConfigurationError(
            f"{args.config}: no route named {args.route!r}; known routes: {listed}"
        )
    configs = {config.name: config for config in settings.notifiers}
    failed = 0
    for outgoing in sample(args.route, routes, configs, datetime.now(UTC)):
        config = configs[outgoing.sink]
        where = f"{outgoing.sink} ({config.type}, {outgoing.message.locale})"
        try:
            factory = cast("NotifierFactory", NOTIFIERS.get(config.type))
            factory(config, os.environ).send(outgoing.message)
        except DeliveryError as exc:
            failed += 1
            again = "retryable" if exc.retryable else "not retryable"
            print(f"FAILED {where}: {exc} ({again})", file=sys.stderr)
            continue
        print(f"sent   {where}: {outgoing.message.title}")
    return int(ExitCode.RUNTIME) if failed else int(ExitCode.OK)
