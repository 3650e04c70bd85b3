"""The client of the class's hand-in service on JupyterHub (:mod:`seci_lab.server.handin_service`).

On the JupyterHub recipe (``deploy/jupyterhub``) a learner's server has no database: the hub sets
``$SECI_LAB_HANDIN_SERVICE`` (the service's address) and ``$JUPYTERHUB_API_TOKEN`` (the server's
token, which the hub lets reach the service) in its environment. The page's kernel sends a
hand-in to the service with that token; the service asks the hub whose token it is, so the
learner id, the time and the scores are the service's, never the sender's. The instructor's
dashboard loads the class and writes ratings the same way, and the service serves those only to
members of the hub's ``instructors`` group.

Refusals come back as :class:`ServiceRefused` with the service's message (a hand-in under
another id, a learner asking for the class); a service that cannot be reached raises
``OSError``, so the page can offer the hand-in file instead.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import datetime
from typing import Callable

from ..env import HANDIN_SERVICE_ENV
from ..model.submission import ClassLoad, SubmissionError
from ..store.classroom import HandInReceipt, load_rows
from .arrival import KeptScores

__all__ = ["HandInService", "ServiceRefused", "TOKEN_VARIABLE", "service_url"]

#: The server's JupyterHub token (set by the hub for every single-user server and its kernels).
TOKEN_VARIABLE = "JUPYTERHUB_API_TOKEN"
TIMEOUT_S = 60.0


def service_url() -> str | None:
    """``$SECI_LAB_HANDIN_SERVICE`` (ending in "/"), or None when this server has no hand-in service."""
    value = os.environ.get(HANDIN_SERVICE_ENV, "").strip()
    if not value:
        return None
    return value if value.endswith("/") else value + "/"


class ServiceRefused(SubmissionError):
    """The service answered, and said no (its message says why; ``status`` is the HTTP status)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class HandInService:
    """Calls to the hand-in service as the user whose JupyterHub token this server holds.

    Parameters
    ----------
    url : str, optional
        The service's address; default :func:`service_url`.
    token : str, optional
        A JupyterHub API token; default ``$JUPYTERHUB_API_TOKEN``.

    Raises
    ------
    ValueError
        When there is no service address or no token.
    """

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = TIMEOUT_S):
        self.url = url or service_url()
        self.token = token if token is not None else os.environ.get(TOKEN_VARIABLE, "")
        if not self.url or not self.token:
            raise ValueError("This server has no hand-in service (or no JupyterHub token to reach it).")
        self.url = self.url if self.url.endswith("/") else self.url + "/"
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise OSError(f"the hand-in service failed (HTTP {error.code})") from None
            try:
                message = json.loads(error.read()).get("error") or error.reason
            except (ValueError, AttributeError, OSError):
                message = str(error.reason)
            raise ServiceRefused(str(message), error.code) from None

    # --- a learner's calls --------------------------------------------------------------------

    def hand_in(self, data: dict) -> HandInReceipt:
        """Send a hand-in (see ``docs/submission-format.md``); the service records it under the
        signed-in user at its own time. Raises :class:`ServiceRefused` or ``OSError``."""
        answer = self._call("POST", "api/handins", data)
        return HandInReceipt(submission_id=answer["submission_id"], learner_id=answer["learner_id"],
                             handed_in_at=datetime.fromisoformat(answer["handed_in_at"]),
                             stored_again=bool(answer["stored_again"]))

    def mine(self) -> dict | None:
        """The signed-in user's latest hand-in (``submission_id``, ``handed_in_at``), or None."""
        return self._call("GET", "api/handins/mine").get("latest")

    def my_ratings(self) -> dict[str, float]:
        """The instructor's ratings of the signed-in user's work, by key."""
        ratings = self._call("GET", "api/ratings/mine").get("ratings", {})
        return {str(k): float(v) for k, v in ratings.items()}

    # --- an instructor's calls ----------------------------------------------------------------

    def load(self, progress: Callable[[int, int], None] | None = None) -> tuple[ClassLoad, KeptScores]:
        """The class (as :meth:`seci_lab.store.classroom.ClassStore.load` gives it) and the rubric
        scores the service computed when each hand-in arrived."""
        payload = self._call("GET", "api/class")
        scores = KeptScores(payload.get("rubric_version", ""), payload.get("scores", []))
        return load_rows(payload.get("handins", []), progress), scores

    def all(self) -> dict[str, dict[str, float]]:
        """Every rating: learner key -> key -> quality (as :meth:`InstructorRatings.all`)."""
        return {str(who): {str(k): float(q) for k, q in keyed.items()}
                for who, keyed in self._call("GET", "api/ratings").get("ratings", {}).items()}

    def rate(self, learner_id: str, key: str, quality: float | None) -> None:
        """Set (or with ``None`` clear) a rating (as :meth:`InstructorRatings.rate`)."""
        self._call("PUT", "api/ratings", {"learner_id": learner_id, "key": key, "quality": quality})

    def close(self) -> None:
        """Nothing to release (one connection per call)."""
