"""The ``seci-lab`` command: its options, and dispatch to :mod:`seci_lab.server`.

``seci-lab serve`` runs the lessons and dashboards with Voila (:mod:`seci_lab.server.app`);
``seci-lab workshop`` runs a live workshop (:mod:`seci_lab.server.workshop`). This module only
parses the command line, calls in there, and turns a :class:`~seci_lab.server.errors.UserError`
into a message and an exit status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .env import DB_ENV, FACILITATOR_KEY_ENV, TOKEN_ENV
from .server.app import serve, setup_logging
from .server.config import DEFAULT_CONCURRENT_STARTS, DEFAULT_CULL_IDLE_TIMEOUT, config_from_args
from .server.errors import UserError
from .server.guard import TrustedProxies
from .server.network import DEFAULT_HOST, DEFAULT_PORT
from .server.workshop import run_workshop

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``seci-lab``."""
    parser = argparse.ArgumentParser(
        prog="seci-lab",
        description="Learn the SECI model of knowledge creation with notebooks and Voila dashboards.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_serve_parser(sub)
    _add_workshop_parser(sub)
    _add_slides_parser(sub)
    _add_handout_parser(sub)
    return parser


def _add_serve_parser(sub) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the lessons and dashboards in the browser (Voila)",
        description=(
            "Serve the lessons and dashboards with Voila. By default only this computer can open "
            "them (http://127.0.0.1:8866/). For a room, use --host 0.0.0.0: the server then requires "
            "a token, which is printed as part of the address to share. A page's kernel stops when "
            "the page closes, or after --cull-idle-timeout seconds idle when the page vanished "
            "(crash, lost network). Stop the server with Ctrl+C."
        ),
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, metavar="N",
        help=f"TCP port to listen on (default {DEFAULT_PORT}); the command fails if it is in use",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, metavar="H",
        help=(
            f"address to listen on (default {DEFAULT_HOST}: this computer only). Use 0.0.0.0 to let "
            "other devices on the network join; a token is then required"
        ),
    )
    _add_token(serve, "token visitors need (part of the printed address)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a web browser on start")
    serve.add_argument(
        "--notebooks", type=Path, default=None, metavar="DIR",
        help="folder of notebooks to serve instead of the lessons shipped with seci-lab",
    )
    serve.add_argument(
        "--cull-idle-timeout", type=_positive_int, default=DEFAULT_CULL_IDLE_TIMEOUT, metavar="SECONDS",
        help=(
            "stop the kernel of a page that vanished without closing after it has been idle this long "
            f"(default {DEFAULT_CULL_IDLE_TIMEOUT}; each kernel holds about 125 MiB)"
        ),
    )
    serve.add_argument(
        "--preheat", action="store_true",
        help="keep one pre-executed kernel per notebook ready, so pages open faster (uses more memory)",
    )
    serve.add_argument(
        "--concurrent-starts", type=_positive_int, default=DEFAULT_CONCURRENT_STARTS, metavar="N",
        help=(
            "pages whose kernel starts at the same time; more pages opened at once wait in line "
            f"(default: the number of CPU cores, at least 2; here {DEFAULT_CONCURRENT_STARTS})"
        ),
    )
    _add_allow_host(serve, "the server answers to (e.g. the name a reverse proxy passes on)")
    serve.set_defaults(func=_serve)


