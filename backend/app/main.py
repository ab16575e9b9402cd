"""The demo's API behind piloto: the original design's FastAPI backend, on piloto's same origin.

piloto serves the SPA, login, sessions and WebSocket channels, and forwards `/api/clientes` here
(`handler: proxy`, `identity: signed`), so this app never sees a password or a session cookie: it
reads the user from the signed `X-Piloto-Assertion` (piloto_identity.py) and answers 401 without
one. Run it the way piloto.yaml's `backends.api.run` does, from backend/:

    uvicorn app.main:app --host 127.0.0.1 --port 8000

Environment: PILOTO_IDENTITY_KEY and PILOTO_SERVICE_NAME (required for every /api route; piloto
passes them), DATABASE_URL (PostgreSQL, optional), PILOTO_DEMO_DB (SQLite file, optional).

Errors have piloto's `/api` shape, `{"error": "..."}`, so the SPA handles both alike.
"""

import asyncio
import json
import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from fastapi import Depends, FastAPI, HTTPException, Query, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .db import Store
from .piloto_identity import piloto_user, verify_assertion

store = Store.from_env()


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


@app.get("/api/clientes")
def listar_clientes(usuario: str = Depends(piloto_user),
                    busca: str | None = Query(default=None, max_length=100),
                    limite: int = Query(default=50, ge=1, le=200)):
    """Biggest customers first; `usuario` is who piloto says is logged in (the JWT's sub)."""
    return {"usuario": usuario, "clientes": store.clientes(busca, limite)}


@app.get("/api/clientes/eventos")
async def eventos(usuario: str = Depends(piloto_user),
                  n: int = Query(default=5, ge=1, le=1000),
                  intervalo_ms: int = Query(default=500, ge=0, le=60000)):
    """Server-Sent Events: `n` events `intervalo_ms` apart. Each carries the time it was sent, so
    a client (the proxy's streaming tests) can tell a flushed stream from a buffered one."""

    async def stream():
        for seq in range(1, n + 1):
            if seq > 1:
                await asyncio.sleep(intervalo_ms / 1000)
            payload = {"seq": seq, "usuario": usuario, "enviado_em": _now(precise=True)}
            yield f"id: {seq}\nevent: tick\ndata: {json.dumps(payload)}\n\n".encode()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@app.get("/api/clientes/{cliente_id}")
def detalhar_cliente(cliente_id: int, usuario: str = Depends(piloto_user)):
    cliente = store.cliente(cliente_id)
    if cliente is None:
        raise HTTPException(404, "cliente não encontrado")
    return {"usuario": usuario, "cliente": cliente, "notas": store.notas(cliente_id)}


class NovaNota(BaseModel):
    texto: str = Field(min_length=1, max_length=2000)


@app.post("/api/clientes/{cliente_id}/notas", status_code=201)
def criar_nota(cliente_id: int, nota: NovaNota, usuario: str = Depends(piloto_user)):
    """The author is the verified login, never a field of the body."""
    texto = nota.texto.strip()
    if not texto:
        raise HTTPException(422, "invalid request: texto is empty")
    if store.cliente(cliente_id) is None:
        raise HTTPException(404, "cliente não encontrado")
    return {"usuario": usuario, "nota": store.add_nota(cliente_id, texto, usuario, _now())}


@app.websocket("/api/clientes/ws")
async def eco(websocket: WebSocket):
    """Echoes every text and binary message: the proxy's WebSocket tunnel test. The assertion is
    checked on the upgrade request; without a valid one the handshake is refused (403)."""
    try:
        verify_assertion(websocket.headers.get("x-piloto-assertion"))
    except HTTPException:
        await websocket.close(code=1008)
        return
    await websocket.accept()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await websocket.send_text(message["text"])
            elif message.get("bytes") is not None:
                await websocket.send_bytes(message["bytes"])
    except WebSocketDisconnect:
        return


def _now(precise: bool = False) -> str:
    now = datetime.now(timezone.utc)
    return now.isoformat(timespec="milliseconds" if precise else "seconds").replace("+00:00", "Z")
