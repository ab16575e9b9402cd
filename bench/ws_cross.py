#!/usr/bin/env python3
"""Cross-instance broadcast latency through Redis pub/sub (issue 6): two `piloto serve` instances
(A and B) on one real `redis-server`, M members (default 100) of one channel on B, the sender on
A; K messages (default 50), one at a time. Reports send (on A) → receive (on B's members) p50/p99.

Usage: bench/ws_cross.py [-m 100] [-k 50] [--piloto .build/static/release/piloto]
Latency uses each member socket's kernel receive timestamp (SO_TIMESTAMPNS) minus the wall clock
just before the sender's `send`, as bench/ws_broadcast.py does, so it measures A → Redis → B →
members plus loopback, not how fast this Python process drains sockets. Stdlib only.
"""

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import wsraw  # noqa: E402
from ws_broadcast import SO_TIMESTAMPNS, drain, percentile, send_and_time  # noqa: E402


def start_redis(folder: Path):
    port = wsraw.free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                             "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return proc, port
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-m", "--members", type=int, default=100)
    p.add_argument("-k", "--messages", type=int, default=50)
    p.add_argument("--piloto", type=Path, default=wsraw.default_binary())
    p.add_argument("--settle", type=float, default=0.05)
    args = p.parse_args()
    wsraw.raise_nofile()
    folder = Path(tempfile.mkdtemp(prefix="piloto-wscross-"))
    redis, redis_port = start_redis(folder)
    config = folder / "cross.yaml"
    text = wsraw.CONFIG.read_text().replace("  max_instances: 1\n", "  max_instances: 2\n")
    text += f"sessions:\n  store: redis\n  redis_url: redis://127.0.0.1:{redis_port}/0\n"
    config.write_text(text)
    a = b = None
    sockets = []
    try:
        a = wsraw.Piloto(args.piloto, config=config)
        b = wsraw.Piloto(args.piloto, config=config)
        members, buffers = [], []
        for _ in range(args.members):
            s, rest = wsraw.handshake(b.port, "/ws/cross")
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            s.setblocking(False)
            members.append(s)
            buffers.append(rest)
        sockets += members
        drain(members, buffers, timeout=0.5)
        sender, _ = wsraw.handshake(a.port, "/ws/cross")
        sender.setblocking(False)
        sockets.append(sender)
        time.sleep(0.5)  # B's SUBSCRIBE is in place long before this; A's join reaches B's members
        drain(members, buffers, timeout=0.3)
        latencies = []
        for k in range(args.messages):
            latencies += send_and_time(sender, members, buffers, f"cross-{k}", args.settle)
            try:
                while sender.recv(65536):
                    pass
            except BlockingIOError:
                pass
        result = {"members_on_b": args.members, "messages": args.messages, "deliveries": len(latencies),
                  "p50_ms": round(percentile(latencies, 0.50), 3), "p99_ms": round(percentile(latencies, 0.99), 3),
                  "max_ms": round(max(latencies), 3), "binary": str(args.piloto)}
        print(f"A → Redis → B, {args.members} members on B x {args.messages} messages: p50 {result['p50_ms']} ms, "
              f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms")
        print(json.dumps(result))
        return 0
    finally:
        for s in sockets:
            s.close()
        for server in (a, b):
            if server is not None:
                server.stop()
        redis.kill()
        redis.wait()


if __name__ == "__main__":
    sys.exit(main())
