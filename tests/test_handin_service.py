"""The hand-in service on a real JupyterHub (issue 26): what a learner's server can and cannot do.

The audit of the old recipe (issue 26) found every learner's server holding the class store's
URL and password: from a kernel or a terminal a learner read a classmate's hand-in, inserted one
as that classmate dated 2099, and wrote themselves an instructor rating. Here the hub runs
deploy/jupyterhub/jupyterhub_config.py with its hand-in service on a throwaway PostgreSQL, and
each test acts as a learner would from their server: with the JupyterHub token the hub gives
that server (a token of the same user with the same access to the service), by HTTP. No user
server is spawned here (tests/test_jupyterhub.py does that in Chromium).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from seci_lab.classroom.arrival import score_submission
from seci_lab.classroom.handin_client import HandInService, ServiceRefused
from seci_lab.env import CLASS_DB_ENV, HANDIN_SERVICE_ENV, HUB_USER_VARIABLE
from seci_lab.server.handin_service import MAX_BODY_BYTES
from seci_lab.store.classroom import ClassStore
from seci_lab.store.progress import open_progress
from seci_lab.store.scores import RubricScores

from class_generator import synthetic_class
from hub_testing import INSTRUCTOR, class_database, running_hub

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_url, configurable_http_proxy):
    root = tmp_path_factory.mktemp("hub-service")
    with running_hub(root, class_database(pg_url, "seci_handin_service"), configurable_http_proxy) as running:
        try:
            yield running
        except Exception:
            print(f"The hub's log (end):\n{running.server.output()[-8000:]}")
            raise


@pytest.fixture(scope="module")
def tokens(hub):
    return {name: hub.user_token(name) for name in ("ann", "ben", INSTRUCTOR)}


def _hand_in_data(learner_id: str, seed: int) -> dict:
    """A synthetic learner's hand-in that holds exercise texts the rubric scores."""
    data = next(d for d in synthetic_class(12, seed=seed) if score_submission(d))
    data["learner"]["id"] = learner_id
    return data


def _request(hub, token: str | None, method: str, path: str, body: bytes | None = None,
             content_type: str = "application/json") -> tuple[int, dict]:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"token {token}"
    request = urllib.request.Request(hub.service_url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw.decode(errors="replace")}


def _stored(hub):
    store = ClassStore(hub.class_store)
    try:
        return store.rows()
    finally:
        store.engine.dispose()


def _wait_for_scores(hub, data: dict, timeout: float = 120) -> dict:
    """The scores the service kept for ``data``'s texts, once it scored them all."""
    wanted = score_submission(data)
    scores = RubricScores(hub.class_store)
    try:
        deadline = time.monotonic() + timeout
        while True:
            found = scores.get_many(wanted)
            if len(found) == len(wanted) or time.monotonic() > deadline:
                return found
            time.sleep(0.5)
    finally:
        scores.close()


def test_a_learner_hands_in_as_the_hub_user_at_the_services_time_and_is_scored_on_arrival(hub, tokens):
    data = _hand_in_data("ann", seed=31)
    data["handed_in_at"] = "2026-01-01T00:00:00+00:00"  # the sender's clock says so; it does not count
    for record in data["answers"].values():  # claims the rubric never made
        if isinstance(record, dict) and "quality" in record:
            record["quality"] = 1.0
    before = time.time()
    receipt = HandInService(hub.service_url, tokens["ann"]).hand_in(data)
    assert receipt.learner_id == "ann" and not receipt.stored_again
    assert before - 5 <= receipt.handed_in_at.timestamp() <= time.time() + 5
    assert HandInService(hub.service_url, tokens["ann"]).hand_in(data).stored_again  # a double click: once
    rows = [r for r in _stored(hub) if r["submission_id"] == data["submission_id"]]
    assert len(rows) == 1 and rows[0]["uploader"] == "ann"
    # scored by the service, in its worker pool, as the dashboard would score it
    wanted = score_submission(data)
    assert wanted and _wait_for_scores(hub, data) == wanted
    # the instructor's class: ann's hand-in at the service's time, her texts with the rubric's scores
    loaded, scores = HandInService(hub.service_url, tokens[INSTRUCTOR]).load()
    ann = next(s for s in loaded.submissions if s.learner_id == "ann")
    assert abs(ann.handed_in_at.timestamp() - receipt.handed_in_at.timestamp()) <= 1
    assert scores.get_many(wanted) == wanted
    mine = HandInService(hub.service_url, tokens["ann"]).mine()
    assert mine["submission_id"] == data["submission_id"]


