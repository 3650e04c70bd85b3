"""``seci-lab workshop``: a participant dashboard for the room and a facilitator dashboard.

Two Voila servers run as child processes of this command (``seci-lab serve`` with the safe
settings of :mod:`seci_lab.cli`), each serving a private temporary folder that holds only its
own notebook:

- the **participant** server listens on ``--host``/``--port`` (the room's network with
  ``--host 0.0.0.0``, then with a token in the join address) and serves only
  ``workshop_participant.ipynb``: a visitor cannot open the facilitator notebook there;
- the **facilitator** server listens on 127.0.0.1 only, on a second port.

The kernels learn where the database is (``SECI_LAB_DB``) from their environment. Only the
facilitator server's kernels get the facilitator key (``SECI_LAB_FACILITATOR_KEY``), the
session's join code and the join address (for the QR code). The session is created here, at
start, so the join code printed on the terminal works as soon as the pages are up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import cli

__all__ = [
    "FACILITATOR_KEY_ENV",
    "JOIN_CODE_ENV",
    "JOIN_URL_ENV",
    "FACILITATOR_NOTEBOOK",
    "PARTICIPANT_NOTEBOOK",
    "WorkshopPlan",
    "add_parser",
    "plan_from_args",
]

#: Environment variables read by the workshop dashboards' kernels.
FACILITATOR_KEY_ENV = "SECI_LAB_FACILITATOR_KEY"
JOIN_CODE_ENV = "SECI_LAB_JOIN_CODE"
JOIN_URL_ENV = "SECI_LAB_JOIN_URL"

PARTICIPANT_NOTEBOOK = "workshop_participant.ipynb"
FACILITATOR_NOTEBOOK = "workshop_facilitator.ipynb"
START_TIMEOUT_S = 120.0


@dataclass
class WorkshopPlan:
    """Everything ``seci-lab workshop`` decides before the servers start."""

    host: str
    port: int
    facilitator_port: int
    db_url: str
    facilitator_key: str
    join_code: str | None
    title: str
    format: str
    resume: str | None
    resume_key: str | None
    token: str
    open_browser: bool
    cull_idle_timeout: int
    preheat: bool
    concurrent_starts: int = cli.DEFAULT_CONCURRENT_STARTS

    def join_urls(self) -> list[str]:
        """Addresses participants open (the LAN address first when listening on every interface)."""
        hosts = [self.host]
        if cli._is_wildcard(self.host):
            hosts = [h for h in (cli._lan_address(), cli.socket.gethostname()) if h] or ["127.0.0.1"]
        query = f"?token={self.token}" if self.token else ""
        return [f"http://{cli._url_host(h)}:{self.port}/{query}" for h in hosts]

    def facilitator_url(self) -> str:
        return f"http://127.0.0.1:{self.facilitator_port}/"


def add_parser(sub) -> None:
    """Register the ``workshop`` subcommand on ``seci-lab``'s subparsers."""
    parser = sub.add_parser(
        "workshop",
        help="run a live workshop: a participant dashboard for the room, a facilitator dashboard for you",
        description=(
            "Start a live workshop. Participants open the join address (printed, and shown as a QR "
            "code on the facilitator dashboard) on their phones or laptops and enter the join code. "
            "The facilitator dashboard listens on this computer only (127.0.0.1). Use --host 0.0.0.0 "
            "to let the room's devices join over the local network. Stop with Ctrl+C; the session "
            "stays in the database."
        ),
    )
    parser.add_argument("--port", type=cli._port, default=cli.DEFAULT_PORT, metavar="N",
                        help=f"port of the participant dashboard (default {cli.DEFAULT_PORT})")
    parser.add_argument("--host", default=cli.DEFAULT_HOST, metavar="H",
                        help="address participants connect to (default 127.0.0.1; 0.0.0.0 for the room's network)")
    parser.add_argument("--facilitator-port", type=cli._port, default=None, metavar="N",
                        help="port of the facilitator dashboard on 127.0.0.1 (default: --port + 1)")
    parser.add_argument("--db", default=None, metavar="URL",
                        help=("database: a SQLAlchemy URL (postgresql://...) or a SQLite file path "
                              "(default: $SECI_LAB_DB, else seci-lab.sqlite in your data folder)"))
    parser.add_argument("--title", default=None, metavar="TEXT", help="title of the session created at start")
    parser.add_argument("--format", choices=("seci", "csh"), default="seci",
                        help="seci: a SECI round (default); csh: a Collective Story Harvest")
    parser.add_argument("--join-code", default=None, metavar="CODE",
                        help="join code of the new session (default: a new random code)")
    parser.add_argument("--resume", default=None, metavar="CODE",
                        help="continue the existing session with this join code (after a restart); needs --key")
    parser.add_argument("--key", default=None, metavar="KEY", help="facilitator key of the session given with --resume")
    parser.add_argument("--token", default=None, metavar="TOKEN",
                        help="token of the participant address when --host is not loopback (default: generated)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the facilitator dashboard")
    parser.add_argument("--cull-idle-timeout", type=cli._positive_int, default=cli.DEFAULT_CULL_IDLE_TIMEOUT,
                        metavar="SECONDS", help="stop kernels of vanished pages after this many idle seconds")
    parser.add_argument("--no-preheat", action="store_true",
                        help="do not keep a pre-executed participant kernel ready (saves memory, slower first page)")
    parser.add_argument("--concurrent-starts", type=cli._positive_int, default=cli.DEFAULT_CONCURRENT_STARTS,
                        metavar="N",
                        help=("participant pages whose kernel starts at the same time; when the whole room "
                              "joins at once the others wait in line (default: the number of CPU cores, "
                              f"at least 2; here {cli.DEFAULT_CONCURRENT_STARTS})"))
    parser.set_defaults(func=run_workshop)


