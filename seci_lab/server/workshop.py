"""``seci-lab workshop``: a participant page for the room and a facilitator dashboard.

Two servers run as child processes of this command (:mod:`seci_lab.server.dashboard`, Voila
with ``seci-lab serve``'s safe settings), each serving a private temporary folder that holds
only its own notebook:

- the **participant** server listens on ``--host``/``--port`` (the room's network with
  ``--host 0.0.0.0``, then with a token in the join address). It serves the participant page
  without a kernel (:mod:`seci_lab.server.participant_api`) from an empty folder: no notebook,
  so no kernel, and a visitor cannot open the facilitator notebook. The address of the
  kernel-per-visitor notebook it replaced leads to the page;
- the **facilitator** server listens on 127.0.0.1 only, on a second port, with its own token.

The participant server also serves the session's **room screen** (:mod:`.room_screen`), a
read-only page for the projector opened with its own token (never the facilitator's), whose
address this command prints beside the join and facilitator addresses.

Both answer only their own host names (loopback, the LAN address, this computer's name and
``--allow-host`` names), against DNS rebinding. Tokens reach the servers in their environment,
never on a command line.

Beyond one machine's capacity, several participant servers can share one PostgreSQL database
behind a reverse proxy: ``--participants-only`` starts another participant server (no session,
no facilitator server), and ``--trusted-proxy`` lets the per-address limits see each visitor's
own address through the proxy (README: "A room beyond one laptop").

The kernels learn where the database is (:data:`~seci_lab.env.DB_ENV`) from their
environment. Only the facilitator server's kernels get the facilitator key, the session's join
code and the join address (for the QR code). The session is created here, at start, so the
join code printed on the terminal works as soon as the pages are up.
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
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..env import (DB_ENV, FACILITATOR_KEY_ENV, JOIN_CODE_ENV, JOIN_URL_ENV, ROOM_TOKEN_ENV, SERVER_HOSTS_ENV,
                   TOKEN_ENV, TRUSTED_PROXIES_ENV)
from .app import open_browser
from .config import DEFAULT_CONCURRENT_STARTS, default_notebooks_dir
from .errors import UserError
from .network import check_port_free, is_loopback, is_wildcard, reachable_hosts, url_host
from .tokens import facilitator_key, generate_token, given_token, resolve_token

__all__ = [
    "FACILITATOR_NOTEBOOK",
    "PARTICIPANT_FOLDER",
    "WorkshopPlan",
    "create_session",
    "plan_from_args",
    "run_workshop",
]

FACILITATOR_NOTEBOOK = "workshop_facilitator.ipynb"
#: The participant server's folder (empty: the page needs no notebook); its name tells the
#: two servers apart in a process list.
PARTICIPANT_FOLDER = "participant_page"
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
    concurrent_starts: int = DEFAULT_CONCURRENT_STARTS
    facilitator_token: str = ""
    allow_hosts: tuple[str, ...] = ()
    session_hours: float = 12.0
    #: Reverse proxies whose X-Forwarded-For the participant server believes (``--trusted-proxy``).
    trusted_proxies: tuple[str, ...] = ()
    #: Only another participant server for the sessions in ``db_url`` (``--participants-only``):
    #: no session is created, no facilitator server started.
    participants_only: bool = False
    #: The address participants open when it is not this server's own, e.g. a reverse proxy's.
    join_url: str = ""
    #: The session's room screen token (:meth:`WorkshopStore.room_screen_token`), set by :func:`create_session`.
    room_screen_token: str = ""

    def join_urls(self) -> list[str]:
        """Addresses participants open (the LAN address first when listening on every interface)."""
        query = f"?token={self.token}" if self.token else ""
        if self.join_url:
            return [self.join_url + query]
        return [f"http://{url_host(h)}:{self.port}/{query}" for h in reachable_hosts(self.host)]

    def room_screen_url(self) -> str:
        """The room screen's address: the participant server's, with the room screen token (never
        the facilitator's token or key)."""
        from ..model.session_view import room_screen_address

        return room_screen_address(self.join_urls()[0], self.room_screen_token)

    def facilitator_url(self) -> str:
        query = f"?token={self.facilitator_token}" if self.facilitator_token else ""
        return f"http://127.0.0.1:{self.facilitator_port}/{query}"


def _normalise_db(value: str | None) -> str:
    # By default the same database as the lessons (``$SECI_LAB_DB`` or the per-user data
    # folder), so the facilitator notebook opened through ``seci-lab serve`` finds the session.
    from ..store.engine import database_url, default_url

    return database_url(value) if value else default_url()


def plan_from_args(args: argparse.Namespace) -> WorkshopPlan:
    """Validate the parsed ``workshop`` options into a :class:`WorkshopPlan` (raises :class:`UserError`)."""
    facilitator_port = args.facilitator_port or (args.port + 1 if args.port < 65535 else args.port - 1)
    if facilitator_port == args.port:
        raise UserError("--facilitator-port must differ from --port.")
    given = given_token(args.token, args.token_file)
    token = resolve_token(args.host, given)
    join_code = (args.join_code or "").strip() or None
    if args.participants_only and (args.resume or args.join_code or args.title):
        raise UserError("--participants-only serves the participant page of the sessions already in --db: "
                        "it creates or resumes none (leave out --resume, --join-code and --title).")
    if args.participants_only and given is None and not is_loopback(args.host):
        # A token of its own would refuse the room cookie that another server set.
        raise UserError(f"--participants-only with --host {args.host} needs a token (${TOKEN_ENV}, --token-file or "
                        "--token): the same token as the "
                        "other participant servers, which a proxy may send anyone to.")
    resume_key = facilitator_key(args.key_file) if args.resume else None
    if args.resume and not resume_key:
        raise UserError("--resume needs the session's facilitator key (printed when it started): set "
                        f"{FACILITATOR_KEY_ENV}=KEY, or give --key-file FILE (a file only you can read).")
    title = (args.title or "").strip() or f"Workshop {time.strftime('%Y-%m-%d %H:%M')}"
    return WorkshopPlan(
        host=args.host, port=args.port, facilitator_port=facilitator_port,
        db_url=_normalise_db(args.db), facilitator_key="", join_code=join_code,
        title=title, format=args.format, resume=args.resume, resume_key=resume_key, token=token,
        open_browser=not args.no_browser, cull_idle_timeout=args.cull_idle_timeout,
        concurrent_starts=args.concurrent_starts, facilitator_token=generate_token(),
        allow_hosts=tuple(args.allow_host or ()), session_hours=args.session_hours,
        trusted_proxies=tuple(args.trusted_proxy or ()), participants_only=args.participants_only,
        join_url=_join_url(args.join_url),
    )


def _join_url(value: str | None) -> str:
    """``--join-url`` checked: an http(s) address of a site, ending in ``/`` (the token follows)."""
    if not value:
        return ""
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UserError(f"--join-url must be an address such as https://workshop.example.org/, not {value!r}.")
    return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}".rstrip("/") + "/"


