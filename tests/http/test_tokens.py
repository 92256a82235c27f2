"""The HS256 tokens of the HTTP port: issue, verify, expiry, tampering."""

from __future__ import annotations

import base64
import json

import pytest

from tugraph_bolt.server.http_auth import BadToken, TokenSigner, bearer_token


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_a_token_carries_user_and_expiry_and_verifies():
    clock = Clock()
    signer = TokenSigner(ttl=60, clock=clock)
    claims = signer.verify(signer.issue("ann"))
    assert claims.pop("jti") != signer.verify(signer.issue("ann"))["jti"]
    assert claims == {"sub": "ann", "iat": 1_000_000, "exp": 1_000_060}
    header = json.loads(base64.urlsafe_b64decode(signer.issue("ann").split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}


def test_a_token_expires():
    clock = Clock()
    signer = TokenSigner(ttl=60, clock=clock)
    token = signer.issue("ann")
    clock.now += 59
    assert signer.verify(token)["sub"] == "ann"
    clock.now += 1
    with pytest.raises(BadToken, match="expired"):
        signer.verify(token)


def test_changed_claims_break_the_signature():
    signer = TokenSigner()
    head, _, sig = signer.issue("ann").split(".")
    forged = base64.urlsafe_b64encode(json.dumps(
        {"sub": "admin", "iat": 0, "exp": 2**40}).encode()).rstrip(b"=").decode()
    with pytest.raises(BadToken, match="signature"):
        signer.verify(f"{head}.{forged}.{sig}")


def test_a_none_algorithm_token_signed_with_the_key_is_still_refused():
    import hashlib
    import hmac

    key = b"k" * 32
    signer = TokenSigner(key=key)
    head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(b'{"sub":"a","exp":99999999999}').rstrip(b"=").decode()
    sig = base64.urlsafe_b64encode(
        hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    with pytest.raises(BadToken, match="HS256"):
        signer.verify(f"{head}.{body}.{sig}")


@pytest.mark.parametrize("header, expected", [("Bearer abc", "abc"), ("bearer  abc ", "abc"),
                                              ("abc", "abc")])
def test_bearer_header_forms(header, expected):
    assert bearer_token(header) == expected


@pytest.mark.parametrize("header", [None, "", "Basic abc"])
def test_bad_authorization_headers(header):
    with pytest.raises(BadToken):
        bearer_token(header)


def test_revoked_tokens_stop_verifying_and_are_forgotten_after_expiry():
    clock = Clock()
    signer = TokenSigner(ttl=60, clock=clock)
    first, second = signer.issue("ann"), signer.issue("ann")
    signer.revoke(first)
    with pytest.raises(BadToken, match="logged out"):
        signer.verify(first)
    assert signer.verify(second)["sub"] == "ann"
    clock.now += 61
    signer.revoke(TokenSigner(ttl=60, clock=clock, key=signer._key).issue("bo"))
    assert len(signer._revoked) == 1  # the expired entry was dropped
