"""JupyterHub for a seci-lab class: each learner signs in, gets their own Jupyter server that
opens on the welcome page under Voila, and hands in to one PostgreSQL class store.

Run on a machine where seci-lab is installed with the PostgreSQL driver
(``pip install "seci-lab[postgres]" jupyterhub jupyterhub-idle-culler``, and
``npm ci`` in this folder for configurable-http-proxy; see README.md beside this file)::

    export SECI_LAB_CLASS_DB='postgresql+psycopg://seci:PASSWORD@db.example.org/seci_class'
    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

What this file decides, and why:

- ``SECI_LAB_CLASS_DB`` is read from the hub's own environment (keep the password in your
  secret store, never in this file) and given to every learner's server, so **Hand in** writes
  to the class store. The hub also sets ``JUPYTERHUB_USER`` for each server: the class store
  records a hand-in under that user only, with the server's time, and refuses one that claims
  another learner's id. The page cannot change either variable.
- The members of the JupyterHub group ``instructors`` open the instructor dashboard in their own
  server (``/hub/user-redirect/voila/render/instructor.ipynb``). In every other server the
  dashboard stays shut: those servers are told they are reachable from other computers, and
  they have no instructor key.
- Voila runs as an extension of each server with the settings of ``seci-lab serve`` (sources
  stripped, no tracebacks, the seci-lab template, idle kernels culled); the hub stops servers
  idle for an hour (jupyterhub-idle-culler).

Sign-in and spawner are your site's: the defaults below are JupyterHub's (system accounts through
PAM, one process per account). Replace them with your campus sign-in (an OAuthenticator, LTI)
and, for more than one machine, KubeSpawner (Zero to JupyterHub: see the main README).
"""

import os
import sys

from seci_lab.env import CLASS_DB_ENV, COURSE_ENV, OFF_LOOPBACK_ENV
from seci_lab.server.config import WELCOME, default_notebooks_dir, package_dir, page_settings

c = get_config()  # noqa: F821 - defined by JupyterHub when it loads this file

#: The JupyterHub group whose members see the instructor dashboard (add members in the hub's
#: admin page, or list them here).
INSTRUCTORS = "instructors"
c.JupyterHub.load_groups = {INSTRUCTORS: {"users": []}}

#: Servers (and their kernels) idle this long are stopped by the hub; work is saved as it is typed.
IDLE_SERVER_SECONDS = 3600
#: Voila kernels whose page vanished (a closed laptop) stop after this many seconds.
IDLE_KERNEL_SECONDS = 600

class_store = os.environ.get(CLASS_DB_ENV, "").strip()
if not class_store:
    sys.exit(f"Set {CLASS_DB_ENV} in the hub's environment to the class store's database URL, e.g. "
             "postgresql+psycopg://seci:PASSWORD@db.example.org/seci_class")


def _is_instructor(spawner) -> bool:
    return any(group.name == INSTRUCTORS for group in spawner.user.groups)


c.Spawner.environment = {
    CLASS_DB_ENV: class_store,
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
c.Spawner.args = page_settings(IDLE_KERNEL_SECONDS)
# A learner's own ~/.jupyter must not turn tracebacks or template overrides back on.
c.Spawner.disable_user_config = True
# About 315 MiB per learner with one page open (server and kernel); enforced by container spawners.
c.Spawner.mem_limit = "1G"

c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_SERVER_SECONDS}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
