"""A class on JupyterHub, for real (issue 12): deploy/jupyterhub/jupyterhub_config.py with a
PostgreSQL class store, driven in Chromium.

The hub runs the deploy configuration, with only what a test machine needs changed on top: free
ports, the proxy from ``scripts/ensure-proxy.sh``, the dummy sign-in (any password) and the
simple local spawner (every user the same system account, homes in a temp folder). Three
learners sign in, land on the welcome page under Voila, answer in a lesson and hand in; one of
them first forges another learner's id in the page and is refused; the instructor's dashboard
loads the class store and lists the three learners under their hub identities, while a
learner's server keeps the dashboard shut. One test, several checks: each spawn costs 10-20 s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from seci_lab.env import CLASS_DB_ENV, OFF_LOOPBACK_ENV
from seci_lab.server.config import WELCOME, page_settings
from seci_lab.store.classroom import ClassStore
from voila_testing import ConsoleRecord, VoilaServer, free_port, isolated_env, wait_for_voila


ROOT = Path(__file__).resolve().parent.parent
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
LEARNERS = ("ann", "ben", "cho")
INSTRUCTOR = "teacher"
SPAWN_S = 300  # a loaded 2-core machine starts four servers at once


def _class_store(pg_url: str) -> str:
    """A new, empty database on the suite's PostgreSQL server: the class store's URL."""
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS seci_hub_class"))
            conn.execute(text("CREATE DATABASE seci_hub_class"))
    finally:
        engine.dispose()
    return make_url(pg_url).set(database="seci_hub_class").render_as_string(hide_password=False)


def _hub_config(root: Path, port: int, proxy: str) -> str:
    """The deploy configuration, then what a test machine needs changed."""
    homes = str(root / "homes" / "{username}")
    singleuser = str(Path(sys.executable).with_name("jupyterhub-singleuser"))
    as_root = os.geteuid() == 0
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
"""


def _hub_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}hub/api/", timeout=5) as response:
            return response.status == 200 and "version" in json.load(response)
    except (OSError, ValueError):
        return False