def _default_db_url() -> str:
    # The same database as the lessons (``$SECI_LAB_DB`` or the per-user data folder), so the
    # facilitator notebook opened through ``seci-lab serve`` finds the session too.
    from .store.engine import default_url

    return default_url()


def _normalise_db(value: str | None) -> str:
    from .store.engine import database_url

    return database_url(value) if value else _default_db_url()


def plan_from_args(args: argparse.Namespace) -> WorkshopPlan:
    """Validate the options into a :class:`WorkshopPlan` (raises ``cli.UserError``)."""
    facilitator_port = args.facilitator_port or (args.port + 1 if args.port < 65535 else args.port - 1)
    if facilitator_port == args.port:
        raise cli.UserError("--facilitator-port must differ from --port.")
    token = cli.resolve_token(args.host, args.token)
    join_code = (args.join_code or "").strip() or None
    if args.resume and not args.key:
        raise cli.UserError("--resume needs the session's facilitator key: --key KEY (printed when it started).")
    title = (args.title or "").strip() or f"Workshop {time.strftime('%Y-%m-%d %H:%M')}"
    return WorkshopPlan(
        host=args.host, port=args.port, facilitator_port=facilitator_port,
        db_url=_normalise_db(args.db), facilitator_key="", join_code=join_code,
        title=title, format=args.format, resume=args.resume, resume_key=args.key, token=token, open_browser=not args.no_browser,
        cull_idle_timeout=args.cull_idle_timeout, preheat=not args.no_preheat,
        concurrent_starts=args.concurrent_starts,
    )


def _create_session(plan: WorkshopPlan) -> None:
    """Create the session (or resume ``--resume`` with ``--key``); fills in its code and key."""
    from .store.workshop import start_session

    try:
        session, key = start_session(plan.db_url, plan.title, plan.format, join_code=plan.join_code,
                                     resume=plan.resume, key=plan.resume_key)
    except ValueError as error:
        raise cli.UserError(str(error)) from None
    plan.join_code, plan.facilitator_key, plan.title = session.join_code, key, session.title


def _private_folder(root: Path, notebook: str) -> Path:
    """A folder holding only ``notebook`` (a copy from the shipped notebooks)."""
    folder = root / notebook.removesuffix(".ipynb")
    folder.mkdir()
    shutil.copy2(cli.default_notebooks_dir() / notebook, folder / notebook)
    return folder


@dataclass
class _DashboardConfig(cli.ServeConfig):
    """``seci-lab serve``'s settings for a folder of one dashboard, whose page is the front door."""

    notebook: str = ""

    @property
    def front_door(self) -> str:
        return f"/voila/render/{self.notebook}"


def _serve_command(folder: Path, notebook: str, host: str, port: int, token: str, plan: WorkshopPlan,
                   preheat: bool) -> list[str]:
    return [sys.executable, "-m", "seci_lab.workshop_server", str(folder), notebook, host, str(port), token,
            str(plan.cull_idle_timeout), "1" if preheat else "0", str(plan.concurrent_starts)]


