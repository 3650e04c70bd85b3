"""JupyterHub for a seci-lab class: each learner signs in, gets their own Jupyter server that
opens on the welcome page under Voila, and hands in to the class's hand-in service, the only
holder of the PostgreSQL class store.

Run on a machine where seci-lab is installed with the PostgreSQL driver
(``pip install "seci-lab[jupyterhub]"``, and ``npm ci`` in this folder for
configurable-http-proxy; see README.md beside this file)::

    export SECI_LAB_CLASS_DB='postgresql+psycopg://seci:PASSWORD@db.example.org/seci_class'
    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

What this file decides, and why:

- The hub starts the hand-in service ``seci-handin`` (``seci_lab.server.handin_service``, the
  pattern ngshare uses for nbgrader) and gives ``SECI_LAB_CLASS_DB`` to it alone: no learner's
  server, kernel or terminal holds the database's address or password. A hand-in is an HTTP
  request from the learner's page to the service, signed with the server's JupyterHub token;
  the service asks the hub whose token it is and stores the hand-in under that user, at its
  own time, with its own rubric scores (computed at arrival in a worker pool).
- Every user may reach the service (the ``user`` role gains ``access:services!service=seci-handin``)
  and each server's token may too (``Spawner.server_token_scopes``); the service serves the
  class, the ratings and rating writes only to members of the hub group ``instructors``, who
  open the instructor dashboard in their own server
  (``/hub/user-redirect/voila/render/instructor.ipynb``). In every other server the dashboard
  stays shut: those servers are told they are reachable from other computers, and they have no
  instructor key.
- Learners' servers have the terminal turned off. Their kernels still run their own code (that
  is what a Jupyter server is for), but hold nothing that writes another learner's hand-in.
- Voila runs as an extension of each server with the settings of ``seci-lab serve`` (sources
  stripped, no tracebacks, the seci-lab template, idle kernels culled); the hub stops servers
  idle for an hour (jupyterhub-idle-culler).

Sign-in and spawner are your site's: the defaults below are JupyterHub's (system accounts through
PAM, one process per account). Replace them with your campus sign-in (an OAuthenticator, LTI)
and, for more than one machine, KubeSpawner (Zero to JupyterHub: see README.md beside this file); then set
``HANDIN_SERVICE_URL`` below to an address the servers reach the hub's machine at.
"""

import os
import sys

from seci_lab.env import CLASS_DB_ENV, COURSE_ENV, HANDIN_SERVICE_ENV, OFF_LOOPBACK_ENV
from seci_lab.server.config import WELCOME, default_notebooks_dir, package_dir, page_settings
from seci_lab.server.handin_service import INSTRUCTORS_GROUP, SERVICE_NAME

c = get_config()  # noqa: F821 - defined by JupyterHub when it loads this file

#: The JupyterHub group whose members see the instructor dashboard (add members in the hub's
#: admin page, or list them here).
INSTRUCTORS = INSTRUCTORS_GROUP
c.JupyterHub.load_groups = {INSTRUCTORS: {"users": []}}

#: Servers (and their kernels) idle this long are stopped by the hub; work is saved as it is typed.
IDLE_SERVER_SECONDS = 3600
#: Where the hand-in service listens (the hub's proxy also routes /services/seci-handin/ to it);
#: servers on other machines (KubeSpawner) need an address of the hub's machine they can reach.
HANDIN_SERVICE_URL = "http://127.0.0.1:10101"
#: Processes scoring hand-ins as they arrive (each about 150 MiB).
HANDIN_WORKERS = 2
#: Voila kernels whose page vanished (a closed laptop) stop after this many seconds.
IDLE_KERNEL_SECONDS = 600

class_store = os.environ.get(CLASS_DB_ENV, "").strip()
if not class_store:
    sys.exit(f"Set {CLASS_DB_ENV} in the hub's environment to the class store's database URL, e.g. "
             "postgresql+psycopg://seci:PASSWORD@db.example.org/seci_class")


def _is_instructor(spawner) -> bool:
    return any(group.name == INSTRUCTORS for group in spawner.user.groups)


def handin_service_address(url: str = HANDIN_SERVICE_URL) -> str:
    """The service's address as a learner's server calls it (its url and its prefix)."""
    return f"{url.rstrip('/')}/services/{SERVICE_NAME}/"


c.Spawner.environment = {
    # No class store here: Hand in and the instructor dashboard talk to the hand-in service.
    HANDIN_SERVICE_ENV: handin_service_address(),
    # Voila finds the seci-lab page template through the Jupyter data path.
    "JUPYTER_PATH": str(package_dir()),
    # A learner's server is reached through the hub from anywhere: its instructor dashboard needs
    # a key, and none is set, so it stays shut. An instructor's server is theirs alone.
    OFF_LOOPBACK_ENV: lambda spawner: "" if _is_instructor(spawner) else "1",
}
if os.environ.get(COURSE_ENV):
    c.Spawner.environment[COURSE_ENV] = os.environ[COURSE_ENV]

c.Spawner.notebook_dir = str(default_notebooks_dir())
c.Spawner.default_url = f"/voila/render/{WELCOME}"
# No terminal in anyone's server: the hand-in service, not the server, is where the class lives.
c.Spawner.args = [*page_settings(IDLE_KERNEL_SECONDS), "--ServerApp.terminals_enabled=False"]
# Each server's token ($JUPYTERHUB_API_TOKEN, which its kernels see) reaches the hand-in service
# as its user, besides what JupyterHub's default "server" role gives it.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                 f"access:services!service={SERVICE_NAME}"]
# A learner's own ~/.jupyter must not turn tracebacks or template overrides back on.
c.Spawner.disable_user_config = True
# About 315 MiB per learner with one page open (server and kernel); enforced by container spawners.
c.Spawner.mem_limit = "1G"

c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_SERVER_SECONDS}"],
}, {
    "name": SERVICE_NAME,
    "url": HANDIN_SERVICE_URL,
    "command": [sys.executable, "-m", "seci_lab.server.handin_service", f"--workers={HANDIN_WORKERS}"],
    # the class store's URL and password: the service's alone
    "environment": {CLASS_DB_ENV: class_store},
    "oauth_no_confirm": True,
    "display": False,
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}, {
    # JupyterHub's default "user" role, and the hand-in service
    "name": "user",
    "scopes": ["self", f"access:services!service={SERVICE_NAME}"],
}]