def create_session(plan: WorkshopPlan) -> None:
    """Create the session (or resume ``plan.resume`` with its key); fills in its code and key."""
    from ..store.workshop_start import start_session

    try:
        session, key, screen = start_session(plan.db_url, plan.title, plan.format, join_code=plan.join_code,
                                             resume=plan.resume, key=plan.resume_key, room_screen=True)
    except ValueError as error:  # the store's WorkshopError: a wrong key, no such session, a taken code
        raise UserError(str(error)) from None
    plan.join_code, plan.facilitator_key, plan.title = session.join_code, key, session.title
    plan.room_screen_token = screen


def _check_database(url: str) -> None:
    """UserError with one line when the database cannot be used (before any server starts on it)."""
    from ..store.workshop_start import check_database

    try:
        check_database(url).close()
    except ValueError as error:
        raise UserError(str(error)) from None


def _private_folder(root: Path, notebook: str) -> Path:
    """A folder holding only ``notebook`` (a copy from the shipped notebooks)."""
    folder = root / notebook.removesuffix(".ipynb")
    folder.mkdir()
    shutil.copy2(default_notebooks_dir() / notebook, folder / notebook)
    return folder


def _serve_command(folder: Path, notebook: str, host: str, port: int, plan: WorkshopPlan,
                   preheat: bool, participant_page: bool = False) -> list[str]:
    # No secret here: a command line can be read by every user of the computer.
    return [sys.executable, "-m", "seci_lab.server.dashboard", str(folder), notebook, host, str(port),
            str(plan.cull_idle_timeout), "1" if preheat else "0", str(plan.concurrent_starts),
            "1" if participant_page else "0", str(max(1, round(plan.session_hours * 3600)))]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/tree?token=", timeout=2):
            return True
    except urllib.error.HTTPError as error:  # 403 without token: the server is up
        return error.code < 500
    except OSError:
        return False


