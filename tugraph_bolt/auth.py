"""Password hashing and verification for users stored in the replicated graph state.

Hashes are PBKDF2-HMAC-SHA256 with a random salt, computed while executing (never at apply
time), so the hash travels inside the replicated command and every replica stores the same
bytes.

>>> h = hash_password("73@TuGraph")
>>> verify_password("73@TuGraph", h), verify_password("wrong", h)
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading

ITERATIONS = 20_000
_SCHEME = "pbkdf2_sha256"


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != _SCHEME:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt_hex),
                                     int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


class VerifiedCache:
    """Remembers (stored hash, password) pairs that verified, so that a driver opening many
    connections pays the key-stretching cost once. Keyed by the stored hash: a password
    change makes old entries unreachable."""

    def __init__(self, limit: int = 1024):
        self._ok: dict[tuple[str, str], bool] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def verify(self, password: str, stored: str) -> bool:
        key = (stored, hashlib.sha256(password.encode()).hexdigest())
        with self._lock:
            if key in self._ok:
                return True
        if not verify_password(password, stored):
            return False
        with self._lock:
            if len(self._ok) >= self._limit:
                self._ok.clear()
            self._ok[key] = True
        return True
