#!/usr/bin/env python3
"""The proxy's two long-haul properties, against the built server with real peers.

1. **Flat memory for 1 GiB each way.** A raw asyncio upstream counts what it receives and streams
   what it is asked for; a raw socket client uploads 1 GiB (Content-Length) through piloto and then
   downloads 1 GiB. piloto's peak RSS (VmHWM in /proc) may grow by at most 32 MiB over the whole
   transfer: the body is never buffered, back-pressure holds both directions. The byte counts must
   match exactly, both ways.

2. **The keep-alive race.** uvicorn closes an idle keep-alive connection after
   `--timeout-keep-alive` (5 s by default, 1 s here to make the race frequent), while piloto keeps
   pooled connections longer. GETs and POSTs alternate with 0.9–1.1 s gaps, so the pooled
   connection is very often closed by the backend just around the moment piloto reuses it. Every
   request must succeed (0 errors), and each POST (a unique X-Request-Id) must be executed by the
   backend exactly once: a stale pooled connection is never used for a request that cannot be
   replayed, and a GET that hits one is replayed on a fresh connection.

Usage: tools/proxy_stream_check.py --piloto .build/debug/piloto [--gib 1] [--rounds 16]
Needs python3 with uvicorn. Exits non-zero with a line saying what failed.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHUNK = 1 << 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The streaming upstream: POST /api/big/up counts the body; GET /api/big/down?n=N sends N bytes.


async def drain_exactly(reader: asyncio.StreamReader, count: int) -> int | None:
    """Reads and discards `count` bytes; None when the peer closed first."""
    remaining = count
    while remaining:
        piece = await reader.read(min(remaining, CHUNK))
        if not piece:
            return None
        remaining -= len(piece)
    return count


async def handle_stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            received = 0
            if "content-length" in headers:
                if (got := await drain_exactly(reader, int(headers["content-length"]))) is None:
                    return
                received += got
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                while True:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    if size == 0:
                        await reader.readuntil(b"\r\n")
                        break
                    if (got := await drain_exactly(reader, size)) is None:
                        return
                    received += got
                    await reader.readexactly(2)
            if method == "POST":
                body = str(received).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
                await writer.drain()
            else:
                match = re.search(r"[?&]n=(\d+)", target)
                total = int(match.group(1)) if match else 0
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             b"Content-Length: %d\r\n\r\n" % total)
                block = b"\xa5" * CHUNK
                left = total
                while left:
                    n = min(left, CHUNK)
                    writer.write(block if n == CHUNK else block[:n])
                    await writer.drain()
                    left -= n
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def run_stream_upstream(port: int, ready: threading.Event) -> None:
    async def main():
        server = await asyncio.start_server(handle_stream, "127.0.0.1", port, limit=1 << 16)
        ready.set()
        async with server:
            await server.serve_forever()
    asyncio.run(main())


# ---------------------------------------------------------------------------------------------
# The uvicorn backend for the race: counts each POST's X-Request-Id.

RACE_APP = '''
counts = {}

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = dict(scope["headers"])
    if scope["method"] == "POST":
        rid = headers.get(b"x-request-id", b"").decode()
        counts[rid] = counts.get(rid, 0) + 1
        out = b"ok"
    elif scope["path"].endswith("/counts"):
        out = ",".join(f"{k}={v}" for k, v in sorted(counts.items())).encode()
    else:
        out = b"pong"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(out)).encode())]})
    await send({"type": "http.response.body", "body": out})
'''


# ---------------------------------------------------------------------------------------------


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def read_response(sock: socket.socket, count_only: bool = False) -> tuple[int, bytes, int]:
    """Reads one Content-Length response: (status, body or b"", body length)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError("closed before the response head")
        buf += piece
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    if not match:
        raise ConnectionError(f"no Content-Length in {head!r}")
    length = int(match.group(1))
    got = len(rest)
    body = b"" if count_only else rest
    while got < length:
        piece = sock.recv(min(CHUNK, length - got) if count_only else length - got)
        if not piece:
            raise ConnectionError(f"body cut at {got} of {length}")
        got += len(piece)
        if not count_only:
            body += piece
    return status, body, got


