"""bench/ws_run: WebSocket echo round trips/s, piloto against Hummingbird 2, FlyingFox and FastAPI/uvicorn.

Each server runs alone pinned to CPU 0 and serves /ws/echo; bench/ws_echo.py runs pinned to CPU 1.
A server that does not start (or has no /ws/echo yet) is skipped and said so.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers as S  # noqa: E402

def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/ws_run", description=__doc__)
    p.add_argument("-d", "--duration", type=float, default=10.0, help="seconds per run (default 10)")
    p.add_argument("-c", "--connections", type=int, default=64, help="WebSocket connections (default 64)")
    p.add_argument("-s", "--size", type=int, default=32, help="message bytes (default 32)")
    p.add_argument("--binary", action="store_true", help="binary frames instead of text")
    p.add_argument("--origin", help="Origin header for the handshake (default https://<service.domain> of "
                   "--config, the origin piloto accepts outside --dev; the peers ignore it)")
    p.add_argument("--servers", default="piloto,hummingbird,flyingfox,uvicorn",
                   help="comma list (default piloto,hummingbird,flyingfox,uvicorn)")
    p.add_argument("--no-build", action="store_true", help="build neither piloto nor a missing Swift peer")
    p.add_argument("--client", choices=["c", "python"], default="c",
                   help="load client: bench/ws_echo.c (default; compiled with cc -O2) or bench/ws_echo.py, "
                        "whose one core saturates near 35k round trips/s and hides the server's speed")
    p.add_argument("--piloto", type=Path, default=S.PILOTO_BINARY)
    p.add_argument("--config", type=Path, default=S.REPO / "piloto.yaml")
    p.add_argument("--json", type=Path, help="results file (default bench/results/ws-<time>.json)")
    return p.parse_args(argv)


def config_origin(config: Path) -> str | None:
    """`https://<service.domain>` read from the config's `service:` block (no YAML library needed)."""
    try:
        in_service = False
        for line in config.read_text().splitlines():
            if line.startswith("service:"):
                in_service = True
            elif line and not line[0].isspace():
                in_service = False
            elif in_service and line.strip().startswith("domain:"):
                value = line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"")
                return f"https://{value}" if value else None
    except OSError:
        return None
    return None


def c_client(work: Path) -> Path | None:
    """bench/ws_echo.c compiled into the run's folder (a second or so), or None without a compiler."""
    binary = work / "ws_echo_c"
    if not binary.exists():
        code, out = S.run(["cc", "-O2", "-o", str(binary), str(S.BENCH / "ws_echo.c")])
        if code != 0:
            S.log(f"ws_echo.c did not compile ({code}); using the Python client:\n{out}")
            return None
    return binary


def echo_load(port: int, args) -> dict:
    binary = c_client(args.work) if args.client == "c" else None
    if binary is not None:
        argv = ["taskset", "-c", S.CLIENT_CPU, str(binary), str(port), "/ws/echo", "-c", str(args.connections),
                "-d", str(args.duration), "-s", str(args.size)]
    else:
        argv = ["taskset", "-c", S.CLIENT_CPU, sys.executable, str(S.BENCH / "ws_echo.py"),
                f"ws://127.0.0.1:{port}/ws/echo", "-c", str(args.connections), "-d", str(args.duration),
                "-s", str(args.size), "--json"]
    argv += (["--binary"] if args.binary else []) + (["--origin", args.origin] if args.origin else [])
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=args.duration + 60)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, json.JSONDecodeError, IndexError) as error:
        return {"errors": 1, "error_samples": [f"client failed: {error}"], "round_trips_per_s": None}


def fmt(value, digits=0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def main(argv) -> int:
    args = parse_args(argv)
    if args.origin is None:
        args.origin = config_origin(args.config)
    order = [s.strip() for s in args.servers.split(",") if s.strip()]
    work = S.workdir()
    args.work = work
    S.log(f"logs: {work}")
    specs = {}
    if "piloto" in order:
        if spec := S.built_piloto_spec(args.piloto, args.config, build=not args.no_build):
            specs["piloto"] = spec
    for name in S.SWIFT_PEERS:
        if name in order and (spec := S.swift_peer_spec(name, build=not args.no_build)):
            specs[name] = spec
    if "uvicorn" in order and (spec := S.uvicorn_spec()):
        specs["uvicorn"] = spec

    results = {"machine": S.machine_info(), "args": {k: str(v) for k, v in vars(args).items()}}
    for server in order:
        spec = specs.get(server)
        proc = S.start(spec, work) if spec else None
        if proc is None:
            results[server] = {"started": False}
            if spec:
                S.log(f"{server}: skipped (did not start; log in {work})")
            continue
        try:
            S.log(f"{server}: {args.connections} connections × {args.duration:g} s of echo")
            cpu0 = S.cpu_seconds(proc.pid)
            r = echo_load(spec.port, args)
            cpu = S.cpu_seconds(proc.pid) - cpu0
            r["server_cpu_us_per_round_trip"] = cpu * 1e6 / r["round_trips"] if r.get("round_trips") else None
            r["started"] = True
            r["note"] = spec.note
            r["peak_rss_kib"] = S.peak_rss_kib(proc.pid)
            r["alive_after_load"] = proc.poll() is None
            results[server] = r
            S.log(f"  {fmt(r.get('round_trips_per_s'))} round trips/s, p99 {fmt(r.get('p99_ms'), 2)} ms, "
                  f"errors {r.get('errors')} {r.get('error_samples', [])[:1]}")
        finally:
            S.stop(proc)

    started = [s for s in order if results[s].get("started")]
    lines = ["## WebSocket echo (same run)", "",
             "| server | round trips/s | p50 ms | p99 ms | server CPU µs/round trip | errors | peak RSS MiB | "
             "client CPU s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for server in order:
        r = results[server]
        if not r.get("started"):
            lines.append(f"| {server} | failed to start / skipped | | | | | | |")
            continue
        rss = r.get("peak_rss_kib")
        lines.append(f"| {server} | {fmt(r.get('round_trips_per_s'))} | {fmt(r.get('p50_ms'), 3)} | "
                     f"{fmt(r.get('p99_ms'), 3)} | {fmt(r.get('server_cpu_us_per_round_trip'), 1)} | {r.get('errors')} | {fmt(rss / 1024 if rss else None, 1)} | "
                     f"{r.get('client_cpu_s')} |")
    if "piloto" in started and len(started) > 1:
        lines += ["", "| ratio piloto / peer | round trips/s | p99 |", "|---|---:|---:|"]
        p = results["piloto"]
        for peer in started:
            if peer == "piloto":
                continue
            q = results[peer]
            rt = p["round_trips_per_s"] / q["round_trips_per_s"] if q.get("round_trips_per_s") else None
            p99 = p["p99_ms"] / q["p99_ms"] if p.get("p99_ms") and q.get("p99_ms") else None
            lines.append(f"| vs {peer} | {fmt(rt, 2)} | {fmt(p99, 2)} |")
    elif "piloto" in order:
        lines += ["", "piloto did not run, so there are no piloto/peer ratios in this run."]
    print("\n".join(lines))
    path = args.json or (S.BENCH / "results" / time.strftime("ws-%Y%m%dT%H%M%SZ.json", time.gmtime()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    S.log(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