def _serve_child(argv: list[str]) -> int:
    """Run one dashboard's Voila (a child process of ``seci-lab workshop``)."""
    folder, notebook, host, port, token, cull, preheat, starts = argv
    config = _DashboardConfig(notebooks=cli._check_notebooks_dir(Path(folder)), host=host, port=int(port),
                              token=token, open_browser=False, cull_idle_timeout=int(cull),
                              preheat=preheat == "1", concurrent_starts=int(starts), notebook=notebook)
    cli._setup_logging()
    cli.run_voila(config)
    return 0


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/tree?token=", timeout=2):
            return True
    except urllib.error.HTTPError as error:  # 403 without token: the server is up
        return error.code < 500
    except OSError:
        return False


def run_workshop(args: argparse.Namespace) -> int:
    """Entry point of ``seci-lab workshop``."""
    plan = plan_from_args(args)
    cli._check_port_free(plan.host, plan.port)
    cli._check_port_free("127.0.0.1", plan.facilitator_port)
    _create_session(plan)
    join_code = plan.join_code
    from .store.engine import DB_ENV

    with tempfile.TemporaryDirectory(prefix="seci-lab-workshop-") as tmp:
        root = Path(tmp)
        participant_dir = _private_folder(root, PARTICIPANT_NOTEBOOK)
        facilitator_dir = _private_folder(root, FACILITATOR_NOTEBOOK)
        base_env = {k: v for k, v in os.environ.items() if k not in (FACILITATOR_KEY_ENV, JOIN_CODE_ENV, JOIN_URL_ENV)}
        base_env[DB_ENV] = plan.db_url
        facilitator_env = dict(base_env, **{
            FACILITATOR_KEY_ENV: plan.facilitator_key,
            JOIN_CODE_ENV: join_code,
            JOIN_URL_ENV: plan.join_urls()[0],
        })
        children = [
            subprocess.Popen(_serve_command(participant_dir, PARTICIPANT_NOTEBOOK, plan.host, plan.port, plan.token,
                                            plan, plan.preheat),
                             env=base_env, stdout=subprocess.DEVNULL, start_new_session=True),
            subprocess.Popen(_serve_command(facilitator_dir, FACILITATOR_NOTEBOOK, "127.0.0.1", plan.facilitator_port,
                                            "", plan, False),
                             env=facilitator_env, stdout=subprocess.DEVNULL, start_new_session=True),
        ]
        stop = threading.Event()

        def _on_signal(_signum, _frame):
            stop.set()

        previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            if not _wait_until_up(plan, children, stop):
                return 1
            _announce(plan)
            while not stop.is_set() and all(c.poll() is None for c in children):
                stop.wait(0.5)
            failed = [c for c in children if c.poll() not in (None, 0)]
            return 1 if failed and not stop.is_set() else 0
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            _stop_children(children)


def _wait_until_up(plan: WorkshopPlan, children: list[subprocess.Popen], stop: threading.Event) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    pending = {plan.port, plan.facilitator_port}
    while pending and time.monotonic() < deadline and not stop.is_set():
        for child in children:
            if child.poll() is not None:
                print(f"seci-lab: error: a dashboard server exited with status {child.returncode} "
                      "(see the messages above).", file=sys.stderr)
                return False
        pending = {p for p in pending if not _answers(p)}
        if pending:
            time.sleep(0.2)
    if pending and not stop.is_set():
        print(f"seci-lab: error: the dashboards did not start within {START_TIMEOUT_S:.0f} s.", file=sys.stderr)
        return False
    return not stop.is_set()


def _stop_children(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def _announce(plan: WorkshopPlan) -> None:
    lines = ["", "seci-lab workshop is running.", "",
             "Participants open (also shown as a QR code on the facilitator dashboard):"]
    lines += [f"    {url}" for url in plan.join_urls()]
    lines += [f"Join code:  {plan.join_code}", "",
              "Facilitator dashboard (this computer only):",
              f"    {plan.facilitator_url()}",
              f"Facilitator key: {plan.facilitator_key}",
              "    (needed only if you open the facilitator notebook another way, e.g. through seci-lab serve)",
              f"Database: {_display_db(plan.db_url)}"]
    if cli._is_wildcard(plan.host):
        lines.append(f"Devices must be on the same network; a firewall may need to allow port {plan.port}.")
    lines += ["Press Ctrl+C to stop (the session stays in the database).", ""]
    print("\n".join(lines), flush=True)
    if plan.open_browser:
        threading.Thread(target=cli._open_browser, args=(plan.facilitator_url(),), daemon=True).start()


def _display_db(url: str) -> str:
    # Never print a password of a PostgreSQL URL.
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


if __name__ == "__main__":  # the child processes started by run_workshop
    sys.exit(_serve_child(sys.argv[1:]))
