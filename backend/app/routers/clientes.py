"""`/api/clientes`: the customers, their notes, and the two streaming endpoints the proxy tests use.

Mounted by main.py with `include_router(..., prefix="/api/clientes")`, the way the original
design mounts its routers. Every endpoint needs the user piloto vouches for (`piloto_user`), so
none of them can be used by someone who reaches the backend without going through piloto.
Fixed paths (`/eventos`, `/ws`) come before `/{cliente_id}`, which would otherwise match them.
"""

import asyncio
import json
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ..db import store
from ..piloto_identity import piloto_user, verify_assertion

router = APIRouter()


@router.get("")
def listar_clientes(usuario: str = Depends(piloto_user),
                    busca: str | None = Query(default=None, max_length=100),
                    limite: int = Query(default=50, ge=1, le=200)):
    """Biggest customers first; `usuario` is who piloto says is logged in (the JWT's sub)."""
    return {"usuario": usuario, "clientes": store.clientes(busca, limite)}


@router.get("/eventos")
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


@router.websocket("/ws")
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


@router.get("/{cliente_id}")
def detalhar_cliente(cliente_id: int, usuario: str = Depends(piloto_user)):
    cliente = store.cliente(cliente_id)
    if cliente is None:
        raise HTTPException(404, "cliente não encontrado")
    return {"usuario": usuario, "cliente": cliente, "notas": store.notas(cliente_id)}


class NovaNota(BaseModel):
    texto: str = Field(min_length=1, max_length=2000)


@router.post("/{cliente_id}/notas", status_code=201)
def criar_nota(cliente_id: int, nota: NovaNota, usuario: str = Depends(piloto_user)):
    """The author is the verified login, never a field of the body."""
    texto = nota.texto.strip()
    if not texto:
        raise HTTPException(422, "invalid request: texto is empty")
    if store.cliente(cliente_id) is None:
        raise HTTPException(404, "cliente não encontrado")
    return {"usuario": usuario, "nota": store.add_nota(cliente_id, texto, usuario, _now())}


def _now(precise: bool = False) -> str:
    now = datetime.now(timezone.utc)
    return now.isoformat(timespec="milliseconds" if precise else "seconds").replace("+00:00", "Z")
