"""The names of every environment variable seci-lab reads, defined once.

Code reads them through these constants, never by spelling a name out. The module imports
nothing, so every layer may use it: the store and the pages read these variables in the
kernels, the server sets some of them for the kernels it starts.
"""

from __future__ import annotations

__all__ = [
    "CLASS_DB_ENV",
    "CLASS_DIR_ENV",
    "COURSE_ENV",
    "DB_ENV",
    "FACILITATOR_KEY_ENV",
    "HANDIN_SERVICE_ENV",
    "HUB_USER_VARIABLE",
    "INSTRUCTOR_KEY_ENV",
    "JOIN_CODE_ENV",
    "JOIN_URL_ENV",
    "OFF_LOOPBACK_ENV",
    "NAMES",
    "PLOTLY_BUNDLE_ENV",
    "ROOM_TOKEN_ENV",
    "SERVER_HOSTS_ENV",
    "TOKEN_ENV",
    "TRUSTED_PROXIES_ENV",
]

#: Where the learner and workshop database lives: a SQLAlchemy URL or a file path (the store;
#: ``seci-lab workshop`` sets it for both dashboards' kernels).
DB_ENV = "SECI_LAB_DB"
#: The class store that hand-ins go to: a SQLAlchemy URL or a file path.
CLASS_DB_ENV = "SECI_LAB_CLASS_DB"
#: A folder of hand-in files on the server, offered by the instructor dashboard.
CLASS_DIR_ENV = "SECI_LAB_CLASS_DIR"
#: The course name written into every hand-in.
COURSE_ENV = "SECI_LAB_COURSE"
#: The key the instructor dashboard asks for before it loads anything.
INSTRUCTOR_KEY_ENV = "SECI_LAB_INSTRUCTOR_KEY"
#: A workshop session's facilitator key: given only to the facilitator dashboard's kernels,
#: and read by ``seci-lab workshop --resume`` (safer than ``--key`` on the command line).
FACILITATOR_KEY_ENV = "SECI_LAB_FACILITATOR_KEY"
#: The workshop session's join code, for the facilitator dashboard.
JOIN_CODE_ENV = "SECI_LAB_JOIN_CODE"
#: The participants' join address, drawn as a QR code on the facilitator dashboard.
JOIN_URL_ENV = "SECI_LAB_JOIN_URL"

#: The access token of one workshop dashboard server, handed to its process in the environment
#: (a command line can be read by every user of the computer).
ROOM_TOKEN_ENV = "SECI_LAB_ROOM_TOKEN"
#: The access token a person gives ``seci-lab serve`` or ``seci-lab workshop`` (instead of
#: ``--token``, which every user of the computer can read on the command line; or ``--token-file``).
TOKEN_ENV = "SECI_LAB_TOKEN"
#: Extra host names a workshop dashboard server answers to (comma-separated; ``--allow-host``).
SERVER_HOSTS_ENV = "SECI_LAB_SERVER_HOSTS"
#: Reverse proxies whose X-Forwarded-For / X-Real-IP a workshop participant server believes
#: (comma-separated addresses or networks; ``--trusted-proxy``).
TRUSTED_PROXIES_ENV = "SECI_LAB_TRUSTED_PROXIES"
#: Set to "1" by ``seci-lab serve`` (and the workshop's dashboards) for the kernels it starts when
#: the server listens beyond this computer (not loopback): the instructor dashboard then opens
#: only with an instructor key.
OFF_LOOPBACK_ENV = "SECI_LAB_OFF_LOOPBACK"

#: Set by ``seci-lab serve`` (and the workshop's dashboards) for the kernels it starts: the path,
#: relative to the server's base URL, where the server serves plotly's widget bundle. A
#: FigureWidget then loads plotly.js from there, once per page, instead of carrying its own
#: 5 MB copy over the websocket (seci_lab.ui.plotly_widget).
PLOTLY_BUNDLE_ENV = "SECI_LAB_PLOTLY_BUNDLE"

#: The address of the class's hand-in service (``seci_lab.server.handin_service``), set by the
#: JupyterHub recipe for every learner's and instructor's server: Hand in and the instructor
#: dashboard then talk to it, signed in with the server's JupyterHub token, and need no database.
HANDIN_SERVICE_ENV = "SECI_LAB_HANDIN_SERVICE"

#: The user JupyterHub signed in, set by the hub in each single-user server's environment (not a
#: seci-lab name, so not in NAMES): the only learner id a hand-in to the class store may carry.
HUB_USER_VARIABLE = "JUPYTERHUB_USER"

#: Every name above.
NAMES = (DB_ENV, CLASS_DB_ENV, CLASS_DIR_ENV, COURSE_ENV, INSTRUCTOR_KEY_ENV, FACILITATOR_KEY_ENV, JOIN_CODE_ENV,
         JOIN_URL_ENV, HANDIN_SERVICE_ENV, ROOM_TOKEN_ENV, TOKEN_ENV, SERVER_HOSTS_ENV, TRUSTED_PROXIES_ENV, OFF_LOOPBACK_ENV, PLOTLY_BUNDLE_ENV)
