"""What ``seci-lab serve`` decides before Voila starts: the settings, the served folder, and
Voila's command line with every safety setting explicit: sources stripped, no template or
theme override from the query string, idle kernels culled, loopback only unless ``--host``
says otherwise (and then with a token), and a template that makes no third-party request."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..env import DB_ENV
from .errors import UserError
from .network import DEFAULT_HOST, DEFAULT_PORT, is_wildcard, reachable_hosts, url_host
from .tokens import given_token, resolve_token

__all__ = [
    "DEFAULT_CONCURRENT_STARTS",
    "DEFAULT_CULL_IDLE_TIMEOUT",
    "NOTEBOOK_METADATA_KEY",
    "PLOTLY_BUNDLE_PATH",
    "PLOTLY_PAGE_EXTENSION",
    "ServeConfig",
    "check_notebooks_dir",
    "needs_plotly_page_extension",
    "config_from_args",
    "default_notebooks_dir",
    "package_dir",
    "page_settings",
    "voila_argv",
]

WELCOME = "00_welcome.ipynb"
TEMPLATE = "seci"
# A page that closes normally stops its kernel (see seci_lab.server.app); one that vanishes
# (crash, lost network, a phone asleep) leaves it running, about 125 MiB each. Only kernels
# with no open page are culled (cull_connected=False), so a learner reading slowly keeps
# theirs; 10 minutes lets a phone that slept reconnect.
DEFAULT_CULL_IDLE_TIMEOUT = 600
# A page's kernel start and notebook run cost about two CPU seconds. When a whole room opens
# the join address in the same second, starting every kernel at once makes all of them slow
# and, on a small laptop, some pages never connect (bench/bench_workshop_pages.py). So only this
# many pages are built at once; the others wait in line, their connection kept alive.
DEFAULT_CONCURRENT_STARTS = max(2, os.cpu_count() or 2)
IOPUB_TIMEOUT_S = 60
#: Where the server serves plotly's widget bundle (relative to its base URL), for its kernels'
#: figures to load it once per page (seci_lab.ui.plotly_widget); the file keeps plotly's name.
PLOTLY_BUNDLE_PATH = "seci-lab/plotly/widgetbundle.js"
#: plotly's JupyterLab extension: it renders plain ``go.Figure`` outputs and fetches its own copy
#: of plotly.js (4.8 MB) on every page it is enabled on, whether the page shows a figure or not.
PLOTLY_PAGE_EXTENSION = "jupyterlab-plotly"
#: A notebook's metadata ``{"seci_lab": {"plotly_page_extension": false}}`` says it displays no
#: plain Plotly figure (its figures are FigureWidgets), so its page can do without that extension.
NOTEBOOK_METADATA_KEY = "seci_lab"
# Files that must never sit in a served folder (databases and exports live outside).
FORBIDDEN_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db-wal", ".db-shm", ".db-journal")


def package_dir() -> Path:
    """The installed ``seci_lab`` package directory (also a Jupyter data dir for our template)."""
    return Path(str(resources.files("seci_lab")))


def default_notebooks_dir() -> Path:
    """The lessons and dashboards shipped with the package."""
    return package_dir() / "notebooks"


@dataclass
class ServeConfig:
    """Everything ``seci-lab serve`` decides before Voila starts."""

    notebooks: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str = ""
    open_browser: bool = True
    cull_idle_timeout: int = DEFAULT_CULL_IDLE_TIMEOUT
    preheat: bool = False
    concurrent_starts: int = DEFAULT_CONCURRENT_STARTS
    #: Host names the server answers to besides loopback, the LAN address and this computer's
    #: name (``--allow-host``; e.g. the name a reverse proxy passes on).
    allow_hosts: tuple[str, ...] = ()

    @property
    def front_door(self) -> str:
        """Path of the first page: the welcome notebook, or the file list without one."""
        if (self.notebooks / WELCOME).is_file():
            return f"/voila/render/{WELCOME}"
        return "/voila/tree"

    def urls(self) -> list[str]:
        """The addresses to print, each with the token when there is one."""
        query = f"?token={self.token}" if self.token else ""
        return [f"http://{url_host(h)}:{self.port}{self.front_door}{query}" for h in reachable_hosts(self.host)]

    def local_url(self) -> str:
        """The address a browser on this computer opens."""
        host = "127.0.0.1" if is_wildcard(self.host) else self.host
        query = f"?token={self.token}" if self.token else ""
        return f"http://{url_host(host)}:{self.port}{self.front_door}{query}"


def page_settings(cull_idle_timeout: int = DEFAULT_CULL_IDLE_TIMEOUT) -> list[str]:
    """The Voila and kernel settings (traitlets command-line options) of every seci-lab server:
    ``seci-lab serve``, and the Jupyter servers of a JupyterHub, where Voila runs as an extension
    (deploy/jupyterhub). Sources stripped, no tracebacks, our template with no override from the
    query string, and kernels with no open page culled after ``cull_idle_timeout`` seconds."""
    cull_interval = max(1, min(60, cull_idle_timeout // 2))
    return [
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        # nbclient waits 4 s for a cell's output after the kernel's reply, then drops it: on a
        # busy laptop (a room joining at once) the page came without its widgets and never
        # became interactive (bench/bench_workshop_pages.py). It stops waiting at the kernel's
        # idle message anyway, so a longer wait costs nothing when all is well.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
    ]


def voila_argv(config: ServeConfig) -> list[str]:
    """The Voila command line (traitlets) for ``config``; every safety setting is explicit."""
    argv = [
        str(config.notebooks),
        "--no-browser",  # we open the welcome page ourselves (with the token)
        f"--Voila.ip={config.host}",
        f"--Voila.port={config.port}",
        "--Voila.port_retries=0",  # never move silently to another port than the one printed
        f"--Voila.token={config.token}",
        *page_settings(config.cull_idle_timeout),
    ]
    # Only the user's Jupyter config, never a voila.json in whatever directory we run from.
    argv += [f"--Voila.config_file_paths={path}" for path in _jupyter_config_paths()]
    if config.preheat:
        # One pre-executed kernel per notebook waits for the next visitor.
        argv += ["--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1"]
    return argv


def _jupyter_config_paths() -> list[str]:
    from jupyter_core.paths import jupyter_config_path

    return list(jupyter_config_path())


def needs_plotly_page_extension(notebook: Path) -> bool:
    """Whether the page of ``notebook`` needs plotly's JupyterLab extension: yes, unless its
    metadata says otherwise (:data:`NOTEBOOK_METADATA_KEY`). A file that cannot be read keeps it."""
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return True
    ours = metadata.get(NOTEBOOK_METADATA_KEY) if isinstance(metadata, dict) else None
    return not (isinstance(ours, dict) and ours.get("plotly_page_extension") is False)


def check_notebooks_dir(path: Path) -> Path:
    """``path`` resolved, once it is a folder of notebooks that is safe to serve (raises
    :class:`UserError`: missing, no notebooks, database files in it or set to go in it)."""
    path = path.expanduser().resolve()
    if not path.is_dir():
        raise UserError(f"Notebook folder not found: {path}. Give an existing folder with --notebooks.")
    notebooks = sorted(p.name for p in path.glob("*.ipynb"))
    if not notebooks:
        raise UserError(f"No notebooks (*.ipynb) in {path}. Give the folder of the lessons with --notebooks.")
    forbidden = sorted(
        str(p.relative_to(path)) for p in path.rglob("*") if p.name.lower().endswith(FORBIDDEN_SUFFIXES)
    )
    if forbidden:
        raise UserError(
            f"Refusing to serve {path}: it holds database files ({', '.join(forbidden[:5])}). "
            "Anyone who can open a page could run a notebook next to them; move them out of the served folder."
        )
    database = os.environ.get(DB_ENV, "").strip()
    if database and "://" not in database:
        db_path = Path(database).expanduser().resolve()
        if db_path.is_relative_to(path):
            raise UserError(
                f"{DB_ENV}={database} puts the learner database inside the served folder {path}. "
                "Point it to a folder outside (or unset it to use the per-user data folder)."
            )
    return path


def config_from_args(args: argparse.Namespace) -> ServeConfig:
    """Validate the parsed ``serve`` options into a :class:`ServeConfig` (raises :class:`UserError`)."""
    notebooks = check_notebooks_dir(args.notebooks or default_notebooks_dir())
    token = resolve_token(args.host, given_token(args.token, args.token_file))
    return ServeConfig(
        notebooks=notebooks,
        host=args.host,
        port=args.port,
        token=token,
        open_browser=not args.no_browser,
        cull_idle_timeout=args.cull_idle_timeout,
        preheat=args.preheat,
        concurrent_starts=args.concurrent_starts,
        allow_hosts=tuple(args.allow_host or ()),
    )