def _add_workshop_parser(sub) -> None:
    parser = sub.add_parser(
        "workshop",
        help="run a live workshop: a participant page for the room, a facilitator dashboard for you",
        description=(
            "Start a live workshop. Participants open the join address (printed, and shown as a QR "
            "code on the facilitator dashboard) on their phones or laptops and enter the join code. "
            "The facilitator dashboard listens on this computer only (127.0.0.1). Use --host 0.0.0.0 "
            "to let the room's devices join over the local network. Stop with Ctrl+C; the session "
            "stays in the database."
        ),
    )
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                        help=f"port of the participant page (default {DEFAULT_PORT})")
    parser.add_argument("--host", default=DEFAULT_HOST, metavar="H",
                        help="address participants connect to (default 127.0.0.1; 0.0.0.0 for the room's network)")
    parser.add_argument("--facilitator-port", type=_port, default=None, metavar="N",
                        help="port of the facilitator dashboard on 127.0.0.1 (default: --port + 1)")
    parser.add_argument("--db", default=None, metavar="URL",
                        help=("database: a SQLAlchemy URL (postgresql://...) or a SQLite file path "
                              f"(default: ${DB_ENV}, else seci-lab.sqlite in your data folder)"))
    parser.add_argument("--title", default=None, metavar="TEXT", help="title of the session created at start")
    parser.add_argument("--format", choices=("seci", "csh"), default="seci",
                        help="seci: a SECI round (default); csh: a Collective Story Harvest")
    parser.add_argument("--join-code", default=None, metavar="CODE",
                        help="join code of the new session (default: a new random code)")
    parser.add_argument("--resume", default=None, metavar="CODE",
                        help=("continue the existing session with this join code (after a restart); needs its "
                              f"facilitator key, from ${FACILITATOR_KEY_ENV} or --key-file"))
    parser.add_argument("--key-file", type=Path, default=None, metavar="FILE",
                        help=("file holding the facilitator key of the session given with --resume, "
                              "readable only by you"))
    # Removed: every user of the computer can read a command line. Kept as an option only to
    # say so (and so that argparse does not take "--key" for an abbreviation of "--key-file").
    parser.add_argument("--key", action=_Removed, nargs="?", help=argparse.SUPPRESS,
                        replacement=f"set {FACILITATOR_KEY_ENV}=KEY in the environment or give --key-file FILE "
                                    "(a file only you can read)")
    _add_token(parser, "token of the participant address when --host is not loopback")
    _add_allow_host(parser, "the servers answer to (e.g. a DNS name of this laptop)")
    parser.add_argument("--trusted-proxy", action="append", default=None, type=_network, metavar="ADDRESS",
                        help=("a reverse proxy in front of the participant server (an address or a network such "
                              "as 10.0.0.0/8) whose X-Forwarded-For / X-Real-IP names the visitor, for the limits "
                              "per address; repeatable. Default: none (those headers are ignored)"))
    parser.add_argument("--join-url", default=None, metavar="URL",
                        help=("the address participants open, printed and drawn as the QR code, when it is not "
                              "this server's own (e.g. a reverse proxy's https://workshop.example.org/)"))
    parser.add_argument("--participants-only", action="store_true",
                        help=("start only another participant server for the sessions in --db (no session, no "
                              "facilitator dashboard): several of them share one PostgreSQL behind a proxy"))
    parser.add_argument("--session-hours", type=_session_hours, default=12.0, metavar="HOURS",
                        help=("participants' places end this many hours after the session began (default 12; "
                              "at least 0.1, six minutes)"))
    parser.add_argument("--no-browser", action="store_true", help="do not open the facilitator dashboard")
    parser.add_argument("--cull-idle-timeout", type=_positive_int, default=DEFAULT_CULL_IDLE_TIMEOUT,
                        metavar="SECONDS", help="stop kernels of vanished pages after this many idle seconds")
    # Kept so that older scripts still run: the participant page has no kernel to preheat.
    parser.add_argument("--no-preheat", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--concurrent-starts", type=_positive_int, default=DEFAULT_CONCURRENT_STARTS,
                        metavar="N",
                        help=("facilitator pages whose kernel starts at the same time (participants' pages "
                              f"have no kernel; default: the number of CPU cores, at least 2; here "
                              f"{DEFAULT_CONCURRENT_STARTS})"))
    parser.set_defaults(func=run_workshop)


def _add_slides_parser(sub) -> None:
    parser = sub.add_parser(
        "slides",
        help="write PowerPoint slides of a lesson or of the whole course, for a teacher to edit",
        description=(
            "Write PowerPoint (.pptx) decks: the lessons' titles, goals, cases and recaps, the SECI matrix, "
            "ba's two axes, the spiral, the five phases and the hypertext organization drawn as shapes you can "
            "edit, and speaker notes from the lesson text with its sources. Without --lesson or --all, one "
            "deck for the whole course. Opens in PowerPoint, Keynote, LibreOffice Impress and Google Slides."
        ),
    )
    parser.add_argument("--lesson", type=_positive_int, action="append", default=None, metavar="N",
                        help="the lesson at course step N (as numbered on the welcome page); repeatable")
    parser.add_argument("--all", action="store_true",
                        help="one deck per lesson, and the whole course's deck")
    parser.add_argument("--out", type=Path, default=Path("."), metavar="DIR",
                        help="folder to write into (default: the current folder; created if missing)")
    parser.set_defaults(func=_slides)