def stream_check(port: int, pid: int, total: int) -> list[str]:
    failures = []
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        # Warm-up: a small transfer each way, so the baseline includes the path's steady state.
        sock.sendall(b"POST /api/big/up HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n"
                     + b"w" * CHUNK)
        read_response(sock)
        sock.sendall(b"GET /api/big/down?n=1048576 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        read_response(sock, count_only=True)
        baseline = vm_hwm_kib(pid)

        started = time.monotonic()
        sock.sendall(b"POST /api/big/up HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % total)
        block = b"u" * CHUNK
        sent = 0
        while sent < total:
            n = min(CHUNK, total - sent)
            sock.sendall(block if n == CHUNK else block[:n])
            sent += n
        status, body, _ = read_response(sock)
        up_seconds = time.monotonic() - started
        if status != 200 or int(body) != total:
            failures.append(f"upload: status {status}, upstream counted {body!r} of {total}")

        started = time.monotonic()
        sock.sendall(b"GET /api/big/down?n=%d HTTP/1.1\r\nHost: localhost\r\n\r\n" % total)
        status, _, got = read_response(sock, count_only=True)
        down_seconds = time.monotonic() - started
        if status != 200 or got != total:
            failures.append(f"download: status {status}, {got} of {total} bytes")

    peak = vm_hwm_kib(pid)
    growth = (peak - baseline) / 1024
    mib = total / (1 << 20)
    print(f"stream: {mib:.0f} MiB up in {up_seconds:.1f} s ({mib / up_seconds:.0f} MiB/s), "
          f"down in {down_seconds:.1f} s ({mib / down_seconds:.0f} MiB/s); "
          f"piloto VmHWM {baseline / 1024:.1f} → {peak / 1024:.1f} MiB (+{growth:.1f})")
    if growth > 32:
        failures.append(f"peak RSS grew by {growth:.1f} MiB (limit 32) for {mib:.0f} MiB each way")
    return failures


def race_check(port: int, rounds: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    failures = []
    ids = []
    for i in range(rounds):
        for method in ("GET", "POST"):
            time.sleep(rng.uniform(0.9, 1.1))
            rid = f"r{seed}-{i}"
            request = (f"{method} /api/race/item HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: {rid}\r\n"
                       f"Content-Length: {2 if method == 'POST' else 0}\r\nConnection: close\r\n\r\n")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                    sock.sendall(request.encode() + (b"{}" if method == "POST" else b""))
                    status, body, _ = read_response(sock)
            except OSError as error:
                failures.append(f"{method} {rid}: {error}")
                continue
            if status != 200:
                failures.append(f"{method} {rid}: status {status} {body[:120]!r}")
            if method == "POST":
                ids.append(rid)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /api/race/counts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        _, body, _ = read_response(sock)
    counts = dict(pair.split("=") for pair in body.decode().split(",") if pair)
    for rid in ids:
        if counts.get(rid) != "1":
            failures.append(f"POST {rid} executed {counts.get(rid, '0')} times")
    print(f"race: {rounds} GET + {rounds} POST with 0.9–1.1 s gaps against uvicorn --timeout-keep-alive 1: "
          f"{len(failures)} failures, POSTs executed once: {sum(1 for r in ids if counts.get(r) == '1')}/{len(ids)}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--piloto", required=True)
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="proxy-stream-"))
    stream_port, race_port, port = free_port(), free_port(), free_port()
    ready = threading.Event()
    threading.Thread(target=run_stream_upstream, args=(stream_port, ready), daemon=True).start()
    ready.wait(10)

    (work / "race_app.py").write_text(RACE_APP)
    uvicorn = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "race_app:app", "--host", "127.0.0.1", "--port", str(race_port),
         "--timeout-keep-alive", "1", "--log-level", "warning"], cwd=work, start_new_session=True)
    config = work / "piloto.yaml"
    config.write_text(f"""service:
  name: stream-check
  domain: stream-check.example.com
  region: us-central1
  image: us-central1-docker.pkg.dev/p/r/stream-check:dev
edge:
  mode: none
routes:
  - path: /api/health
    handler: health
  - path: /api/big
    handler: proxy
    upstream: http://127.0.0.1:{stream_port}
    max_body: {int(args.gib * 1024) + 16}MiB
    timeout: 60s
    identity: off
  - path: /api/race
    handler: proxy
    upstream: http://127.0.0.1:{race_port}
    identity: off
""")
    piloto = subprocess.Popen([args.piloto, "serve", "--config", str(config), "--port", str(port)],
                              stdout=subprocess.DEVNULL, start_new_session=True)
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                    sock.sendall(b"GET /api/race/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    if read_response(sock)[0] == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or piloto.poll() is not None:
                print("proxy_stream_check: piloto or uvicorn never answered", file=sys.stderr)
                return 1
            time.sleep(0.1)
        failures += stream_check(port, piloto.pid, int(args.gib * (1 << 30)))
        failures += race_check(port, args.rounds, args.seed)
    finally:
        for proc in (piloto, uvicorn):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print("proxy_stream_check: " + ("passed" if not failures else f"{len(failures)} failures"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
