"""The ``medcode`` command: thin over the library. Exit 0 on success, 2 on bad input with a one-line reason."""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from . import __version__

# Each entry is a module in medcode_practice.commands exposing register(subparsers).
COMMAND_MODULES = ["codes", "cases", "claim", "course", "lms", "practice"]


class UsageError(Exception):
    """Bad input from the person at the keyboard: printed as one line, exit status 2."""


def emit(args: argparse.Namespace, data, text: str) -> None:
    """Print ``data`` as JSON with --json, else the human-readable ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, default=str, ensure_ascii=False))
    else:
        print(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medcode", description="MedCode Practice: look up, search, grade, bill.")
    parser.add_argument("--version", action="version", version=f"medcode {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"medcode_practice.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from .codes.errors import CodeError

    try:
        result = args.func(args)
    except (CodeError, UsageError, ValueError, FileNotFoundError, KeyError) as error:
        message = str(error).strip("'\"") if isinstance(error, KeyError) else str(error)
        if getattr(args, "json", False):
            print(json.dumps({"error": message, "kind": getattr(error, "kind", type(error).__name__)}))
        else:
            print(f"medcode: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`medcode search … | head`): stop quietly, as other command-line tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return int(result or 0)


if __name__ == "__main__":
    # Run through the package module, so `python -m medcode_practice.cli` shares one copy of UsageError.
    from medcode_practice.cli import main as _main

    sys.exit(_main())
