"""bench/run: piloto against nginx (and Hummingbird 2, FlyingFox, FastAPI/uvicorn) on the same files, in one run.

See bench/README.md. Each server runs alone, pinned to CPU 0; wrk runs pinned to CPU 1.
"""

import argparse
import gzip
import http.client
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers as S  # noqa: E402

# (scenario, path or None for the vendor asset, request headers, target req/s ratio vs nginx)
SCENARIOS = [
    ("js-gzip", None, {"Accept-Encoding": "gzip"}, 0.9),
    ("spa-route", "/dashboard/clientes/42", {"Accept": "text/html"}, 1.5),
    ("health", "/api/health", {}, 0.9),
]
P99_TARGET = 1.25
COLD_TARGET = 1.5
RSS_TARGET_KIB = 24 * 1024
# Issue 12 (a small image that starts fast): stricter, checked in the same table.
COLD_TARGET_12 = 1.0
RSS_TARGET_KIB_12 = 14 * 1024
BINARY_TARGET_BYTES_12 = 25 * 1000 * 1000


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    p.add_argument("-d", "--duration", default="10s", help="wrk duration per scenario (default 10s)")
    p.add_argument("-c", "--connections", type=int, default=64, help="wrk connections (default 64)")
    p.add_argument("--warmup", default="1s", help="wrk warm-up run per scenario, not recorded (default 1s; 0 = none)")
    p.add_argument("--rounds", type=int, default=1,
                   help="repeat the load phase N times, servers alternating; medians reported (default 1)")
    p.add_argument("--cold-runs", type=int, default=5, help="cold starts per server, median reported (default 5)")
    p.add_argument("--servers", default="piloto,nginx,hummingbird,flyingfox,uvicorn",
                   help="comma list (default piloto,nginx,hummingbird,flyingfox,uvicorn)")
    p.add_argument("--no-build", action="store_true",
                   help="do not run `swift build -c release` for piloto (nor build a missing Swift peer)")
    p.add_argument("--rebuild-frontend", action="store_true", help="run `npm run build` even if dist exists")
    p.add_argument("--piloto", type=Path, default=S.PILOTO_BINARY, help="piloto binary")
    p.add_argument("--config", type=Path, default=S.REPO / "piloto.yaml", help="piloto.yaml to serve")
    p.add_argument("--json", type=Path, help="results file (default bench/results/http-<time>.json)")
    return p.parse_args(argv)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def parse_wrk(out: str) -> dict:
    result = {"requests_per_s": None, "p50_ms": None, "p99_ms": None, "requests": None,
              "non_2xx_3xx": 0, "socket_errors": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["requests_per_s"] = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        result["p50_ms"] = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        result["p99_ms"] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non_2xx_3xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["socket_errors"] = sum(int(x) for x in m.groups())
    return result


def wrk(url: str, headers: dict, duration: str, connections: int) -> tuple[dict, str]:
    argv = ["taskset", "-c", S.CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency"]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    seconds = _ms(duration) / 1000 if re.fullmatch(r"[\d.]+(us|ms|s|m)", duration) else float(duration)
    try:
        done = subprocess.run(argv + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        return parse_wrk(""), f"wrk did not finish within {seconds + 60:.0f} s"
    return parse_wrk(done.stdout), done.stdout


def check(port: int, path: str, headers: dict, expect_gzip: bool) -> str:
    """One request before the load: is the answer the right one? (200, gzip when asked, real content)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        notes = [str(r.status)]
        encoding = r.getheader("Content-Encoding", "")
        if expect_gzip:
            notes.append(f"gzip {len(body)} B" if encoding == "gzip" else f"NOT gzip ({len(body)} B)")
            if encoding == "gzip":
                try:
                    gzip.decompress(body)
                except OSError:
                    notes.append("BAD gzip")
        elif path.startswith("/dashboard"):
            notes.append("index.html" if b"<!doctype html>" in body[:64].lower() else "NOT index.html")
        return ", ".join(notes)
    except (OSError, http.client.HTTPException) as error:
        return f"error: {error}"
    finally:
        conn.close()


def bench_server(spec, args, logdir, vendor_path) -> dict:
    proc = S.start(spec, logdir)
    if proc is None:
        return {"started": False}
    out = {"started": True, "note": spec.note, "scenarios": {}}
    try:
        for name, path, headers, _ in SCENARIOS:
            path = path or vendor_path
            url = f"http://127.0.0.1:{spec.port}{path}"
            if args.warmup not in ("0", "0s"):
                wrk(url, headers, args.warmup, args.connections)
            cpu0 = S.cpu_seconds(proc.pid)
            result, raw = wrk(url, headers, args.duration, args.connections)
            cpu = S.cpu_seconds(proc.pid) - cpu0
            # Server CPU per request: the fair comparison when wrk's own core is the ceiling.
            result["server_cpu_us_per_req"] = cpu * 1e6 / result["requests"] if result["requests"] else None
            result["check"] = check(spec.port, path, headers, name == "js-gzip")
            result["path"] = path
            out["scenarios"][name] = result
            S.log(f"  {spec.name:12} {name:10} {fmt(result['requests_per_s'], 0):>9} req/s  "
                  f"p99 {fmt(result['p99_ms'], 2)} ms  "
                  f"cpu {fmt(result['server_cpu_us_per_req'], 1)} µs/req  [{result['check']}]")
            if result["requests_per_s"] is None:
                S.log("    wrk output:\n" + raw)
        out["peak_rss_kib"] = S.peak_rss_kib(proc.pid)
        out["alive_after_load"] = proc.poll() is None
    finally:
        S.stop(proc)
    return out


def respec(spec, work, config):
    """The same server on a fresh port (a restart on the old one could meet its TIME_WAIT sockets)."""
    port = S.free_port()
    if spec.name == "nginx":
        return S.nginx_spec(work, config)
    argv = list(spec.argv)
    if spec.name == "uvicorn":
        argv[argv.index("--port") + 1] = str(port)
    elif spec.name in S.SWIFT_PEERS:
        argv[1] = str(port)
    elif spec.name == "piloto":
        argv[argv.index("--port") + 1] = str(port)
    return S.Spec(spec.name, argv, port, {**spec.env, "PORT": str(port)} if spec.name == "piloto" else spec.env,
                  spec.cwd, spec.health_path, spec.note)


def merge_rounds(rounds: list[dict]) -> dict:
    """Medians over rounds for rates and latencies, sums for errors, the max for peak RSS."""
    if not rounds:
        return {"started": False}
    merged = {"started": True, "note": rounds[0]["note"], "rounds": len(rounds), "scenarios": {},
              "peak_rss_kib": max((r.get("peak_rss_kib") or 0) for r in rounds) or None,
              "alive_after_load": all(r.get("alive_after_load") for r in rounds)}
    for name, *_ in SCENARIOS:
        runs = [r["scenarios"][name] for r in rounds if name in r["scenarios"]]
        if not runs:
            continue
        out = {"path": runs[0]["path"], "check": runs[-1]["check"]}
        for key in ("requests_per_s", "p50_ms", "p99_ms", "server_cpu_us_per_req"):
            values = [r[key] for r in runs if r.get(key) is not None]
            out[key] = statistics.median(values) if values else None
        for key in ("requests", "non_2xx_3xx", "socket_errors"):
            out[key] = sum(r.get(key) or 0 for r in runs)
        out["per_round"] = [{k: r.get(k) for k in ("requests_per_s", "p99_ms", "server_cpu_us_per_req")} for r in runs]
        merged["scenarios"][name] = out
    return merged


def fmt(value, digits=0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def evaluate(results: dict) -> list[dict]:
    """The issue's targets, piloto against nginx measured in the same run."""
    p, n = results.get("piloto", {}), results.get("nginx", {})
    both = bool(p.get("started") and n.get("started"))
    rows = []
    for name, _, _, target in SCENARIOS:
        ps = p.get("scenarios", {}).get(name, {})
        ns = n.get("scenarios", {}).get(name, {}) if both else {}
        r = ratio(ps.get("requests_per_s"), ns.get("requests_per_s"))
        rows.append({"target": f"{name} req/s ≥ {target}× nginx", "value": r,
                     "pass": None if r is None else r >= target})
        r = ratio(ps.get("p99_ms"), ns.get("p99_ms"))
        rows.append({"target": f"{name} p99 ≤ {P99_TARGET}× nginx", "value": r,
                     "pass": None if r is None else r <= P99_TARGET})
        errors = (ps.get("non_2xx_3xx") or 0) + (ps.get("socket_errors") or 0) if ps else None
        rows.append({"target": f"{name}: piloto has no errors / non-2xx", "value": errors,
                     "pass": None if errors is None else errors == 0})
    r = ratio(p.get("cold_start_ms"), n.get("cold_start_ms"))
    rows.append({"target": f"cold start ≤ {COLD_TARGET}× nginx", "value": r, "pass": None if r is None else r <= COLD_TARGET})
    rss = p.get("peak_rss_kib")
    rows.append({"target": "piloto peak RSS ≤ 24 MiB", "value": None if rss is None else rss / 1024,
                 "pass": None if rss is None else rss <= RSS_TARGET_KIB})
    r = ratio(p.get("cold_start_ms"), n.get("cold_start_ms"))
    rows.append({"target": "issue 12: cold start ≤ nginx", "value": r, "pass": None if r is None else r <= COLD_TARGET_12})
    rows.append({"target": "issue 12: piloto peak RSS ≤ 14 MiB", "value": None if rss is None else rss / 1024,
                 "pass": None if rss is None else rss <= RSS_TARGET_KIB_12})
    size = results.get("piloto_binary_bytes")
    rows.append({"target": "issue 12: piloto binary (as measured) ≤ 25 MB", "value": None if size is None else size / 1e6,
                 "pass": None if size is None else size <= BINARY_TARGET_BYTES_12})
    return rows


def headline(results: dict) -> list[str]:
    """The issue's table: piloto against nginx, per scenario, with each target's verdict."""
    p, n = results.get("piloto", {}), results.get("nginx", {})
    if not p.get("started"):
        return ["## piloto vs nginx", "", "piloto: failed to start — no piloto numbers in this run "
                "(peers below are still measured).", ""]
    lines = ["## piloto vs nginx (targets)", "",
             "| scenario | piloto req/s | nginx req/s | ratio | target | piloto p99 ms | nginx p99 ms | ratio | "
             "target | piloto errors |",
             "|---|---:|---:|---:|---|---:|---:|---:|---|---:|"]
    for name, _, _, target in SCENARIOS:
        ps, ns = p["scenarios"].get(name, {}), n.get("scenarios", {}).get(name, {})
        rr = ratio(ps.get("requests_per_s"), ns.get("requests_per_s"))
        pr = ratio(ps.get("p99_ms"), ns.get("p99_ms"))
        errors = (ps.get("non_2xx_3xx") or 0) + (ps.get("socket_errors") or 0)
        lines.append(
            f"| {name} | {fmt(ps.get('requests_per_s'))} | {fmt(ns.get('requests_per_s'))} | {fmt(rr, 2)} | "
            f"≥ {target} {verdict(None if rr is None else rr >= target)} | {fmt(ps.get('p99_ms'), 2)} | "
            f"{fmt(ns.get('p99_ms'), 2)} | {fmt(pr, 2)} | ≤ {P99_TARGET} {verdict(None if pr is None else pr <= P99_TARGET)} | "
            f"{errors} {verdict(errors == 0)} |")
    cr = ratio(p.get("cold_start_ms"), n.get("cold_start_ms"))
    rss = p.get("peak_rss_kib")
    lines += ["", f"- cold start: piloto {fmt(p.get('cold_start_ms'), 1)} ms, nginx {fmt(n.get('cold_start_ms'), 1)} ms, "
              f"ratio {fmt(cr, 2)} (target ≤ {COLD_TARGET}): {verdict(None if cr is None else cr <= COLD_TARGET)}",
              f"- piloto peak RSS: {fmt(rss / 1024 if rss else None, 1)} MiB (target ≤ 24 MiB): "
              f"{verdict(None if rss is None else rss <= RSS_TARGET_KIB)}"]
    size = results.get("piloto_binary_bytes")
    lines.append(f"- issue 12: cold start ≤ nginx: {verdict(None if cr is None else cr <= COLD_TARGET_12)}; "
                 f"peak RSS ≤ 14 MiB: {verdict(None if rss is None else rss <= RSS_TARGET_KIB_12)}; "
                 f"binary {fmt(size / 1e6 if size else None, 1)} MB (≤ 25 MB): "
                 f"{verdict(None if size is None else size <= BINARY_TARGET_BYTES_12)}")
    if not p.get("alive_after_load", True):
        lines.append("- **piloto exited during the load** (see its log): FAIL")
    return lines + [""]


def report(results: dict, targets: list[dict], order: list[str]) -> str:
    started = [s for s in order if results.get(s, {}).get("started")]
    lines = headline(results) + ["## Throughput and latency (wrk, same run)", "",
             "| scenario | server | req/s | p50 ms | p99 ms | server CPU µs/req | non-2xx | socket errors | check |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, *_ in SCENARIOS:
        for server in started:
            r = results[server]["scenarios"].get(name, {})
            lines.append(f"| {name} | {server} | {fmt(r.get('requests_per_s'))} | {fmt(r.get('p50_ms'), 3)} | "
                         f"{fmt(r.get('p99_ms'), 3)} | {fmt(r.get('server_cpu_us_per_req'), 1)} | {r.get('non_2xx_3xx', '—')} | {r.get('socket_errors', '—')} | "
                         f"{r.get('check', '')} |")
    base = "piloto" if "piloto" in started else None
    peers = [s for s in started if s != "piloto"]
    if base and peers:
        lines += ["", "## Ratios (piloto / peer; req/s higher is better, p99 lower is better)", "",
                  "| scenario | " + " | ".join(f"req/s vs {p} | p99 vs {p}" for p in peers) + " |",
                  "|---|" + "---:|---:|" * len(peers)]
        for name, *_ in SCENARIOS:
            cells = []
            pr = results["piloto"]["scenarios"].get(name, {})
            for peer in peers:
                qr = results[peer]["scenarios"].get(name, {})
                cells += [fmt(ratio(pr.get("requests_per_s"), qr.get("requests_per_s")), 2),
                          fmt(ratio(pr.get("p99_ms"), qr.get("p99_ms")), 2)]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Cold start and memory", "", "| server | cold start ms (median) | runs ms | peak RSS MiB |",
              "|---|---:|---|---:|"]
    for server in order:
        r = results.get(server, {})
        if not r.get("started") and not r.get("cold_runs_ms"):
            lines.append(f"| {server} | failed to start | | |")
            continue
        runs = ", ".join(fmt(x, 1) for x in r.get("cold_runs_ms", []))
        rss = r.get("peak_rss_kib")
        lines.append(f"| {server} | {fmt(r.get('cold_start_ms'), 1)} | {runs} | {fmt(rss / 1024 if rss else None, 1)} |")
    return "\n".join(lines)


def main(argv) -> int:
    args = parse_args(argv)
    order = [s.strip() for s in args.servers.split(",") if s.strip()]
    for tool in ("wrk", "taskset"):
        if S.run(["which", tool], timeout=10)[0] != 0:
            S.log(f"bench/run: `{tool}` is missing (apt-get install -y wrk util-linux)")
            return 2
    if not S.ensure_frontend(args.rebuild_frontend):
        return 2
    vendor = S.vendor_asset()
    vendor_path = "/assets/" + vendor.name
    S.log(f"asset: {vendor_path} ({vendor.stat().st_size} B, .gz {Path(str(vendor) + '.gz').stat().st_size} B)")

    work = S.workdir()
    S.log(f"logs and configs: {work}")
    specs = {}
    if "piloto" in order:
        if spec := S.built_piloto_spec(args.piloto, args.config, build=not args.no_build):
            specs["piloto"] = spec
    if "nginx" in order:
        specs["nginx"] = S.nginx_spec(work, args.config.resolve())
    for name in S.SWIFT_PEERS:
        if name in order and (spec := S.swift_peer_spec(name, build=not args.no_build, dist=S.DIST)):
            specs[name] = spec
    if "uvicorn" in order and (spec := S.uvicorn_spec()):
        specs["uvicorn"] = spec

    results = {"machine": S.machine_info(), "args": {k: str(v) for k, v in vars(args).items()}, "asset": vendor_path}
    if "piloto" in specs:
        results["piloto_binary_bytes"] = Path(specs["piloto"].argv[0]).stat().st_size
    rounds = {s: [] for s in order}
    for index in range(max(1, args.rounds)):
        for server in order:
            if server not in specs or (index > 0 and not rounds[server]):
                continue
            S.log(f"{server}: load ({args.duration} per scenario, {args.connections} connections, "
                  f"round {index + 1}/{max(1, args.rounds)})")
            specs[server] = respec(specs[server], work, args.config.resolve()) if index > 0 else specs[server]
            one = bench_server(specs[server], args, work, vendor_path)
            if one["started"]:
                rounds[server].append(one)
    for server in order:
        results[server] = merge_rounds(rounds[server])

    # Cold start, round robin over the servers that started, so a noisy moment hits all of them.
    live = [s for s in order if results[s].get("started")]
    runs = {s: [] for s in live}
    for _ in range(args.cold_runs):
        for server in live:
            specs[server] = respec(specs[server], work, args.config.resolve())
            elapsed = S.cold_start(specs[server], work)
            if elapsed is not None:
                runs[server].append(elapsed * 1000)
    for server in live:
        results[server]["cold_runs_ms"] = runs[server]
        results[server]["cold_start_ms"] = statistics.median(runs[server]) if runs[server] else None

    targets = evaluate(results)
    results["targets"] = targets
    table = report(results, targets, order)
    print(table)
    path = args.json or (S.BENCH / "results" / time.strftime("http-%Y%m%dT%H%M%SZ.json", time.gmtime()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    S.log(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
