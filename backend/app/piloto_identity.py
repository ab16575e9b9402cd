"""Who is logged in, as piloto says so: verifies the `X-Piloto-Assertion` JWT on every request.

Why verify instead of trusting a header: a backend reachable any other way (its own URL, another
sidecar on localhost, a firewall slip) cannot tell a forged `X-Piloto-User` from a real one. The
assertion is HS256-signed with the key only piloto and this backend share, bound to this service
(`aud`), issued by piloto (`iss`) and valid for at most 60 s, so a forged, altered, replayed-late
or other-service token is refused. The algorithm is pinned: `alg: none` and key-confusion tokens
fail. Copy this file into any FastAPI backend behind piloto (docs/proxy.md).
"""

import os

import jwt
from fastapi import Header, HTTPException


def verify_assertion(token: str | None) -> str:
    """The login (`sub`) of a valid assertion; 401 for a missing or invalid one."""
    if not token:
        raise HTTPException(401, "login required")
    try:
        claims = jwt.decode(token, os.environ["PILOTO_IDENTITY_KEY"], algorithms=["HS256"],
                            audience=os.environ["PILOTO_SERVICE_NAME"], issuer="piloto",
                            options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    except jwt.InvalidTokenError:
        raise HTTPException(401, "invalid identity assertion") from None
    return claims["sub"]


def piloto_user(x_piloto_assertion: str | None = Header(default=None)) -> str:
    """FastAPI dependency: `user: str = Depends(piloto_user)`."""
    return verify_assertion(x_piloto_assertion)
