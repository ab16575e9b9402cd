#!/usr/bin/env python3
"""What idle WebSockets cost piloto: open N (default 10,000) idle connections to /ws/echo and
report piloto's resident memory before and after, and per connection.

Usage: bench/ws_idle.py [-n 10000] [--piloto .build/release/piloto] [--hold 5]
Starts its own `piloto serve --config bench/ws_bench.yaml` (max_connections 12000) on a free port,
raises the open-files limit to the hard limit, and stops piloto at the end. Stdlib only.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import wsraw  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", "--connections", type=int, default=10_000)
    p.add_argument("--piloto", type=Path, default=wsraw.default_binary())
    p.add_argument("--hold", type=float, default=5.0, help="seconds to hold them idle before measuring")
    args = p.parse_args()
    limit = wsraw.raise_nofile()
    if limit < args.connections + 100:
        wsraw.log(f"open-files limit {limit} is too low for {args.connections} connections (raise ulimit -Hn)")
        return 2
    server = wsraw.Piloto(args.piloto)
    sockets = []
    try:
        time.sleep(0.5)
        before = server.rss_kib()
        started = time.time()
        for i in range(args.connections):
            s, _ = wsraw.handshake(server.port, "/ws/echo")
            sockets.append(s)
            if (i + 1) % 2000 == 0:
                wsraw.log(f"{i + 1} connections open")
        opened_s = time.time() - started
        time.sleep(args.hold)
        # Still alive? One round trip on the first and the last connection.
        for s in (sockets[0], sockets[-1]):
            s.sendall(wsraw.masked_text("ping?"))
            frames, _ = wsraw.parse_frames(s.recv(256))
            assert frames and frames[0][1] == b"ping?", frames
        after = server.rss_kib()
        result = {
            "connections": args.connections, "open_seconds": round(opened_s, 2),
            "rss_before_kib": before, "rss_after_kib": after, "peak_rss_kib": server.hwm_kib(),
            "bytes_per_connection": round((after - before) * 1024 / args.connections),
            "binary": str(args.piloto),
        }
        print(f"piloto RSS: {before / 1024:.1f} MiB idle → {after / 1024:.1f} MiB with {args.connections:,} "
              f"idle WebSockets ({result['bytes_per_connection']:,} bytes each); opened in {opened_s:.1f} s")
        print(json.dumps(result))
        return 0
    finally:
        for s in sockets:
            s.close()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
