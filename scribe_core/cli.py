"""Command line for headless and batch use: `python -m scribe_core COMMAND ...` (`--help` lists them).

Each command module adds its subcommands with `register(subparsers)` and answers them with
`run(args)`, which returns an exit code, or None when the command is not one of its own. To add a
module, import it and list it in COMMANDS.

Exit codes: 0 success, 1 the job failed (the reason is printed), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from . import cli_admin, cli_documents, cli_encounters, cli_notes, cli_worker

COMMANDS = (cli_encounters, cli_admin, cli_documents, cli_notes, cli_worker)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scribe_core", description="AI medical scribe, headless.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("SCRIBE_LOG_LEVEL", "WARNING").upper(), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    for module in COMMANDS:
        exit_code = module.run(args)
        if exit_code is not None:
            return exit_code
    return 2
