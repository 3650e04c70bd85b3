"""A class on JupyterHub, for real (issues 12 and 26): deploy/jupyterhub/jupyterhub_config.py with
its hand-in service and a PostgreSQL class store, driven in Chromium.

The hub runs the deploy configuration with what a test machine needs changed on top
(tests/hub_testing.py). A learner and the instructor sign in and land on the welcome page under
Voila, each in their own server. The learner's server holds no class store address or password
and has no terminal; the learner answers in a lesson and hands in through the page, which sends
the hand-in to the service (first forging a classmate's id in the page, which is refused); the
instructor's dashboard loads the class from the service and lists the learner under their hub
identity, while the learner's server keeps the dashboard shut. One test, several checks: each
spawn costs 10-20 s.
"""

from __future__ import annotations

import json
import re

import psutil
import pytest

from seci_lab.env import CLASS_DB_ENV, HANDIN_SERVICE_ENV, HUB_USER_VARIABLE, OFF_LOOPBACK_ENV
from seci_lab.server.config import WELCOME, page_settings
from seci_lab.store.classroom import ClassStore
from hub_testing import DEPLOY_CONFIG, INSTRUCTOR, SPAWN_S, Hub, class_database, running_hub
from voila_testing import ConsoleRecord, wait_for_voila

LEARNERS = ("ann",)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_url, configurable_http_proxy):
    root = tmp_path_factory.mktemp("hub")
    with running_hub(root, class_database(pg_url), configurable_http_proxy) as running:
        yield running


def _stored(hub: Hub):
    """What the class store holds now, read as the service reads it."""
    store = ClassStore(hub.class_store)
    try:
        return store.load()
    finally:
        store.engine.dispose()


def _server_environment(name: str) -> dict[str, str]:
    """The environment of ``name``'s single-user server process (every user is this account here)."""
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any("jupyterhub-singleuser" in part for part in process.info["cmdline"] or ()):
                environment = process.environ()
                if environment.get(HUB_USER_VARIABLE) == name:
                    return environment
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    raise AssertionError(f"no single-user server of {name} is running")


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
        learner_id.evaluate("el => { el.disabled = true; }")
    button.click()
    # "signed in as ann: ..." of the forged try says "as ann:" too: wait for the receipt itself
    form.get_by_text(re.compile(rf"Handed in on .* as {name}:")).wait_for(timeout=60_000)


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

        # The learner's server: no class store, no password, no terminal; the service's address.
        environment = _server_environment("ann")
        password_free = hub.class_store.split("@")[-1]
        assert CLASS_DB_ENV not in environment and not any(password_free in v for v in environment.values())
        assert environment[HANDIN_SERVICE_ENV] == hub.service_url
        page = signed_in["ann"][1]
        assert page.request.get(f"{hub.url}user/ann/api/terminals").status == 404
        assert page.request.get(f"{hub.url}user/ann/api/kernels").status == 200  # the same request, answered

        for name in LEARNERS:
            _hand_in(signed_in[name][1], hub, name, forge="ben")

        # A browser signs in to the service through the hub (OAuth) as the same user...
        page.goto(f"{hub.url}services/seci-handin/")
        assert json.loads(page.locator("body").inner_text()) == {"service": "seci-handin", "name": "ann",
                                                                 "instructor": False}
        # ...and a write carried by that cookie alone, as another site's page would send it, is refused
        forged = page.request.put(f"{hub.url}services/seci-handin/api/ratings", data=json.dumps(
            {"learner_id": "ann", "key": "E.metaphor", "quality": 1.0}), headers={"Content-Type": "application/json"})
        assert forged.status == 401, forged.text()

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
        page.get_by_text(f"Loaded {len(LEARNERS)} learner from the hand-in service").wait_for(timeout=120_000)
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


def test_no_server_gets_the_class_store_only_the_hand_in_service_does(monkeypatch):
    url = "postgresql+psycopg://seci:secret@db.example.org/seci_class"
    monkeypatch.setenv(CLASS_DB_ENV, url)
    config = _load_deploy_config()
    environment = config.Spawner.environment
    # the old recipe gave every learner's server the URL with its password
    assert CLASS_DB_ENV not in environment
    assert not any("secret" in str(value) for value in environment.values())
    assert environment[HANDIN_SERVICE_ENV].endswith("/services/seci-handin/")
    service = next(s for s in config.JupyterHub.services if s["name"] == "seci-handin")
    assert service["environment"] == {CLASS_DB_ENV: url}
    assert service["command"][1:3] == ["-m", "seci_lab.server.handin_service"]
    # servers' tokens and users reach the service; nothing else is added to a server's token
    assert "access:services!service=seci-handin" in config.Spawner.server_token_scopes
    user_role = next(r for r in config.JupyterHub.load_roles if r["name"] == "user")
    assert set(user_role["scopes"]) == {"self", "access:services!service=seci-handin"}
    assert config.Spawner.default_url == f"/voila/render/{WELCOME}"
    assert config.Spawner.args == [*page_settings(600), "--ServerApp.terminals_enabled=False"]

    def spawner(*groups):
        group_objects = [type("Group", (), {"name": g})() for g in groups]
        return type("Spawner", (), {"user": type("User", (), {"groups": group_objects})()})()

    off_loopback = environment[OFF_LOOPBACK_ENV]
    assert off_loopback(spawner()) == "1" and off_loopback(spawner("tutors")) == "1"
    assert off_loopback(spawner("instructors")) == ""


def test_the_readme_sketch_for_zero_to_jupyterhub_keeps_the_hub_settings():
    import yaml

    readme = (DEPLOY_CONFIG.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## On Kubernetes", 1)[1]
    values = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    assert values["singleuser"]["defaultUrl"] == f"/voila/render/{WELCOME}"
    # learners' pods get the service's address, never the class store
    assert CLASS_DB_ENV not in values["singleuser"]["extraEnv"]
    assert values["singleuser"]["extraEnv"][HANDIN_SERVICE_ENV].endswith("/services/seci-handin/")
    assert values["hub"]["extraEnv"][CLASS_DB_ENV]["valueFrom"]["secretKeyRef"]
    service = values["hub"]["services"]["seci-handin"]
    assert service["command"][1:3] == ["-m", "seci_lab.server.handin_service"]
    spawner = values["hub"]["config"]["KubeSpawner"]
    assert spawner["args"] == [*page_settings(), "--ServerApp.terminals_enabled=False"]
    assert "access:services!service=seci-handin" in spawner["server_token_scopes"]
    assert values["cull"]["enabled"] is True and values["singleuser"]["memory"]["limit"]
