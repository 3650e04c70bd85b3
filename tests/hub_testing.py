"""A real JupyterHub running deploy/jupyterhub/jupyterhub_config.py, for the tests and the benchmark.

The deploy configuration, with only what a test machine needs changed on top: free ports (the
hub's, the proxy's API, the hand-in service's), the proxy from ``scripts/ensure-proxy.sh``, the
dummy sign-in (any password), the simple local spawner (every user the same system account,
homes in a temp folder), and a service ``test-admin`` whose token may create users and their
tokens (what a hub admin does in the admin page), so a test can act as any user without a browser.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from seci_lab.env import CLASS_DB_ENV, HANDIN_SERVICE_ENV
from seci_lab.server.handin_service import SERVICE_NAME
from voila_testing import VoilaServer, free_port, isolated_env

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
INSTRUCTOR = "teacher"
SPAWN_S = 300  # a loaded 2-core machine starts several servers at once


def class_database(pg_url: str, name: str = "seci_hub_class") -> str:
    """A new, empty database on the PostgreSQL server of ``pg_url``: the class store's URL."""
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def _hub_config(root: Path, port: int, service_port: int, proxy: str, admin_token: str) -> str:
    homes = str(root / "homes" / "{username}")
    singleuser = str(Path(sys.executable).with_name("jupyterhub-singleuser"))
    as_root = os.geteuid() == 0
    service_url = f"http://127.0.0.1:{service_port}"
    return f"""
load_subconfig({str(DEPLOY_CONFIG)!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {str(root / "proxy.pid")!r}
c.JupyterHub.db_url = {"sqlite:///" + str(root / "hub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(root / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r}
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = c.Spawner.args + {["--allow-root"] if as_root else []!r}
c.Spawner.start_timeout = {SPAWN_S}
c.Spawner.http_timeout = {SPAWN_S}
c.JupyterHub.load_groups = {{"instructors": {{"users": [{INSTRUCTOR!r}]}}}}
for service in c.JupyterHub.services:
    if service["name"] == {SERVICE_NAME!r}:
        service["url"] = {service_url!r}
c.Spawner.environment[{HANDIN_SERVICE_ENV!r}] = {service_url + f"/services/{SERVICE_NAME}/"!r}
c.JupyterHub.services.append({{"name": "test-admin", "api_token": {admin_token!r}}})
c.JupyterHub.load_roles.append({{"name": "test-admin", "scopes": ["admin:users", "tokens", "admin:servers"],
                                 "services": ["test-admin"]}})
"""


def _hub_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}hub/api/", timeout=5) as response:
            return response.status == 200 and "version" in json.load(response)
    except (OSError, ValueError):
        return False


@dataclass
class Hub:
    url: str  # the proxy's public address, ending in "/"
    class_store: str
    service_url: str  # the hand-in service's address as servers call it, ending in "/"
    admin_token: str
    server: VoilaServer  # the jupyterhub process, stopped with everything it started

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        """The hub's REST API as the test's admin service."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}hub/api/{path}", data=data, method=method, headers={
            "Authorization": f"token {self.admin_token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def user_token(self, name: str) -> str:
        """A token of user ``name`` (created if new) that reaches the hand-in service, as the token
        the hub gives ``name``'s server does."""
        try:
            self.api("POST", f"users/{name}")
        except urllib.error.HTTPError as error:
            if error.code != 409:  # 409: the user exists
                raise
        answer = self.api("POST", f"users/{name}/tokens", {
            "scopes": [f"access:services!service={SERVICE_NAME}"], "note": "test", "expires_in": 3600})
        return answer["token"]

    def service_answers(self) -> bool:
        try:
            urllib.request.urlopen(self.service_url + "api/whoami", timeout=5)
        except urllib.error.HTTPError as error:
            return error.code == 401  # it answers, and wants a sign-in
        except OSError:
            return False
        return True


@contextmanager
def running_hub(root: Path, class_store: str, proxy: str, *, extra_env: dict | None = None) -> Iterator[Hub]:
    """Start the hub (and its hand-in service) in ``root``; stop everything it started on exit."""
    port, service_port = free_port(), free_port()
    admin_token = secrets.token_hex(24)
    (root / "jupyterhub_config.py").write_text(_hub_config(root, port, service_port, proxy, admin_token))
    env = isolated_env(root)
    env[CLASS_DB_ENV] = class_store
    env.update(extra_env or {})
    out, err = root / "hub.out", root / "hub.err"
    command = [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(root / "jupyterhub_config.py")]
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=stdout, stderr=stderr)
    url = f"http://127.0.0.1:{port}/"
    server = VoilaServer(url, port, process, root, out, err)
    hub = Hub(url, class_store, f"http://127.0.0.1:{service_port}/services/{SERVICE_NAME}/", admin_token, server)
    try:
        deadline = time.monotonic() + 180
        while not (_hub_answers(url) and hub.service_answers()):
            server.remember_descendants()
            if process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n{server.output()[-5000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyterhub or its hand-in service did not answer within 180 s:\n"
                                   f"{server.output()[-5000:]}")
            time.sleep(0.3)
        server.remember_descendants()
        yield hub
    finally:
        server.remember_descendants()
        server.stop(timeout=60)
