"""FastAPI/uvicorn peer: the original design (seed/roadmap-deploy.pt-BR.md) serving the same routes.

Run:  FRONTEND_DIST=frontend/dist python3 -m uvicorn fastapi_app:app --app-dir bench/peers --port 8082

Routes, the same as piloto.yaml's and bench/run's nginx config:
  /api/health   {"status":"ok"}
  /ws/echo      WebSocket echo (text and binary)
  /assets/*     static files; with `Accept-Encoding: gzip` the precompressed `.gz` sibling is sent
                (what nginx's gzip_static and piloto do), with the immutable cache policy
  /*            the SPA: an existing file in dist, else index.html (no-cache)

Serving the `.gz` sibling rather than compressing per request (GZipMiddleware) keeps the
comparison about serving, not about zlib speed; a stock FastAPI app would be slower still.
"""

import os
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers

DIST = Path(os.environ.get("FRONTEND_DIST", Path(__file__).resolve().parents[2] / "frontend" / "dist")).resolve()
IMMUTABLE = "public, max-age=31536000, immutable"

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


class PrecompressedStaticFiles(StaticFiles):
    """StaticFiles that answers `Accept-Encoding: gzip` with the `.gz` sibling when there is one."""

    async def get_response(self, path: str, scope) -> Response:
        accepts_gzip = "gzip" in Headers(scope=scope).get("accept-encoding", "")
        if accepts_gzip and scope["method"] in ("GET", "HEAD"):
            full_path, stat_result = self.lookup_path(path + ".gz")
            if stat_result is not None:
                media_type = FileResponse(path).media_type  # the original name's type, not gzip's
                response = FileResponse(full_path, stat_result=stat_result, media_type=media_type)
                response.headers["content-encoding"] = "gzip"
                response.headers["vary"] = "Accept-Encoding"
                response.headers["cache-control"] = IMMUTABLE
                return response
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = IMMUTABLE
            response.headers["vary"] = "Accept-Encoding"
        return response


@app.get("/api/health")
async def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@app.websocket("/ws/echo")
async def echo(websocket: WebSocket) -> None:
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


app.mount("/assets", PrecompressedStaticFiles(directory=DIST / "assets"), name="assets")


@app.get("/{path:path}")
async def spa(path: str) -> Response:
    candidate = (DIST / path).resolve()
    if path and candidate.is_file() and DIST in candidate.parents:
        return FileResponse(candidate)
    return FileResponse(DIST / "index.html", headers={"cache-control": "no-cache"})
