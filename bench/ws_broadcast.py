#!/usr/bin/env python3
"""Channel fan-out latency: M members (default 1,000) in one channel, one sender, K messages
(default 50); reports the delivery latency from the sender's `send` to each member's socket.

Usage: bench/ws_broadcast.py [-m 1000] [-k 50] [--piloto .build/release/piloto] [--cpu 0]
Latency is measured with the kernel's receive timestamp of each member's socket (SO_TIMESTAMPNS,
CLOCK_REALTIME) minus the wall-clock time just before the sender's `send`, so it measures
piloto's fan-out plus loopback, not how fast this Python process drains 1,000 sockets. Messages
are sent one at a time, after every member received the previous one; after each send this
process sleeps `--settle` seconds so it does not compete with piloto for the CPU. Stdlib only.
"""

import argparse
import json
import selectors
import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import wsraw  # noqa: E402

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; SCM_TIMESTAMPNS has the same value


def recv_stamped(s):
    """(bytes, kernel receive time in ns or None); b"" on EOF."""
    data, ancillary, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(16))
    stamp = None
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
            seconds, nanos = struct.unpack("qq", value[:16])
            stamp = seconds * 1_000_000_000 + nanos
    return data, stamp


def send_and_time(sender, members, buffers, marker, settle):
    """Sends `marker` from `sender`; returns each member's latency in ms (kernel receive stamp minus
    the wall clock just before the send). Raises when a member gets nothing within 10 s."""
    pending = set(range(len(members)))
    stamps = {}
    selector = selectors.DefaultSelector()
    for index, s in enumerate(members):
        selector.register(s, selectors.EVENT_READ, index)
    sent_ns = time.time_ns()
    sender.sendall(wsraw.masked_text(marker))
    # Stay off the CPU while piloto fans out: the kernel stamps each arrival anyway.
    time.sleep(settle)
    deadline = time.time() + 10
    while pending and time.time() < deadline:
        for key, _ in selector.select(1.0):
            index = key.data
            data, stamp = recv_stamped(key.fileobj)
            if not data:
                raise ConnectionError(f"member {index} closed")
            frames, buffers[index] = wsraw.parse_frames(buffers[index] + data)
            for _, payload in frames:
                if index in pending and f'"data":"{marker}"'.encode() in payload:
                    pending.discard(index)
                    stamps[index] = stamp if stamp is not None else time.time_ns()
    selector.close()
    if pending:
        raise RuntimeError(f"{marker}: {len(pending)} members got nothing within 10 s")
    return [(t - sent_ns) / 1e6 for t in stamps.values()]


def drain(members, buffers, timeout=0.2):
    """Reads whatever is pending on every member (join envelopes) until `timeout` of silence."""
    selector = selectors.DefaultSelector()
    for index, s in enumerate(members):
        selector.register(s, selectors.EVENT_READ, index)
    try:
        while True:
            events = selector.select(timeout)
            if not events:
                return
            for key, _ in events:
                data, _ = recv_stamped(key.fileobj)
                if not data:
                    raise ConnectionError(f"member {key.data} closed")
                _, buffers[key.data] = wsraw.parse_frames(buffers[key.data] + data)
    finally:
        selector.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-m", "--members", type=int, default=1000)
    p.add_argument("-k", "--messages", type=int, default=50)
    p.add_argument("--piloto", type=Path, default=wsraw.default_binary())
    p.add_argument("--cpu", help="pin piloto to this CPU (taskset)")
    p.add_argument("--settle", type=float, default=0.1,
                   help="seconds to sleep after each send before reading (default 0.1)")
    args = p.parse_args()
    wsraw.raise_nofile()
    server = wsraw.Piloto(args.piloto, cpu=args.cpu)
    members = []
    try:
        buffers = []
        for i in range(args.members):
            s, rest = wsraw.handshake(server.port, "/ws/bench")
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            s.setblocking(False)
            members.append(s)
            buffers.append(rest)
            if (i + 1) % 100 == 0:
                drain(members, buffers, timeout=0.01)  # the joins fan out O(n²): keep buffers short
        drain(members, buffers, timeout=0.5)
        sender, _ = wsraw.handshake(server.port, "/ws/bench")
        sender.setblocking(False)
        drain(members, buffers, timeout=0.3)  # the sender's join
        latencies_ms = []
        last_member_ms = []
        marker_prefix = "bench-"
        for k in range(args.messages):
            values = send_and_time(sender, members, buffers, f"{marker_prefix}{k}", args.settle)
            latencies_ms += values
            last_member_ms.append(max(values))
            try:  # the sender's own copy
                while sender.recv(65536):
                    pass
            except BlockingIOError:
                pass
            time.sleep(0.02)
        result = {
            "members": args.members, "messages": args.messages, "deliveries": len(latencies_ms),
            "p50_ms": round(percentile(latencies_ms, 0.50), 3), "p99_ms": round(percentile(latencies_ms, 0.99), 3),
            "max_ms": round(max(latencies_ms), 3),
            "last_member_p50_ms": round(percentile(last_member_ms, 0.50), 3),
            "last_member_p99_ms": round(percentile(last_member_ms, 0.99), 3),
            "binary": str(args.piloto),
        }
        print(f"{args.members:,} members x {args.messages} messages: delivery p50 {result['p50_ms']} ms, "
              f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms; all members reached: "
              f"p50 {result['last_member_p50_ms']} ms, p99 {result['last_member_p99_ms']} ms")
        print(json.dumps(result))
        return 0
    finally:
        for s in members:
            s.close()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
