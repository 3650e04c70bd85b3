"""One device against the workshop's participant server (issue 21, item 3): slow connections.

The real server process (``python -m seci_lab.server.dashboard``, as ``seci-lab workshop``
starts it) runs with a low open-files limit (soft and hard, so that raising the soft limit at
start cannot lift it), and one address opens 1,000 connections that never finish their
headers (a "slowloris"). Other loopback addresses (127.0.0.x) stand in for other devices. What
the room relies on: the others still join and read the session, the device holds no more than
its cap, and running out of files makes the server wait, not write a traceback on every turn.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seci_lab.env import DB_ENV, ROOM_TOKEN_ENV, SERVER_HOSTS_ENV, TRUSTED_PROXIES_ENV
from seci_lab.server.connections import per_address_cap
from seci_lab.store.workshop import WorkshopStore

from participant_client import Client, closed_by_server, slow_connections
from voila_testing import free_port, isolated_env

resource = pytest.importorskip("resource")

#: The server's open-files limit in this test (Linux' usual default is 1,024).
FILES = 512
SLOW = 1000


def _enough_files_here(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"this test opens {wanted} connections; the open-files limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _limit_files() -> None:  # in the server's process, before it starts
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILES, FILES))


@contextlib.contextmanager
def _participant_server(tmp_path: Path):
    db = tmp_path / "ws.sqlite"
    store = WorkshopStore.open(f"sqlite:///{db}")
    session = store.create_session("Slow devices", "seci", join_code="SQWX42")
    store.close()
    folder = tmp_path / "page"
    folder.mkdir()
    port = free_port()
    env = dict(isolated_env(tmp_path / "home"), **{DB_ENV: f"sqlite:///{db}", ROOM_TOKEN_ENV: "",
                                                  SERVER_HOSTS_ENV: "", TRUSTED_PROXIES_ENV: ""})
    err = tmp_path / "server.err"
    with open(err, "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "seci_lab.server.dashboard", str(folder), "", "127.0.0.1",
                                    str(port), "600", "0", "2", "1", "0"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=_limit_files)
    try:
        deadline = time.monotonic() + 45
        while True:
            try:
                if Client(port).request("GET", "/favicon.ico", timeout=2).status == 204:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the participant server did not start:\n{err.read_text()}")
            time.sleep(0.2)
        yield port, session, err
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _waiting_connections(port: int, source: str, count: int) -> list[socket.socket]:
    """``count`` connections from ``source`` that send nothing, not waiting to be accepted."""
    opened = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind((source, 0))
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        opened.append(sock)
    return opened


def _others_are_answered(port: int, name: str, source: str) -> None:
    device = Client(port, source=source)
    # Raises (a timeout) when the server does not answer within 20 s.
    assert device.request("GET", "/", timeout=20).status == 200
    joined = device.request("POST", "/api/workshop/join", {"code": "SQWX42", "name": name}, timeout=20)
    assert joined.status == 201, joined.body
    assert device.request("GET", "/api/workshop/state", timeout=20).status == 200


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="MSG_DONTWAIT and 127.0.0.x are Linux'")
def test_one_address_with_a_thousand_slow_connections_does_not_stop_the_room(tmp_path):
    _enough_files_here(3 * SLOW)
    with _participant_server(tmp_path) as (port, session, err):
        attacker = slow_connections(port, "127.0.0.2", SLOW)
        try:
            _others_are_answered(port, "Ana", "127.0.0.3")
            _others_are_answered(port, "Ben", "127.0.0.4")
            # The device keeps at most its cap; every connection past it was closed at once.
            held = sum(not closed_by_server(sock) for sock in attacker)
            assert held <= per_address_cap(FILES), held
        finally:
            for sock in attacker:
                sock.close()
        # Several addresses together can still take every file: the server then waits (no
        # traceback per turn of its loop) and answers again once connections are gone.
        crowd = [s for i in range(5) for s in _waiting_connections(port, f"127.0.1.{i + 1}", FILES // 4 - 10)]
        time.sleep(2)  # turns of the server's loop while it is out of files
        for sock in crowd:
            sock.close()
        _others_are_answered(port, "Cleo", "127.0.0.5")
    log = err.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert log.count("Out of open files") == 1, log[-3000:]  # reached, and said once


def test_the_server_raises_its_open_files_limit_to_the_hard_limit():
    # In a child process: the soft limit of the usual 1,024 (here 256) is no room for a class.
    script = ("import resource\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE, (256, 512))\n"
              "from seci_lab.server.connections import raise_open_files_limit\n"
              "print(raise_open_files_limit(), resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["512", "512"], done.stderr
