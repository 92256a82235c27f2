"""The HTTP port's bearer tokens: a small JWT (HS256) signed with a per-node random key.

A token is only valid on the node that issued it (the key never leaves the process), and
for `ttl` seconds. Written with hmac/base64 so the node needs no JWT library.

>>> signer = TokenSigner(ttl=60)
>>> signer.verify(signer.issue("admin"))["sub"]
'admin'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time

import orjson

DEFAULT_TTL = 3600.0
_HEADER = {"alg": "HS256", "typ": "JWT"}


class BadToken(Exception):
    """The token is missing, malformed, forged or expired (the message says which)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, ttl: float = DEFAULT_TTL, key: bytes | None = None, clock=time.time):
        self.ttl = ttl
        self._key = key if key is not None else os.urandom(32)
        self._clock = clock
        self._revoked: dict[str, int] = {}  # signature -> expiry (kept only until then)
        self._lock = threading.Lock()

    def _sign(self, signing_input: bytes) -> str:
        return _b64(hmac.new(self._key, signing_input, hashlib.sha256).digest())

    def issue(self, user: str) -> str:
        now = int(self._clock())
        # jti: two tokens issued in the same second still differ (logout revokes one)
        claims = {"sub": user, "iat": now, "exp": now + int(self.ttl),
                  "jti": os.urandom(8).hex()}
        head = _b64(orjson.dumps(_HEADER)) + "." + _b64(orjson.dumps(claims))
        return head + "." + self._sign(head.encode())

    def verify(self, token: str) -> dict:
        parts = token.split(".")
        if len(parts) != 3:
            raise BadToken("the token is not a JWT (header.claims.signature)")
        head = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._sign(head.encode()), parts[2]):
            raise BadToken("the token's signature does not match (issued by another node?)")
        try:
            header = orjson.loads(_unb64(parts[0]))
            claims = orjson.loads(_unb64(parts[1]))
        except (ValueError, orjson.JSONDecodeError):
            raise BadToken("the token is not valid base64url JSON") from None
        if header.get("alg") != "HS256" or not isinstance(claims, dict):
            raise BadToken("the token's algorithm must be HS256")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= self._clock():
            raise BadToken("the token has expired: log in again")
        if not isinstance(claims.get("sub"), str):
            raise BadToken("the token names no user")
        with self._lock:
            if parts[2] in self._revoked:
                raise BadToken("the token was logged out: log in again")
        return claims

    def revoke(self, token: str) -> None:
        """Log a (verified) token out until it would have expired anyway."""
        claims = self.verify(token)
        now = self._clock()
        with self._lock:
            for signature, exp in list(self._revoked.items()):
                if exp <= now:
                    del self._revoked[signature]
            self._revoked[token.rsplit(".", 1)[1]] = claims["exp"]


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <jwt>` header (TuGraph clients also send it bare)."""
    if not authorization:
        raise BadToken("missing Authorization header: POST /login first, then send "
                       "'Authorization: Bearer <jwt>'")
    scheme, _, rest = authorization.strip().partition(" ")
    if rest and scheme.lower() == "bearer":
        return rest.strip()
    if not rest:
        return scheme
    raise BadToken(f"unsupported Authorization scheme {scheme!r}: use Bearer")
