#!/usr/bin/env python3
"""WebSocket echo load: N connections, each sends one message and waits for its echo, repeat.

Usage: bench/ws_echo.py ws://127.0.0.1:8080/ws/echo [-c 64] [-d 10] [-s 32] [--binary] [--json]

Prints round trips per second and round-trip latency percentiles (p50/p99) over all connections.
A raw asyncio client (RFC 6455 framing written here, python3 stdlib only) rather than the
`websockets` package: the client must cost as little CPU per message as possible, because on a
2-core machine the client's core is the ceiling (compare servers in one run, and watch whether
the client sat at 100 %: see "client_cpu_s" in the output).

Each connection masks its frames with one fixed key, chosen at random per connection: the server
must unmask, which is all that matters here (RFC 6455 §5.3 wants a fresh key per frame from a
strong source, to defeat cache poisoning by proxies; there are none on loopback).
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import resource
import socket
import sys
import time
from urllib.parse import urlsplit

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3


def masked_frame(payload: bytes, opcode: int, key: bytes) -> bytes:
    """One final client frame (RFC 6455 §5.2): FIN + opcode, MASK bit + length, key, masked payload."""
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + masked


class EchoClient(asyncio.Protocol):
    """Handshake, then ping-pong one message at a time; counts completed round trips."""

    def __init__(self, host: str, path: str, origin: str | None, payload: bytes, opcode: int, stats: dict,
                 stop_at: float):
        self.host, self.path, self.origin = host, path, origin
        self.key = os.urandom(4)
        self.frame = masked_frame(payload, opcode, self.key)
        self.expected = len(payload)
        self.stats, self.stop_at = stats, stop_at
        self.buffer = bytearray()
        self.upgraded = False
        self.sent_at = 0.0
        self.done = asyncio.get_running_loop().create_future()
        self.transport = None
        self.accept = b""

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        nonce = base64.b64encode(os.urandom(16))
        self.accept = base64.b64encode(hashlib.sha1(nonce + GUID).digest())
        transport.write(b"GET " + self.path.encode() + b" HTTP/1.1\r\nHost: " + self.host.encode() +
                        b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + nonce +
                        b"\r\nSec-WebSocket-Version: 13\r\n" +
                        (b"Origin: " + self.origin.encode() + b"\r\n" if self.origin else b"") + b"\r\n")

    def data_received(self, data):
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 16384:
                    self.fail("handshake response too large")
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[:end + 4]
            lines = head.split("\r\n")
            if not lines[0].startswith("HTTP/1.1 101"):
                self.fail(f"handshake refused: {lines[0]}")
                return
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            if headers.get("sec-websocket-accept", "").encode() != self.accept:
                self.fail("bad Sec-WebSocket-Accept")
                return
            self.upgraded = True
            self.send()
        self.parse_frames()

    def parse_frames(self):
        buf = self.buffer
        while len(buf) >= 2:
            opcode, n, offset = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if buf[1] & 0x80:
                self.fail("server frame is masked (RFC 6455 §5.1 forbids it)")
                return
            if n == 126:
                if len(buf) < 4:
                    return
                n, offset = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, offset = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < offset + n:
                return
            payload = bytes(buf[offset:offset + n])
            del buf[:offset + n]
            if opcode == 0x9:  # ping → pong with the same payload
                self.transport.write(masked_frame(payload, 0xA, self.key))
            elif opcode == 0x8:
                self.finish()
                return
            elif opcode in (0x1, 0x2, 0x0):
                if n != self.expected:
                    self.stats["bad"] += 1
                now = time.perf_counter()
                self.stats["rtts"].append(now - self.sent_at)
                self.stats["count"] += 1
                if now >= self.stop_at:
                    self.finish()
                    return
                self.send()

    def send(self):
        self.sent_at = time.perf_counter()
        self.transport.write(self.frame)

    def finish(self):
        if not self.done.done():
            self.done.set_result(None)
        if self.transport is not None and not self.transport.is_closing():
            # Close frame with status 1000, then drop the connection (the server may not answer).
            self.transport.write(masked_frame((1000).to_bytes(2, "big"), 0x8, self.key))
            self.transport.close()

    def fail(self, why: str):
        self.stats["errors"].append(why)
        self.finish()

    def connection_lost(self, exc):
        if not self.done.done():
            if time.perf_counter() < self.stop_at:
                self.stats["errors"].append(f"connection lost early: {exc}")
            self.done.set_result(None)


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


async def run(url: str, connections: int, seconds: float, size: int, binary: bool, origin: str | None) -> dict:
    parts = urlsplit(url)
    if parts.scheme != "ws":
        raise SystemExit("only ws:// (loopback benchmarking)")
    host, port = parts.hostname, parts.port or 80
    hostport = f"{host}:{port}"
    path = parts.path or "/"
    payload = (b"x" * size) if binary else ("á" * (size // 2) + "a" * (size % 2)).encode()
    stats = {"count": 0, "bad": 0, "rtts": [], "errors": []}
    loop = asyncio.get_running_loop()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    stop_at = start + seconds
    clients = []
    for _ in range(connections):
        try:
            _, proto = await asyncio.wait_for(loop.create_connection(
                lambda: EchoClient(hostport, path, origin, payload, 0x2 if binary else 0x1, stats, stop_at),
                host, port), 5)
            clients.append(proto)
        except (OSError, asyncio.TimeoutError) as error:
            stats["errors"].append(f"connect: {error}")
    if clients:
        await asyncio.wait([c.done for c in clients], timeout=seconds + 10)
    elapsed = time.perf_counter() - start
    for c in clients:
        c.finish()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    rtts = sorted(stats["rtts"])
    errors = stats["errors"]
    return {
        "url": url, "connections": connections, "connected": len(clients), "seconds": round(elapsed, 3),
        "message_bytes": len(payload), "binary": binary,
        "round_trips": stats["count"], "round_trips_per_s": stats["count"] / elapsed if elapsed else 0,
        "p50_ms": None if not rtts else percentile(rtts, 0.50) * 1000,
        "p99_ms": None if not rtts else percentile(rtts, 0.99) * 1000,
        "wrong_size_echoes": stats["bad"], "errors": len(errors), "error_samples": sorted(set(errors))[:5],
        "client_cpu_s": round((usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime), 3),
    }


def main(argv) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url")
    p.add_argument("-c", "--connections", type=int, default=64)
    p.add_argument("-d", "--duration", type=float, default=10.0, help="seconds (default 10)")
    p.add_argument("-s", "--size", type=int, default=32, help="message bytes (default 32)")
    p.add_argument("--binary", action="store_true", help="binary frames instead of UTF-8 text")
    p.add_argument("--origin", help="send this Origin header (default: none, like a non-browser client; "
                   "a browser would send the page's origin, which servers check against CSWSH)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    result = asyncio.run(run(args.url, args.connections, args.duration, args.size, args.binary, args.origin))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['round_trips_per_s']:,.0f} round trips/s over {result['connected']} connections, "
              f"p50 {result['p50_ms'] or 0:.3f} ms, p99 {result['p99_ms'] or 0:.3f} ms, errors {result['errors']}, "
              f"client CPU {result['client_cpu_s']} s in {result['seconds']} s")
        for sample in result["error_samples"]:
            print(f"  error: {sample}")
    return 0 if result["connected"] and not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
