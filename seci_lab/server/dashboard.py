"""One dashboard's server: a child process of ``seci-lab workshop``.

``python -m seci_lab.server.dashboard FOLDER NOTEBOOK HOST PORT TOKEN CULL PREHEAT STARTS``
serves ``FOLDER`` (which holds only ``NOTEBOOK``) with ``seci-lab serve``'s settings, the
notebook itself as the front door.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .app import run_voila, setup_logging
from .config import ServeConfig, check_notebooks_dir

__all__ = ["DashboardConfig", "main"]


@dataclass
class DashboardConfig(ServeConfig):
    """``seci-lab serve``'s settings for a folder of one dashboard, whose page is the front door."""

    notebook: str = ""

    @property
    def front_door(self) -> str:
        return f"/voila/render/{self.notebook}"


def main(argv: list[str]) -> int:
    """Run one dashboard's Voila until it is stopped."""
    folder, notebook, host, port, token, cull, preheat, starts = argv
    config = DashboardConfig(notebooks=check_notebooks_dir(Path(folder)), host=host, port=int(port),
                             token=token, open_browser=False, cull_idle_timeout=int(cull),
                             preheat=preheat == "1", concurrent_starts=int(starts), notebook=notebook)
    setup_logging()
    run_voila(config)
    return 0


if __name__ == "__main__":  # started by seci_lab.server.workshop.run_workshop
    sys.exit(main(sys.argv[1:]))
