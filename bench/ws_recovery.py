#!/usr/bin/env python3
"""Recovery cost: a member that missed N stored messages (default 500, the history size) comes
back with `?epoch=E&offset=O` and gets `hello` plus the N missed messages; this measures how long
that takes and how much server CPU it costs.

Usage: bench/ws_recovery.py [-n 500] [-r 20] [--size 100] [--piloto .build/release/piloto] [--cpu 0]

Per recovery: wall time from the first byte of the upgrade request to the last missed message
on the client's socket (loopback included: an upper bound of server time), and piloto's CPU time
(utime+stime from /proc/<pid>/stat, summed over all its threads) across the recovery, divided by
the runs. Target (issue 14): < 20 ms server time for 500 messages. Stdlib only.
"""

import argparse
import json
import os
import socket
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import wsraw  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def read_frames(s, buffer, want, deadline):
    """Reads until `want(frames)` is true; returns (frames, rest)."""
    frames = []
    while True:
        parsed, buffer = wsraw.parse_frames(buffer)
        frames += [json.loads(payload) for opcode, payload in parsed if opcode == 1]
        if want(frames):
            return frames, buffer
        if time.time() > deadline:
            raise TimeoutError(f"got {len(frames)} frames")
        chunk = s.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", "--missed", type=int, default=500)
    p.add_argument("-r", "--runs", type=int, default=20)
    p.add_argument("--size", type=int, default=100, help="bytes of data per message (default 100)")
    p.add_argument("--piloto", type=Path, default=wsraw.default_binary())
    p.add_argument("--cpu", help="pin piloto to this CPU (taskset)")
    args = p.parse_args()
    server = wsraw.Piloto(args.piloto, cpu=args.cpu)
    try:
        sender, rest = wsraw.handshake(server.port, "/ws/recovery")
        hello, rest = read_frames(sender, rest, lambda f: len(f) >= 1, time.time() + 10)
        epoch = hello[0]["epoch"]
        start_offset = hello[0]["offset"]
        text = "x" * args.size
        for _ in range(args.missed):
            sender.sendall(wsraw.masked_text(text))
        echoed, rest = read_frames(sender, rest, lambda f: sum(x.get("type") == "message" for x in f) >= args.missed,
                                   time.time() + 30)
        top = [x for x in echoed if x.get("type") == "message"][-1]["offset"]
        walls, cpus, missed = [], [], []
        for _ in range(args.runs):
            cpu0 = cpu_seconds(server.pid)
            t0 = time.perf_counter()
            s, buffer = wsraw.handshake(server.port, f"/ws/recovery?epoch={epoch}&offset={start_offset}")
            frames, _ = read_frames(s, buffer, lambda f: sum(x.get("type") == "message" for x in f) >= args.missed,
                                    time.time() + 10)
            walls.append((time.perf_counter() - t0) * 1000)
            s.close()
            time.sleep(0.05)  # the leave is processed off the clock
            cpus.append((cpu_seconds(server.pid) - cpu0) * 1000)
            hello = frames[0]
            messages = [x for x in frames if x.get("type") == "message"]
            offsets = [x["offset"] for x in messages]
            assert hello["type"] == "hello" and hello["recovered"] is True, hello
            assert offsets == list(range(start_offset + 1, top + 1)), (offsets[:3], offsets[-3:])
            missed.append(hello["missed"])
        sender.close()
        result = {
            "missed": args.missed, "runs": args.runs, "size": args.size,
            "wall_ms_p50": round(statistics.median(walls), 3), "wall_ms_max": round(max(walls), 3),
            "server_cpu_ms_per_recovery": round(sum(cpus) / len(cpus), 3),
            "hello_missed": sorted(set(missed)), "binary": str(args.piloto),
        }
        print(f"recovery of {args.missed} missed messages ({args.size} B each), {args.runs} runs: wall p50 "
              f"{result['wall_ms_p50']} ms, max {result['wall_ms_max']} ms (upgrade to last message, loopback); "
              f"piloto CPU {result['server_cpu_ms_per_recovery']} ms per recovery (target < 20 ms)")
        print(json.dumps(result))
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
