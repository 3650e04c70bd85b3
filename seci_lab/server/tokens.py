"""Secrets the commands handle: the room token of a shared server, and the facilitator key
that ``seci-lab workshop --resume`` needs.

A secret on a command line can be read by every user of the computer (``ps``), so both are
read from the environment or from a file only its owner can read. ``--token`` still works
(with a warning); ``--key`` was removed (the command says what to use instead).
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Mapping

from ..env import FACILITATOR_KEY_ENV, TOKEN_ENV
from .errors import UserError
from .network import is_loopback

__all__ = ["TOKEN_ALPHABET", "facilitator_key", "generate_token", "given_token", "read_key_file", "read_secret_file",
           "resolve_token"]

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


def given_token(token: str | None, token_file: Path | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The access token a person gave: ``--token-file``, else ``--token`` (with a warning: others
    can read it), else ``$SECI_LAB_TOKEN``; None when there is none (:func:`resolve_token` then
    decides). Raises :class:`UserError` when both options are given or the file cannot be used."""
    if token is not None and token_file is not None:
        raise UserError("Give the token one way: --token-file FILE or --token TOKEN, not both.")
    if token_file is not None:
        return read_secret_file(token_file, "token file", "the token")
    if token is not None:
        log.warning("A token given with --token can be seen by other users of this computer; "
                    "prefer %s=TOKEN or --token-file FILE.", TOKEN_ENV)
        return token
    return environ.get(TOKEN_ENV) or None


def facilitator_key(key_file: Path | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The facilitator key given to ``--resume``: ``--key-file``, else ``$SECI_LAB_FACILITATOR_KEY``;
    None when there is none. Raises :class:`UserError` when the file cannot be used."""
    if key_file is not None:
        return read_key_file(key_file)
    return environ.get(FACILITATOR_KEY_ENV, "").strip() or None


def read_key_file(path: Path) -> str:
    """The facilitator key held in ``path``, a file that only its owner may read (:func:`read_secret_file`)."""
    return read_secret_file(path, "key file", "the facilitator key")


def read_secret_file(path: Path, what: str = "key file", holding: str = "the facilitator key") -> str:
    """The secret held in ``path``, a file that only its owner may read (as ssh asks of its keys)."""
    path = Path(path).expanduser()
    try:
        with open(path, encoding="utf-8") as file:
            mode = os.fstat(file.fileno()).st_mode
            text = file.read(4096)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not a text file"
        raise UserError(f"Cannot read the {what} {path}: {reason}.") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError(f"The {what} {path} can be read by other users of this computer "
                        f"(permissions {stat.filemode(mode)}). Make it private: chmod 600 {path}")
    secret = text.strip()
    if not secret or any(ch.isspace() for ch in secret):
        raise UserError(f"The {what} {path} must hold {holding} alone, on one line.")
    return secret