def test_a_hand_in_under_a_classmates_id_is_refused_and_nothing_is_stored(hub, tokens):
    forged = _hand_in_data("ben", seed=32)
    forged["handed_in_at"] = "2099-01-01T00:00:00+00:00"
    with pytest.raises(ServiceRefused, match="signed in as ann") as refused:
        HandInService(hub.service_url, tokens["ann"]).hand_in(forged)
    assert refused.value.status == 403
    for spelling in ("BEN", " ben "):  # the same learner key, however it is written
        forged["learner"]["id"] = spelling
        with pytest.raises(ServiceRefused, match="signed in as ann"):
            HandInService(hub.service_url, tokens["ann"]).hand_in(forged)
    assert all(r["submission_id"] != forged["submission_id"] for r in _stored(hub))
    assert all(r["uploader"] == r["learner_id"] for r in _stored(hub))
    # a classmate's hand-in id (the idempotency key) is not "stored already" for ann
    ben = _hand_in_data("ben", seed=35)
    HandInService(hub.service_url, tokens["ben"]).hand_in(ben)
    ben["learner"]["id"] = "ann"
    with pytest.raises(ServiceRefused, match="belongs to another hand-in"):
        HandInService(hub.service_url, tokens["ann"]).hand_in(ben)
    assert [r["uploader"] for r in _stored(hub) if r["submission_id"] == ben["submission_id"]] == ["ben"]


def test_a_learner_cannot_read_the_class_nor_a_classmates_hand_in(hub, tokens):
    HandInService(hub.service_url, tokens["ben"]).hand_in(_hand_in_data("ben", seed=33))
    for path in ("api/class", "api/ratings"):
        status, answer = _request(hub, tokens["ann"], "GET", path)
        assert status == 403 and "instructors" in answer["error"], (path, answer)
    # what a learner may read is theirs: ann's latest is not ben's
    ben_latest = HandInService(hub.service_url, tokens["ben"]).mine()
    assert HandInService(hub.service_url, tokens["ann"]).mine()["submission_id"] != ben_latest["submission_id"]
    status, answer = _request(hub, tokens["ann"], "GET", "api/handins/ben")
    assert status == 404


def test_only_an_instructor_writes_a_rating_and_a_learner_reads_only_their_own(hub, tokens):
    ann = HandInService(hub.service_url, tokens["ann"])
    with pytest.raises(ServiceRefused, match="instructors") as refused:
        ann.rate("ann", "E.metaphor", 1.0)
    assert refused.value.status == 403
    assert "E.metaphor" not in ann.my_ratings()
    teacher = HandInService(hub.service_url, tokens[INSTRUCTOR])
    teacher.rate("ann", "E.metaphor", 0.35)
    teacher.rate("ben", "E.metaphor", 0.9)
    assert ann.my_ratings()["E.metaphor"] == pytest.approx(0.35)
    assert HandInService(hub.service_url, tokens["ben"]).my_ratings()["E.metaphor"] == pytest.approx(0.9)
    assert teacher.all()["ann"]["E.metaphor"] == pytest.approx(0.35)
    with pytest.raises(ServiceRefused, match="between 0 and 1|0 to 1"):
        teacher.rate("ann", "E.metaphor", 7)


def test_requests_without_a_hub_token_or_access_to_the_service_are_refused(hub, tokens):
    data = json.dumps(_hand_in_data("ann", seed=34)).encode()
    assert _request(hub, None, "POST", "api/handins", data)[0] == 401
    assert _request(hub, "not-a-token", "POST", "api/handins", data)[0] == 401
    # a token of ann's that may not reach the service (e.g. only reads her own model)
    narrow = hub.api("POST", "users/ann/tokens", {"scopes": ["read:users:name!user=ann"], "expires_in": 600})["token"]
    status, answer = _request(hub, narrow, "POST", "api/handins", data)
    assert status == 403 and "may not use" in answer["error"]
    assert all(r["submission_id"] != json.loads(data)["submission_id"] for r in _stored(hub))


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    (b"x" * (MAX_BODY_BYTES + 1), "application/json", 413, "too large"),
    (b"{not json", "application/json", 400, "not valid JSON"),
    (b'{"a": "\\ud800"}', "application/json", 400, "not valid JSON"),
    (b"[1, 2]", "application/json", 400, "JSON object"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "nested too deeply"),
    (b"{}", "text/plain", 415, "Send JSON"),
    (b'{"schema": "seci-lab/submission", "version": 1, "learner": {"id": "ann"}}', "application/json", 400, ""),
])
def test_bodies_are_capped_and_checked_in_python(hub, tokens, body, content_type, status, message):
    before = len(_stored(hub))
    got, answer = _request(hub, tokens["ann"], "POST", "api/handins", body, content_type)
    assert got == status and message in answer.get("error", "") and answer.get("error"), answer
    assert len(_stored(hub)) == before


