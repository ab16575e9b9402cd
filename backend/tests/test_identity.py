"""The shipped dependency accepts exactly piloto's assertions and refuses every forgery.

    python3 -m unittest discover -s backend/tests      (from the repo root; no pytest needed)

Tokens are made with PyJWT in the shape piloto sends: header {"alg":"HS256","typ":"JWT"},
claims iss "piloto", aud <service.name>, sub <login>, iat, exp = iat + 60, sid.
"""

import base64
import hashlib
import json
import os
import sys
import time
import unittest
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEY = "k" * 24 + "-test-identity-key"  # ≥ 32 bytes, as sessions.identity_key requires
SERVICE = "piloto-vendas-app"
os.environ["PILOTO_IDENTITY_KEY"] = KEY
os.environ["PILOTO_SERVICE_NAME"] = SERVICE

import jwt  # noqa: E402
from fastapi import HTTPException  # noqa: E402

from app.piloto_identity import verify_assertion  # noqa: E402


def claims(**overrides):
    now = int(time.time())
    base = {"iss": "piloto", "aud": SERVICE, "sub": "vendedor", "iat": now, "exp": now + 60,
            "sid": hashlib.sha256(b"session-id").hexdigest()}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(key=KEY, algorithm="HS256", **overrides):
    return jwt.encode(claims(**overrides), key, algorithm=algorithm, headers={"typ": "JWT"})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class IdentityTests(unittest.TestCase):
    def assertRefused(self, value):
        with self.assertRaises(HTTPException) as caught:
            verify_assertion(value)
        self.assertEqual(caught.exception.status_code, 401)

    def test_valid_assertion_gives_the_login(self):
        self.assertEqual(verify_assertion(token()), "vendedor")
        self.assertEqual(verify_assertion(token(sub="ana.paula")), "ana.paula")

    def test_piloto_header_shape_is_accepted(self):
        # The exact header piloto writes, built by hand rather than by PyJWT.
        header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = b64(json.dumps(claims(), separators=(",", ":")).encode())
        import hmac
        signature = b64(hmac.new(KEY.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
        self.assertEqual(verify_assertion(f"{header}.{payload}.{signature}"), "vendedor")

    def test_missing_or_empty_header(self):
        self.assertRefused(None)
        self.assertRefused("")

    def test_garbage(self):
        for value in ["x", "a.b.c", "Bearer " + token(), token() + "x", "...."]:
            with self.subTest(value=value[:20]):
                self.assertRefused(value)

    def test_tampered_payload_keeps_old_signature(self):
        header, _payload, signature = token().split(".")
        forged = b64(json.dumps(claims(sub="admin")).encode())
        self.assertRefused(f"{header}.{forged}.{signature}")

    def test_other_key(self):
        self.assertRefused(token(key="another-key-that-is-long-enough-32b"))

    def test_expired(self):
        now = int(time.time())
        self.assertRefused(token(iat=now - 120, exp=now - 60))

    def test_wrong_audience(self):
        self.assertRefused(token(aud="piloto-vendas-staging"))
        self.assertRefused(token(aud=None))

    def test_wrong_issuer(self):
        self.assertRefused(token(iss="someone-else"))
        self.assertRefused(token(iss=None))

    def test_alg_none(self):
        unsigned = jwt.encode(claims(), None, algorithm="none")
        self.assertRefused(unsigned)
        self.assertRefused(unsigned + "c2lnbmF0dXJl")

    def test_other_hmac_algorithm_with_the_right_key(self):
        # The algorithm is pinned by the verifier, never taken from the token.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyJWT's key-length advice for HS512
            self.assertRefused(token(algorithm="HS512"))

    def test_required_claims(self):
        for missing in ["exp", "iat", "sub"]:
            with self.subTest(missing=missing):
                self.assertRefused(token(**{missing: None}))

    def test_not_yet_valid_iat(self):
        now = int(time.time())
        self.assertRefused(token(iat=now + 3600, exp=now + 3660))


if __name__ == "__main__":
    unittest.main()