@dataclass
class Hub:
    url: str
    class_store: str
    server: VoilaServer  # the jupyterhub process, stopped with everything it started


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_url, configurable_http_proxy):
    root = tmp_path_factory.mktemp("hub")
    store = _class_store(pg_url)
    port = free_port()
    (root / "jupyterhub_config.py").write_text(_hub_config(root, port, configurable_http_proxy))
    env = isolated_env(root)
    env[CLASS_DB_ENV] = store
    out, err = root / "hub.out", root / "hub.err"
    command = [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(root / "jupyterhub_config.py")]
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=stdout, stderr=stderr)
    url = f"http://127.0.0.1:{port}/"
    server = VoilaServer(url, port, process, root, out, err)
    try:
        deadline = time.monotonic() + 120
        while not _hub_answers(url):
            server.remember_descendants()
            if process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n{server.output()[-5000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyterhub did not answer within 120 s:\n{server.output()[-5000:]}")
            time.sleep(0.3)
        yield Hub(url, store, server)
    finally:
        server.remember_descendants()
        server.stop(timeout=60)


def _stored(hub: Hub):
    """What the class store holds now, read as the instructor's dashboard reads it."""
    store = ClassStore(hub.class_store)
    try:
        return store.load()
    finally:
        store.engine.dispose()


def _sign_in(browser, hub: Hub, name: str):
    """A new browser context signed in as ``name`` (the hub then starts their server)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    record = ConsoleRecord.attach(page)
    page.goto(f"{hub.url}hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", "any password will do")
    page.click("#login_submit")
    return context, page, record


def _answer(name: str) -> str:
    return f"{name.title()}'s metaphor: kneading is like stretching a rubber band slowly."


def _hand_in(page, hub: Hub, name: str, forge: str | None = None) -> None:
    """Answer in lesson 02 and hand in through the page's form (first forging ``forge``'s id)."""
    page.goto(f"{hub.url}user/{name}/voila/render/02_externalization.ipynb")
    wait_for_voila(page, timeout=180)
    page.get_by_label("1. Metaphor", exact=True).fill(_answer(name))
    page.locator("button.seci-save-E-metaphor").click()
    page.get_by_text("it is in your spiral").first.wait_for()
    page.get_by_text("Hand in to your instructor").click()
    form = page.locator(".seci-handin")
    learner_id = form.get_by_label("Your student id")
    assert learner_id.input_value() == name and learner_id.is_disabled()
    form.get_by_label("Your name").fill(f"{name.title()} Learner")
    button = form.get_by_role("button", name=re.compile(r"Hand in$"))  # its icon is part of the name
    if forge:
        # What a learner can do in the page: enable the field, type a classmate's id, send it.
        learner_id.evaluate("el => { el.disabled = false; }")
        learner_id.fill(forge)
        button.click()
        form.get_by_text(f"You are signed in as {name}").wait_for()
        stored = _stored(hub)  # a forged row would be listed as a problem, so both must be empty
        assert stored.submissions == [] and stored.problems.empty, "a forged hand-in reached the class store"
    button.click()
    form.get_by_text(f"as {name}:").wait_for(timeout=60_000)


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_a_class_on_jupyterhub(hub, browser):
    signed_in = {}
    try:
        for name in (*LEARNERS, INSTRUCTOR):  # the four servers start together
            signed_in[name] = _sign_in(browser, hub, name)
        for name, (_, page, _) in signed_in.items():
            # each lands on the welcome page under Voila, in their own server
            page.wait_for_url(re.compile(rf"/user/{name}/voila/render/00_welcome\.ipynb"), timeout=SPAWN_S * 1000)
            wait_for_voila(page, timeout=180)
            hub.server.remember_descendants()

        for name in LEARNERS:
            _hand_in(signed_in[name][1], hub, name, forge="ben" if name == "ann" else None)

        loaded = _stored(hub)
        assert loaded.problems.empty
        assert sorted((s.learner_id, s.uploader_id, s.answers["E.metaphor"]["text"]) for s in loaded.submissions) == [
            (name, name, _answer(name)) for name in LEARNERS]

        # A learner's server keeps the instructor dashboard shut.
        page = signed_in["ann"][1]
        page.goto(f"{hub.url}user/ann/voila/render/instructor.ipynb")
        wait_for_voila(page, timeout=180)
        page.get_by_text("it opens only with an instructor key").wait_for()
        assert page.get_by_role("button", name="Load the class").count() == 0

        # The instructor's opens, loads the class store and lists the three learners.
        page = signed_in[INSTRUCTOR][1]
        page.goto(f"{hub.url}hub/user-redirect/voila/render/instructor.ipynb")
        wait_for_voila(page, timeout=180)
        assert f"/user/{INSTRUCTOR}/" in page.url
        page.get_by_text("Load a class to start").wait_for()
        page.get_by_role("button", name="Load the class").click()
        page.get_by_text(f"Loaded {len(LEARNERS)} learners from the class store").wait_for(timeout=120_000)
        page.get_by_role("tab", name="Learner").click()
        options = page.get_by_label("Learner", exact=True).evaluate(
            "el => [...el.options].map(o => o.textContent)")
        assert len(options) == len(LEARNERS)
        for name in LEARNERS:
            assert sum(name in option for option in options) == 1, (name, options)
        for name, (_, _, record) in signed_in.items():
            assert not record.page_errors, (name, record.page_errors)
    except Exception:
        print(f"The hub's log (end):\n{hub.server.output()[-8000:]}")  # pytest shows it with the failure
        raise
    finally:
        hub.server.remember_descendants()
        for context, _, _ in signed_in.values():
            context.close()


# --- the configuration and the README's Zero to JupyterHub sketch, without a hub --------------------

def _load_deploy_config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(DEPLOY_CONFIG.name, path=str(DEPLOY_CONFIG.parent)).load_config()


def test_the_hub_refuses_to_start_without_a_class_store(monkeypatch):
    monkeypatch.delenv(CLASS_DB_ENV, raising=False)
    with pytest.raises(SystemExit, match=CLASS_DB_ENV):
        _load_deploy_config()


def test_the_hub_gives_every_server_the_class_store_and_opens_the_dashboard_to_instructors_only(monkeypatch):
    url = "postgresql+psycopg://seci:secret@db.example.org/seci_class"
    monkeypatch.setenv(CLASS_DB_ENV, url)
    config = _load_deploy_config()
    environment = config.Spawner.environment
    assert environment[CLASS_DB_ENV] == url
    assert config.Spawner.default_url == f"/voila/render/{WELCOME}"
    assert config.Spawner.args == page_settings(600)

    def spawner(*groups):
        group_objects = [type("Group", (), {"name": g})() for g in groups]
        return type("Spawner", (), {"user": type("User", (), {"groups": group_objects})()})()

    off_loopback = environment[OFF_LOOPBACK_ENV]
    assert off_loopback(spawner()) == "1" and off_loopback(spawner("tutors")) == "1"
    assert off_loopback(spawner("instructors")) == ""


def test_the_readme_sketch_for_zero_to_jupyterhub_keeps_the_hub_settings():
    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A class on JupyterHub", 1)[1]
    values = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    assert values["singleuser"]["defaultUrl"] == f"/voila/render/{WELCOME}"
    assert values["singleuser"]["extraEnv"][CLASS_DB_ENV]["valueFrom"]["secretKeyRef"]
    assert values["hub"]["config"]["KubeSpawner"]["args"] == page_settings()
    assert values["cull"]["enabled"] is True and values["singleuser"]["memory"]["limit"]
