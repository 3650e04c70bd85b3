"""One dashboard's server: a child process of ``seci-lab workshop``.

``python -m seci_lab.server.dashboard FOLDER NOTEBOOK HOST PORT CULL PREHEAT STARTS PAGE LIFETIME``
serves ``FOLDER`` (which holds only ``NOTEBOOK``) with ``seci-lab serve``'s settings, the
notebook itself as the front door. With ``PAGE`` = ``1`` ``FOLDER`` is empty and ``NOTEBOOK``
unused: the server serves the participant page without a kernel (:mod:`.participant_api`)
over the store at ``$SECI_LAB_DB``, and participants' sessions end ``LIFETIME`` seconds after
they began (``0``: never).

Secrets come in the environment, never on this command line (which every user of the
computer can read): the server's access token in ``$SECI_LAB_ROOM_TOKEN``. Extra host names
the server answers to come in ``$SECI_LAB_SERVER_HOSTS``, the reverse proxies whose
``X-Forwarded-For`` it believes in ``$SECI_LAB_TRUSTED_PROXIES`` (both comma-separated); the
participant server learns the join address its room screen shows from ``$SECI_LAB_JOIN_URL``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..env import DB_ENV, JOIN_URL_ENV, ROOM_TOKEN_ENV, SERVER_HOSTS_ENV, TRUSTED_PROXIES_ENV
from .app import run_voila, setup_logging
from .config import ServeConfig, check_notebooks_dir
from .guard import TrustedProxies, host_allow_list

__all__ = ["DashboardConfig", "main"]


@dataclass
class DashboardConfig(ServeConfig):
    """``seci-lab serve``'s settings for a folder of one dashboard, whose page is the front door."""

    notebook: str = ""
    participant_page: bool = False

    @property
    def front_door(self) -> str:
        return "/" if self.participant_page else f"/voila/render/{self.notebook}"


def main(argv: list[str], environ=os.environ) -> int:
    """Run one dashboard's Voila until it is stopped."""
    folder, notebook, host, port, cull, preheat, starts, page, lifetime = argv
    token = environ.get(ROOM_TOKEN_ENV, "")
    # The participant page's folder holds no notebook (so Voila starts no kernel there).
    served = Path(folder).resolve() if page == "1" else check_notebooks_dir(Path(folder))
    config = DashboardConfig(notebooks=served, host=host, port=int(port),
                             token=token, open_browser=False, cull_idle_timeout=int(cull),
                             preheat=preheat == "1", concurrent_starts=int(starts), notebook=notebook,
                             participant_page=page == "1")
    hosts = host_allow_list(host, _names(environ.get(SERVER_HOSTS_ENV, "")))
    setup_logging()
    extra_handlers, limits = None, {}
    if config.participant_page:
        from ..store.workshop import WorkshopStore
        from .participant_api import SERVER_MAX_BODY_BYTES, ParticipantSite, participant_handlers

        site = ParticipantSite(store=WorkshopStore.open(environ.get(DB_ENV) or None), hosts=hosts,
                               room_token=token, session_lifetime_s=float(lifetime) or None,
                               trusted_proxies=TrustedProxies(_names(environ.get(TRUSTED_PROXIES_ENV, ""))),
                               join_url=environ.get(JOIN_URL_ENV, ""))
        limits = {"max_body_size": SERVER_MAX_BODY_BYTES, "trusted_proxies": site.trusted_proxies}

        def extra_handlers(base_url: str) -> list:
            return participant_handlers(site, base_url)

    run_voila(config, hosts=hosts, extra_handlers=extra_handlers, **limits)
    return 0


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


if __name__ == "__main__":  # started by seci_lab.server.workshop.run_workshop
    sys.exit(main(sys.argv[1:]))
