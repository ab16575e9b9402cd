"""The demo's API behind piloto: the original design's FastAPI backend, on piloto's same origin.

piloto serves the SPA, login, sessions and WebSocket channels, and forwards `/api/clientes` here
(`handler: proxy`, `identity: signed`), so this app never sees a password or a session cookie: it
reads the user from the signed `X-Piloto-Assertion` (piloto_identity.py) and answers 401 without
one. Run it the way piloto.yaml's `backends.api.run` does, from backend/:

    uvicorn app.main:app --host 127.0.0.1 --port 8000

Environment: PILOTO_IDENTITY_KEY and PILOTO_SERVICE_NAME (required for every /api route; piloto
passes them), DATABASE_URL (PostgreSQL, optional), PILOTO_DEMO_DB (SQLite file, optional).

This file is the app (health, error shape, logging); the endpoints live in routers/, mounted
with a prefix as the original design mounts its routers. Errors have piloto's `/api` shape,
`{"error": "..."}`, so the SPA handles both alike.
"""

import json
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .db import store
from .routers import clientes


@asynccontextmanager
async def lifespan(_app: FastAPI):
    store.setup()
    # JSON lines with their own severity: piloto passes such lines on to Cloud Logging as they are
    # (plain lines get a severity from the stream they came on).
    missing = [name for name in ("PILOTO_IDENTITY_KEY", "PILOTO_SERVICE_NAME") if not os.environ.get(name)]
    if missing:
        # Fail closed but loudly: every /api request will be a 500 until piloto passes these.
        _log("ERROR", f"{' and '.join(missing)} not set: the identity assertion cannot be verified, "
                      "every /api request answers 500 (docs/proxy.md)")
    _log("INFO", f"demo backend ready, data in {store.describe()}")
    yield


def _log(severity: str, message: str) -> None:
    print(json.dumps({"severity": severity, "message": message}), flush=True)


app = FastAPI(title="Piloto de Vendas: API de clientes", lifespan=lifespan)


@app.exception_handler(StarletteHTTPException)
async def http_error(_request, exc: StarletteHTTPException):
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


@app.exception_handler(RequestValidationError)
async def validation_error(_request, exc: RequestValidationError):
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return JSONResponse({"error": f"invalid request: {where} {first.get('msg', '')}".strip()}, status_code=422)


@app.get("/healthz")
def healthz():
    """piloto's readiness probe for this backend (`backends.api.health`); no login needed."""
    return {"status": "ok"}


app.include_router(clientes.router, prefix="/api/clientes")
