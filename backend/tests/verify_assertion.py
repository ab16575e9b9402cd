#!/usr/bin/env python3
"""Checks one X-Piloto-Assertion with the shipped dependency, for tests written in other languages.

    PILOTO_IDENTITY_KEY=… PILOTO_SERVICE_NAME=piloto-vendas-app python3 backend/tests/verify_assertion.py TOKEN

Prints the login (`sub`) and exits 0 when app/piloto_identity.py accepts the token; prints the
reason on stderr and exits 1 when it refuses it (what a FastAPI backend would answer 401 to).
So a Swift test can mint an assertion the way piloto does and have the real verifier judge it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi import HTTPException  # noqa: E402

from app.piloto_identity import verify_assertion  # noqa: E402


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        print(verify_assertion(sys.argv[1]))
        return 0
    except HTTPException as refused:
        print(f"refused: {refused.status_code} {refused.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
