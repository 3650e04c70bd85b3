"""The workshop's secrets as text: facilitator keys and the tokens derived from them.

A facilitator key is random (:func:`new_facilitator_key`); what a key opens besides its own
session is derived from it by an HMAC, so nothing else needs to be stored: the room screen's
token (:func:`room_screen_token`) and the key of a session the facilitator starts from the
dashboard to follow this one (:func:`next_session_key`). Whoever holds the key can make them
again; they tell nothing of the key. The store keeps the SHA-256 of each only.
"""

from __future__ import annotations

import hmac
import secrets
import string

__all__ = [
    "FACILITATOR_KEY_ALPHABET",
    "FACILITATOR_KEY_LENGTH",
    "ROOM_SCREEN_TOKEN_LENGTH",
    "new_facilitator_key",
    "next_session_key",
    "room_screen_token",
]

#: Facilitator keys are letters and digits only: a key never begins with "-", which a command
#: line reads as an option (``--key -f1HK...``), and a double click selects all of it.
#: 32 of 62 symbols is about 190 bits.
FACILITATOR_KEY_ALPHABET = string.ascii_letters + string.digits
FACILITATOR_KEY_LENGTH = 32
#: 22 of 62 symbols (about 130 bits) from an HMAC-SHA-256 (256 bits).
ROOM_SCREEN_TOKEN_LENGTH = 22


def _derived(key: str, purpose: str, length: int) -> str:
    """``length`` symbols of ``FACILITATOR_KEY_ALPHABET`` from an HMAC-SHA-256 of ``purpose`` under ``key``."""
    digest = int.from_bytes(hmac.digest(key.encode("utf-8"), purpose.encode("utf-8"), "sha256"))
    symbols = []
    for _ in range(length):
        digest, index = divmod(digest, len(FACILITATOR_KEY_ALPHABET))
        symbols.append(FACILITATOR_KEY_ALPHABET[index])
    return "".join(symbols)


def room_screen_token(key: str, session_id: int) -> str:
    """The room screen token of session ``session_id`` whose facilitator key is ``key``: an
    HMAC of the session under the key, as ``ROOM_SCREEN_TOKEN_LENGTH`` letters and digits
    (about 130 bits)."""
    return _derived(key, f"seci-lab room screen {session_id}", ROOM_SCREEN_TOKEN_LENGTH)


def next_session_key(key: str, join_code: str) -> str:
    """The facilitator key of the session with ``join_code`` started from the dashboard of the
    session whose key is ``key`` (a whole key: ``FACILITATOR_KEY_LENGTH`` symbols, from the
    HMAC's 256 bits about 190 of them). The dashboard opened with ``key`` finds it again after a
    reload, so the new key is never printed and never stored."""
    return _derived(key, f"seci-lab next session {join_code}", FACILITATOR_KEY_LENGTH)


def new_facilitator_key() -> str:
    """A new random facilitator key (see ``FACILITATOR_KEY_ALPHABET``)."""
    return "".join(secrets.choice(FACILITATOR_KEY_ALPHABET) for _ in range(FACILITATOR_KEY_LENGTH))
