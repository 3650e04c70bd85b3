"""A throwaway PostgreSQL cluster for the tests and benchmarks: initdb + pg_ctl in a temp dir,
on a free port, as the ``postgres`` user when run as root (PostgreSQL refuses to run as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voila_testing import free_port

__all__ = ["PostgresCluster", "PostgresUnavailable", "start_postgres"]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries, no way to run them, or the cluster did not start."""


@dataclass
class PostgresCluster:
    url: str  # postgresql+psycopg://seci@127.0.0.1:PORT/postgres
    base: Path
    _stop: list[str]

    def database(self, name: str) -> str:
        """The URL of a new, empty database ``name`` (dropped first if it exists)."""
        import psycopg

        with psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        subprocess.run(self._stop, capture_output=True, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def start_postgres() -> PostgresCluster:
    """Start a cluster; raises :class:`PostgresUnavailable` saying why it cannot."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise PostgresUnavailable("PostgreSQL server binaries not found: run scripts/ensure-postgres.sh or "
                                  "apt-get install postgresql")
    prefix: list[str] = []
    as_root = os.geteuid() == 0
    if as_root:
        runuser = shutil.which("runuser")
        try:
            import pwd

            account = pwd.getpwnam("postgres")
        except KeyError:
            account = None
        if not runuser or account is None:
            raise PostgresUnavailable("running as root without a 'postgres' account or runuser to start PostgreSQL")
        prefix = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="seci-lab-pg-"))
    data = base / "data"
    if as_root:
        os.chown(base, account.pw_uid, account.pw_gid)
    port = free_port()
    log = base / "server.log"
    try:
        subprocess.run(
            prefix + [initdb, "-D", str(data), "-U", "seci", "-A", "trust", "-E", "UTF8", "--no-locale"],
            check=True, capture_output=True, timeout=120,
        )
        subprocess.run(
            prefix + [pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                      f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on", "start"],
            check=True, capture_output=True, timeout=90,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise PostgresUnavailable(f"could not start PostgreSQL: {error} {detail.decode(errors='replace')[-1000:]} "
                                  f"{server_log}") from None
    return PostgresCluster(f"postgresql+psycopg://seci@127.0.0.1:{port}/postgres", base,
                           prefix + [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
