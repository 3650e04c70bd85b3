"""Beyond one machine: two participant servers sharing one PostgreSQL, behind nginx.

Two ``seci-lab workshop --participants-only`` processes serve the sessions of one PostgreSQL
database; nginx (Debian's package, unprivileged, in a temp dir) runs the shipped recipe
``docs/nginx-workshop.conf`` in front of them, taking turns (round robin). The facilitator is
the store itself. What a room relies on: a participant on one server sees what was sent
through the other while their page waits (long-poll), any server answers any participant,
limits hold over both servers, and a visitor cannot dodge them by writing X-Forwarded-For.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from seci_lab.store.workshop import WorkshopStore

from participant_client import Client
from voila_testing import free_port, start_workshop

RECIPE = Path(__file__).resolve().parents[1] / "docs" / "nginx-workshop.conf"
#: nginx talks to the servers from this address (their trusted proxy); test clients come from
#: 127.0.0.1, so a header they write never comes from a trusted address.
PROXY_ADDRESS = "127.0.0.2"


class Nginx:
    """nginx with ``RECIPE`` in a temp dir: its own pid file, logs and temp paths, no root."""

    def __init__(self, binary: str, root: Path, port: int, backends: list[int]):
        self.root, self.port = root, port
        recipe = RECIPE.read_text()
        recipe = recipe.replace("server 127.0.0.1:8871;", f"server 127.0.0.1:{backends[0]};")
        recipe = recipe.replace("server 127.0.0.1:8881;", f"server 127.0.0.1:{backends[1]};")
        recipe = recipe.replace("listen 80;", f"listen 127.0.0.1:{port};")
        assert f":{backends[0]};" in recipe and f":{backends[1]};" in recipe and f"127.0.0.1:{port}" in recipe, \
            "the recipe changed"
        (root / "recipe.conf").write_text(recipe)
        temp = "\n".join(f"    {kind}_temp_path {root}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                              "uwsgi", "scgi"))
        # As root, nginx would hand its workers to "nobody", who cannot enter this folder.
        user = "user root;" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format upstreams '$status $request_method $uri $upstream_addr';
    access_log {root}/access.log upstreams;
{temp}
    proxy_bind {PROXY_ADDRESS};
    include {root}/recipe.conf;
}}
""")
        self.process = subprocess.Popen([binary, "-p", str(root), "-c", str(root / "nginx.conf"),
                                         "-e", str(root / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not start: {self.log()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            return Client(self.port).request("GET", "/favicon.ico", timeout=5).status < 500
        except OSError:
            return False

    def log(self) -> str:
        error = self.root / "error.log"
        return error.read_text(errors="replace")[-3000:] if error.exists() else ""

    def upstreams(self) -> list[str]:
        """``status method uri upstream`` of each request so far."""
        return (self.root / "access.log").read_text().splitlines()

    def stop(self) -> None:
        """Graceful stop (SIGQUIT), as ``nginx -s quit``; kill only if that hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def room(pg_cluster, nginx_path, tmp_path_factory):
    """The facilitator's store, two participant servers and nginx in front of them."""
    tmp_path = tmp_path_factory.mktemp("scaleout")
    shared_db = pg_cluster.database("ws_scaleout")
    store = WorkshopStore.open(shared_db)
    servers = []
    nginx = None
    try:
        for name in ("first", "second"):
            server, _ = start_workshop(
                tmp_path / name,
                ["--participants-only", "--db", shared_db, "--trusted-proxy", PROXY_ADDRESS],
                banner="participant page only")
            servers.append(server)
        nginx_root = tmp_path / "nginx"
        nginx_root.mkdir()
        nginx = Nginx(nginx_path, nginx_root, free_port(), [s.port for s in servers])
        yield store, servers, nginx
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()
        store.close()
    assert not (tmp_path / "nginx" / "nginx.pid").exists(), "nginx did not shut down cleanly"


def _on(server, client: Client) -> Client:
    """The same browser (cookies) talking to one server directly."""
    direct = Client(server.port)
    direct.cookies = client.cookies
    return direct


def test_two_servers_behind_nginx_serve_one_session(room):
    store, (first, second), nginx = room
    before = len(nginx.upstreams())
    session = store.create_session("Two servers", "seci", join_code="SPREAD7")
    store.open_phase(session.id, session.key, "S")

    # Through nginx: joining and reading the state land on both servers in turn, and each
    # knows the participant (identity, XSRF and the room live in the database and cookies).
    ana, ben = Client(nginx.port), Client(nginx.port)
    assert ana.join("spread7", "Ana").status == 201
    assert ben.join("SPREAD7", "Ben").status == 201
    for _ in range(4):
        state = ana.state()
        assert state.status == 200 and state.json["me"]["name"] == "Ana"
    api = [line for line in nginx.upstreams()[before:] if "/api/workshop/" in line]
    assert {line.split()[-1] for line in api} == {f"127.0.0.1:{first.port}", f"127.0.0.1:{second.port}"}, api
    assert all(line.startswith(("200 ", "201 ")) for line in api), api

    # Ana's page waits on the first server; Ben sends through the second: her poll answers
    # with his contribution (well before the poll's own 25 s), as the facilitator's store sees it.
    version = _on(first, ana).state().json["version"]
    answers = {}
    waiter = threading.Thread(target=lambda: answers.setdefault("poll", _on(first, ana).state(since=version)))
    waiter.start()
    time.sleep(0.5)
    assert "poll" not in answers  # nothing new yet: it waits
    sent = _on(second, ben).send("Ben's story from the second server", "b1", phase="S")
    assert sent.status == 201, sent.body
    waiter.join(15)
    assert "poll" in answers, "the first server never noticed the second server's write"
    poll = answers["poll"]
    assert poll.status == 200 and poll.json["version"] > version
    assert [item["text"] for item in poll.json["state"]["board"]] == ["Ben's story from the second server"]
    assert [s.text for s in store.submissions(session.id)] == ["Ben's story from the second server"]

    # Through nginx with a host name the servers do not answer to: refused (DNS rebinding).
    assert Client(nginx.port, host="rebind.attacker.example").state().status == 403


def test_limits_hold_over_both_servers_and_ignore_forged_forwarding(room):
    store, (first, second), nginx = room
    before = len(nginx.upstreams())
    session = store.create_session("Guessing", "seci", join_code="GUESS9")
    # A visitor behind nginx guesses join codes, writing a new X-Forwarded-For each time:
    # nginx appends the address it saw, the servers believe only that, and count over both.
    guesser = Client(nginx.port, source="127.0.0.3")  # a device of its own (other tests use 127.0.0.1)
    for attempt in range(10):
        guesser.headers["X-Forwarded-For"] = f"198.51.100.{attempt + 2}"
        guesser.headers["X-Real-IP"] = f"198.51.100.{attempt + 2}"
        assert guesser.join(f"ZZZZ{'ABCDEFGHJK'[attempt]}", None).status == 404
    used = {line.split()[-1] for line in nginx.upstreams()[before:] if "/api/workshop/join" in line}
    assert len(used) == 2  # the guesses went to both servers
    for server in (first, second):
        direct = _on(server, guesser)  # straight to a server, with a forged proxy header: no escape
        direct.headers, direct.source = {"X-Forwarded-For": "203.0.113.50"}, guesser.source
        locked = direct.join("GUESS9", "Eve")
        assert locked.status == 429 and "wrong join codes" in locked.error
    locked = guesser.join("GUESS9", "Eve")
    assert locked.status == 429 and int(locked.headers["Retry-After"]) >= 1
    assert store.participants(session.id) == []