def _slides(args: argparse.Namespace) -> int:
    from .exports.slides import lesson_steps, write_decks

    steps = lesson_steps() if args.all else (args.lesson or [])
    try:
        written = write_decks(args.out, steps, course=args.all or not steps,
                              progress=lambda done, total, name: name and print(f"[{done + 1}/{total}] {name}"))
    except ValueError as error:
        raise UserError(str(error)) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def _add_handout_parser(sub) -> None:
    parser = sub.add_parser(
        "handout",
        help="write a handout to print: the lessons' summaries, the SECI matrix and your spiral",
        description=(
            "Write a print-ready HTML page: each lesson's summary (what it converts, the recap, the goals, "
            "the sources), the SECI matrix and the spiral of your saved work, laid out for A4 or Letter. "
            "Open it in a browser and print it, or save it as PDF."
        ),
    )
    parser.add_argument("--lesson", type=_positive_int, action="append", default=None, metavar="N",
                        help="only the lesson at course step N; repeatable (default: every lesson)")
    parser.add_argument("--paper", choices=("A4", "Letter"), default="A4", help="paper size (default A4)")
    parser.add_argument("--db", default=None, metavar="PATH",
                        help=f"the learner database whose spiral to draw (default: ${DB_ENV}, else your own)")
    parser.add_argument("--out", type=Path, default=Path("seci-lab-handout.html"), metavar="FILE",
                        help="file to write, or a folder (default: seci-lab-handout.html here)")
    parser.set_defaults(func=_handout)


def _handout(args: argparse.Namespace) -> int:
    from .exports.handout import write_handout

    try:
        path = write_handout(args.out, args.lesson, paper=args.paper, db=args.db)
    except ValueError as error:
        raise UserError(str(error)) from None
    print(f"wrote {path}: open it in a browser and print it ({args.paper})")
    return 0


def _add_token(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--token-file", type=Path, default=None, metavar="FILE",
                        help=(f"file holding the {what.split(' (')[0]}, readable only by you; or set ${TOKEN_ENV}. "
                              "Generated when --host is reachable from other computers and none is given; set one "
                              "to keep the same address across restarts"))
    parser.add_argument("--token", default=None, metavar="TOKEN",
                        help=f"{what}, on the command line (other users of this computer can see it)")


class _Removed(argparse.Action):
    """An option that was removed: using it is a usage error saying what to use instead."""

    def __init__(self, option_strings, dest, replacement: str, **kwargs):
        self.replacement = replacement
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        raise argparse.ArgumentError(self, f"was removed, because other users of this computer can read a command "
                                           f"line: {self.replacement}.")


def _add_allow_host(parser: argparse.ArgumentParser, what: str) -> None:
    # Requests for any other name are refused: a page elsewhere could point its own name at
    # this computer (DNS rebinding) and reach the server through the visitor's browser.
    parser.add_argument("--allow-host", action="append", default=None, metavar="NAME",
                        help=(f"another host name {what}; loopback, the LAN address and this computer's "
                              "name always work; repeatable"))


def _network(text: str) -> str:
    try:
        TrustedProxies([text])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an address or network: {text!r} (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return text.strip()


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 24 * 365:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most a year of hours, not {text}")
    return value


#: Shortest ``--session-hours``: 0.1 hour. A session must outlast the time a phone needs to join
#: and send; a shorter one (the lifetime is whole seconds) ended at once or, below a second, never.
SESSION_HOURS_MIN = 0.1


def _session_hours(text: str) -> float:
    value = _positive_float(text)
    if value < SESSION_HOURS_MIN:
        raise argparse.ArgumentTypeError(f"must be at least {SESSION_HOURS_MIN} (six minutes), not {text}")
    return value


def _serve(args: argparse.Namespace) -> int:
    return serve(config_from_args(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``seci-lab`` console script; returns the exit status."""
    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except UserError as exc:
        print(f"seci-lab: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
