"""The ``glassnet`` command: ``glassnet digits [options]`` and ``glassnet explain MODEL_FILE``,
also ``python -m glassnet ...``.

Every command returns an exit status instead of raising: 0 on success, 2 for a bad option
or unreadable input, reported as one line (``glassnet digits: error: ...``) with no traceback.
"""
import argparse
import os
import sys

from glassnet.apps import digits, explain_file


class UsageError(Exception):
    """A bad command line: the message is printed as one line and the command exits with 2."""

    def __init__(self, prog, message):
        super().__init__(f"{prog}: error: {message}")


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake raises UsageError instead of printing the usage and exiting."""

    def error(self, message):
        raise UsageError(self.prog, message)


def build_parser():
    parser = _Parser(prog="glassnet", description="Train neural networks the Keras way, in readable NumPy.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    digits.add_arguments(commands.add_parser(
        "digits", help="train a network to read handwritten digits",
        description=digits.__doc__.splitlines()[0]))
    explain_file.add_arguments(commands.add_parser(
        "explain", help="show a saved model (.keras) as the math it computes",
        description=explain_file.__doc__.split("\n\n")[0].replace("\n", " ")))
    return parser


def main(argv=None):
    """Run the command line ``argv`` (``sys.argv[1:]`` by default) and return its exit status."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # reported by the subcommand's parser, so the message names it
            args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        return args.run(args)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help and --version end here, with argparse's status
        return exit_.code if isinstance(exit_.code, int) else 0
    except BrokenPipeError:  # `glassnet explain m.keras | head`: the reader stopped early, which is fine
        _silence_stdout()
        return 0


def _silence_stdout():
    # Python flushes stdout again at exit; into a closed pipe that would print a second error.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
