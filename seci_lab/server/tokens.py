"""Secrets the commands handle: the room token of a shared server, and the facilitator key
that ``seci-lab workshop --resume`` needs.

A secret on a command line can be read by every user of the computer (``ps``), so the
facilitator key is best read from the environment or from a file only its owner can read;
``--key`` stays for compatibility.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Mapping

from ..env import FACILITATOR_KEY_ENV
from .errors import UserError
from .network import is_loopback

__all__ = ["TOKEN_ALPHABET", "facilitator_key", "generate_token", "read_key_file", "resolve_token"]

log = logging.getLogger("seci_lab.server")

# Easy to read aloud and type on a phone: no 0/o, 1/l/i. 10 of 31 symbols is about 50 bits,
# plenty for a room's network during a session.
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 10


def generate_token() -> str:
    """A random token that is easy to type from a projector."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def resolve_token(host: str, token: str | None) -> str:
    """The access token for ``host``: the one given, or a new one off loopback; "" for loopback
    without one. Raises :class:`UserError` for a token with surrounding spaces, or an empty
    token where other computers can connect."""
    if token is not None and token != token.strip():
        raise UserError("The token must not start or end with spaces.")
    if not is_loopback(host):
        if token == "":
            raise UserError(f"--host {host} lets other computers connect, so a token is required. "
                            "Leave out --token to get one generated.")
        token = token or generate_token()
    return token or ""


def facilitator_key(key: str | None, key_file: Path | None,
                    environ: Mapping[str, str] = os.environ) -> str | None:
    """The facilitator key given to ``--resume``: ``--key-file``, else ``--key``, else
    ``$SECI_LAB_FACILITATOR_KEY``; None when there is none. Raises :class:`UserError` when
    both options are given or the file cannot be used."""
    if key is not None and key_file is not None:
        raise UserError("Give the facilitator key one way: --key-file FILE or --key=KEY, not both.")
    if key_file is not None:
        return read_key_file(key_file)
    if key is not None:
        log.warning("A key given with --key can be seen by other users of this computer; "
                    "prefer %s=KEY or --key-file FILE.", FACILITATOR_KEY_ENV)
        return key.strip() or None
    return environ.get(FACILITATOR_KEY_ENV, "").strip() or None


def read_key_file(path: Path) -> str:
    """The key held in ``path``, a file that only its owner may read (as ssh asks of its keys)."""
    path = Path(path).expanduser()
    try:
        with open(path, encoding="utf-8") as file:
            mode = os.fstat(file.fileno()).st_mode
            text = file.read(4096)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not a text file"
        raise UserError(f"Cannot read the key file {path}: {reason}.") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError(f"The key file {path} can be read by other users of this computer "
                        f"(permissions {stat.filemode(mode)}). Make it private: chmod 600 {path}")
    key = text.strip()
    if not key or any(ch.isspace() for ch in key):
        raise UserError(f"The key file {path} must hold the facilitator key alone, on one line.")
    return key
