"""The `kubedrift` command line: argument parsing, error reporting and exit codes.

Each sub-command lives in its own module under `kubedrift.commands` and exposes
`register(subparsers)`. Registration must stay cheap: command modules import their
heavy dependencies inside the function that runs the command, so `kubedrift --help`
starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from kubedrift import __version__
from kubedrift.errors import ExitCode, KubedriftError

PROG = "kubedrift"

# Order here is the order in `--help`.
COMMAND_MODULES: tuple[str, ...] = (
    "kubedrift.commands.demo",
    "kubedrift.commands.scan",
    "kubedrift.commands.daemon",
    "kubedrift.commands.evaluate",
    "kubedrift.commands.rules",
    "kubedrift.commands.plan",
    "kubedrift.commands.calendar",
    "kubedrift.commands.schema",
    "kubedrift.commands.db",
    "kubedrift.commands.report",
    "kubedrift.commands.propose",
    "kubedrift.commands.waves",
    "kubedrift.commands.notify",
)


class _Parser(argparse.ArgumentParser):
    """argparse with our exit code for usage errors (2, as argparse already uses)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.USAGE), f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=(
            "Watch a fleet of Kubernetes clusters (Alibaba Cloud ACK, Tencent Cloud TKE, "
            "self-hosted) against one version plan."
        ),
        epilog=(
            "exit codes:\n  0 ok\n  1 policy failure (--fail-on)\n"
            "  2 usage or configuration error\n  3 runtime failure\n"
            "  4 incomplete: some sources or clusters could not be collected"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback when a command fails"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def report_error(exc: BaseException, *, debug: bool, stderr: TextIO) -> None:
    if debug:
        traceback.print_exception(exc, file=stderr)
    for line in str(exc).splitlines() or [type(exc).__name__]:
        print(f"{PROG}: error: {line}", file=stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.run(args)
    except KubedriftError as exc:
        report_error(exc, debug=args.debug, stderr=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the outermost boundary: an unexpected failure is a bug
        if not args.debug:
            print(f"{PROG}: error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
            print(f"{PROG}: error: run again with --debug for a traceback", file=sys.stderr)
        else:
            report_error(exc, debug=True, stderr=sys.stderr)
        return int(ExitCode.RUNTIME)
    return int(code)