def test_the_hand_in_form_and_the_dashboard_use_the_service_on_the_hub(hub, tokens, tmp_path, monkeypatch):
    from seci_lab.ui.handin import HandIn
    from seci_lab.model.contributions import INSTRUCTOR as INSTRUCTOR_SOURCE
    from seci_lab.ui.instructor import InstructorPage
    from seci_lab.ui.lessons import instructor_ratings_in

    monkeypatch.delenv(CLASS_DB_ENV, raising=False)
    monkeypatch.setenv(HANDIN_SERVICE_ENV, hub.service_url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", tokens["ben"])
    monkeypatch.setenv(HUB_USER_VARIABLE, "ben")
    progress = open_progress(url=f"sqlite:///{tmp_path / 'ben.db'}")
    progress.save_answer("E.metaphor", {"mode": "E", "label": "1. Metaphor",
                                        "text": "Kneading dough is like folding a letter many times over."})
    form = HandIn(progress)
    assert form.learner_id.value == "ben" and form.learner_id.disabled and form.store_url is None
    form.name.value = "Ben Learner"
    form.learner_id.value = "ann"  # a forged widget message
    form._on_hand_in()
    assert "signed in as ben" in form.message.value
    form.learner_id.value = "ben"
    form._on_hand_in()
    assert "as ben:" in form.message.value, form.message.value
    latest = HandInService(hub.service_url, tokens["ben"]).mine()
    assert latest["submission_id"] == progress.answer("handin:identity")["submission_id"]

    # the instructor's dashboard: the service is the source; the class loads with ann and ben
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", tokens[INSTRUCTOR])
    monkeypatch.setenv(HUB_USER_VARIABLE, INSTRUCTOR)
    page = InstructorPage()
    assert page.source.value == "service"
    page.load_button.click()
    assert page.message.kind == "ok", page.message.text
    assert {"ann", "ben"} <= set(page.data.learners["learner_id"])
    rated = next(iter(page.data.rateable("ben")["key"]))
    page.rate("ben", rated, 0.5)
    assert page.message.kind == "ok", page.message.text

    # ben's next lesson brings the rating in, from the service
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", tokens["ben"])
    assert instructor_ratings_in(progress) >= 1
    assert progress.ratings(INSTRUCTOR_SOURCE)[rated] == pytest.approx(0.5)

    # a learner's server offers the service too, and the service refuses to give it the class
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", tokens["ann"])
    page = InstructorPage(key="")
    page.load_button.click()
    assert page.message.kind == "error" and "instructors" in page.message.text


def test_a_hand_in_form_whose_service_is_down_says_so_and_offers_the_file(tmp_path, monkeypatch):
    from seci_lab.ui.handin import HandIn
    from voila_testing import free_port

    monkeypatch.delenv(CLASS_DB_ENV, raising=False)
    monkeypatch.setenv(HANDIN_SERVICE_ENV, f"http://127.0.0.1:{free_port()}/services/seci-handin/")  # nobody there
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "a-token")
    monkeypatch.setenv(HUB_USER_VARIABLE, "ann")
    progress = open_progress(url=f"sqlite:///{tmp_path / 'ann.db'}")
    progress.save_answer("E.metaphor", {"mode": "E", "label": "1. Metaphor", "text": "Learning is like a hike."})
    form = HandIn(progress)
    assert form.download.layout.display == "none"
    form.name.value = "Ann"
    form._on_hand_in()
    assert form.message.kind == "error" and "cannot be reached" in form.message.value
    assert form.download.layout.display is None  # the file instead; the work stays saved
    assert progress.answer("E.metaphor")["text"] == "Learning is like a hike."


def test_a_restarted_service_scores_the_hand_ins_it_had_not_scored(tmp_path):
    import asyncio

    from seci_lab.server.handin_service import HandInSite

    url = f"sqlite:///{tmp_path / 'class.db'}"
    ann, ben = _hand_in_data("ann", seed=36), _hand_in_data("ben", seed=37)
    site = HandInSite(url)
    try:
        site.store.hand_in(ann, "ann")  # stored, then the service stopped before scoring
        site.store.hand_in(ben, "ben")
        site.scores.put_many(score_submission(ben))  # ben's were scored
        assert asyncio.run(site.score_unscored()) == 1
        assert site.scores.get_many(score_submission(ann)) == score_submission(ann)
        assert asyncio.run(site.score_unscored()) == 0
    finally:
        site.close()