def run_workshop(args: argparse.Namespace) -> int:
    """``seci-lab workshop``: create the session, run both dashboards until stopped."""
    plan = plan_from_args(args)
    check_port_free(plan.host, plan.port)
    if not plan.participants_only:
        check_port_free("127.0.0.1", plan.facilitator_port)
        create_session(plan)
    else:
        _check_database(plan.db_url)
    join_code = plan.join_code

    with tempfile.TemporaryDirectory(prefix="seci-lab-workshop-") as tmp:
        root = Path(tmp)
        participant_dir = root / PARTICIPANT_FOLDER
        participant_dir.mkdir()
        facilitator_dir = _private_folder(root, FACILITATOR_NOTEBOOK)
        base_env = {k: v for k, v in os.environ.items()
                    if k not in (FACILITATOR_KEY_ENV, JOIN_CODE_ENV, JOIN_URL_ENV, ROOM_TOKEN_ENV, TOKEN_ENV)}
        base_env[DB_ENV] = plan.db_url
        base_env[SERVER_HOSTS_ENV] = ",".join(plan.allow_hosts)
        participant_env = dict(base_env, **{ROOM_TOKEN_ENV: plan.token, JOIN_URL_ENV: plan.join_urls()[0],
                                            TRUSTED_PROXIES_ENV: ",".join(plan.trusted_proxies)})
        facilitator_env = dict(base_env, **{
            FACILITATOR_KEY_ENV: plan.facilitator_key,
            JOIN_CODE_ENV: join_code or "",
            JOIN_URL_ENV: plan.join_urls()[0],
            ROOM_TOKEN_ENV: plan.facilitator_token,
        })
        children = [
            # The page needs no kernel: nothing to preheat.
            subprocess.Popen(_serve_command(participant_dir, "", plan.host, plan.port, plan,
                                            False, participant_page=True),
                             env=participant_env, stdout=subprocess.DEVNULL, start_new_session=True),
        ]
        if not plan.participants_only:
            children.append(
                subprocess.Popen(_serve_command(facilitator_dir, FACILITATOR_NOTEBOOK, "127.0.0.1",
                                                plan.facilitator_port, plan, False),
                                 env=facilitator_env, stdout=subprocess.DEVNULL, start_new_session=True))
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
    pending = {plan.port} if plan.participants_only else {plan.port, plan.facilitator_port}
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
    if plan.participants_only:
        print("\n".join(["", "seci-lab workshop is serving the participant page only (--participants-only):"]
                        + [f"    {url}" for url in plan.join_urls()]
                        + [f"Sessions of the database {_display_db(plan.db_url)} can be joined here.",
                           "Press Ctrl+C to stop.", ""]), flush=True)
        return
    lines = ["", "seci-lab workshop is running.", "",
             "Participants open (also shown as a QR code on the facilitator dashboard):"]
    lines += [f"    {url}" for url in plan.join_urls()]
    lines += [f"Join code:  {plan.join_code}", "",
              "Room screen for the projector (read-only: the join code, the board and the spiral; its own token):",
              f"    {plan.room_screen_url()}", "",
              "Facilitator dashboard (this computer only; keep its address private, it holds a token):",
              f"    {plan.facilitator_url()}",
              f"Facilitator key: {plan.facilitator_key}",
              "    (needed only if you open the facilitator notebook another way, e.g. through seci-lab serve,",
              f"    or to continue after a restart: {FACILITATOR_KEY_ENV}=<key> seci-lab workshop --resume "
              f"{plan.join_code})",
              f"Database: {_display_db(plan.db_url)}"]
    if is_wildcard(plan.host):
        lines.append(f"Devices must be on the same network; a firewall may need to allow port {plan.port}.")
    lines += ["Press Ctrl+C to stop (the session stays in the database).", ""]
    print("\n".join(lines), flush=True)
    if plan.open_browser:
        open_browser(plan.facilitator_url())


def _display_db(url: str) -> str:
    # Never print a password of a PostgreSQL URL.
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]
