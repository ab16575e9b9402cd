"""Reverse-proxy benchmark: piloto's `handler: proxy` vs nginx (`proxy_pass` + upstream keepalive)
vs Caddy (`reverse_proxy`), all in front of the same fast upstream, in one run; then FastAPI/uvicorn
alone vs behind piloto (the latency piloto adds to the team's own backend).

Pinning: the proxy under test on CPU 0; the upstream and wrk on CPU 1 (the same for every proxy).
Per proxy: requests/s, p50/p99, non-2xx, socket errors, and the proxy's CPU time per request
(utime + stime of its process tree from /proc, divided by requests). Targets (issue 11):
piloto's req/s >= nginx's, p99 <= nginx's, CPU/request <= nginx's; uvicorn p99 added < 0.3 ms.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers  # noqa: E402
from httpbench import parse_wrk  # noqa: E402
from servers import BENCH, REPO, Spec, log  # noqa: E402

UPSTREAM_CPU = servers.CLIENT_CPU


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/proxy_run", description=__doc__.splitlines()[0])
    p.add_argument("-d", "--duration", default="10s")
    p.add_argument("-c", "--connections", type=int, default=64)
    p.add_argument("--uvicorn-connections", type=int, default=8,
                   help="wrk connections for the uvicorn comparison (low: it measures added latency, not queueing)")
    p.add_argument("--rounds", type=int, default=1, help="alternate the proxies N times, report medians")
    p.add_argument("--no-build", action="store_true", help="use the piloto binary already built")
    p.add_argument("--piloto", type=Path, default=servers.PILOTO_BINARY)
    p.add_argument("--servers", default="piloto,nginx,caddy")
    p.add_argument("--no-uvicorn", action="store_true")
    return p.parse_args(argv)


def pinned(cpu, argv, logdir, name, env=None):
    logfile = open(logdir / f"{name}.log", "ab")
    proc = subprocess.Popen(["taskset", "-c", cpu, *argv], stdin=subprocess.DEVNULL, stdout=logfile,
                            stderr=subprocess.STDOUT, start_new_session=True, env=env)
    logfile.close()
    servers._started.append(proc)
    return proc


def upstream_nginx(work: Path, logdir: Path) -> tuple[subprocess.Popen, int]:
    """The fast upstream: nginx answering `ok` with keep-alive, on CPU 1."""
    port = servers.free_port()
    conf = work / "upstream-nginx.conf"
    conf.write_text(f"""
worker_processes 1;
daemon off;
pid {work}/upstream-nginx.pid;
error_log {logdir}/upstream-nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  server {{
    listen 127.0.0.1:{port} reuseport;
    location / {{ default_type text/plain; return 200 "ok\\n"; }}
  }}
}}
""")
    proc = pinned(UPSTREAM_CPU, ["nginx", "-c", str(conf), "-p", str(work)], logdir, "upstream-nginx")
    deadline = time.time() + 10
    while time.time() < deadline and servers.probe(port, "/") != 200:
        time.sleep(0.01)
    return proc, port


def piloto_proxy_spec(binary: Path, work: Path, upstream: int, prefix="/api/clientes", health="/api/health") -> Spec:
    port = servers.free_port()
    config = work / f"piloto-proxy-{upstream}.yaml"
    config.write_text(f"""service:
  name: bench-proxy
  domain: bench.example.com
  project: bench-project
  region: us-central1
  image: x/y:1
edge:
  mode: none
server:
  access_log: false
  workers: 1
routes:
  - path: {health}
    handler: health
  - path: {prefix}
    handler: proxy
    upstream: http://127.0.0.1:{upstream}
""")
    return Spec("piloto", [str(binary), "serve", "--config", str(config), "--port", str(port)], port,
                env={"PORT": str(port)}, cwd=work, note=str(binary), health_path=health)


def nginx_proxy_spec(work: Path, logdir: Path, upstream: int, own_health: bool = True, name: str = "nginx-proxy") -> Spec:
    """nginx in front of `upstream`. `own_health`: nginx answers /api/health itself (the fast
    upstream comparison); False proxies it too (in front of uvicorn, whose /api/health is measured)."""
    port = servers.free_port()
    conf = work / f"{name}.conf"
    health = """    location = /api/health { default_type application/json; return 200 '{"status":"ok"}'; }\n""" if own_health else ""
    conf.write_text(f"""
worker_processes 1;
daemon off;
pid {work}/{name}.pid;
error_log {logdir}/{name}-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  upstream backend {{ server 127.0.0.1:{upstream}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
{health}    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
    }}
  }}
}}
""")
    return Spec("nginx", ["nginx", "-c", str(conf), "-p", str(work)], port, note=servers._version(["nginx", "-v"]))


def caddy_proxy_spec(work: Path, upstream: int) -> Spec | None:
    if not shutil.which("caddy"):
        log("caddy: not installed (apt-get install -y caddy); skipped")
        return None
    port = servers.free_port()
    conf = work / "Caddyfile"
    conf.write_text(f"""{{
  admin off
  auto_https off
}}
http://127.0.0.1:{port} {{
  handle /api/health {{
    respond `{{"status":"ok"}}` 200
  }}
  handle {{
    reverse_proxy 127.0.0.1:{upstream}
  }}
}}
""")
    return Spec("caddy", ["caddy", "run", "--config", str(conf), "--adapter", "caddyfile"], port,
                env={"HOME": str(work), "XDG_DATA_HOME": str(work), "XDG_CONFIG_HOME": str(work)},
                note=servers._version(["caddy", "version"]))


def wrk(port: int, path: str, duration: str, connections: int) -> dict:
    argv = ["taskset", "-c", servers.CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency",
            f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600).stdout
    return parse_wrk(out)


def measure(spec: Spec, logdir: Path, path: str, args, connections: int) -> dict | None:
    proc = servers.start(spec, logdir)
    if proc is None:
        return None
    try:
        if servers.probe(spec.port, path) != 200:
            log(f"{spec.name}: {path} did not answer 200 through the proxy")
            return None
        wrk(spec.port, path, "1s", connections)  # warm-up: pools filled, caches hot
        before = servers.cpu_seconds(proc.pid)
        result = wrk(spec.port, path, args.duration, connections)
        used = servers.cpu_seconds(proc.pid) - before
        requests = result.get("requests") or 0
        result["cpu_us_per_request"] = used * 1e6 / requests if requests else None
        result["peak_rss_kib"] = servers.peak_rss_kib(proc.pid)
        return result
    finally:
        servers.stop(proc)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def merge(rounds: list[dict]) -> dict:
    keys = ["requests_per_s", "p50_ms", "p99_ms", "non_2xx_3xx", "socket_errors", "cpu_us_per_request", "peak_rss_kib"]
    return {k: median([r.get(k) for r in rounds]) for k in keys}


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def main(argv) -> int:
    args = parse_args(argv)
    work = servers.workdir()
    logdir = work
    log(f"proxy bench: logs and configs in {work}")
    binary = args.piloto
    if not args.no_build:
        spec = servers.built_piloto_spec(binary, REPO / "piloto.yaml", True)
        if spec is None:
            return 1
    upstream_proc, upstream = upstream_nginx(work, logdir)
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    builders = {
        "piloto": lambda: piloto_proxy_spec(binary.resolve(), work, upstream),
        "nginx": lambda: nginx_proxy_spec(work, logdir, upstream),
        "caddy": lambda: caddy_proxy_spec(work, upstream),
    }
    runs: dict[str, list[dict]] = {n: [] for n in names}
    notes: dict[str, str] = {}
    for round_index in range(args.rounds):
        order = names if round_index % 2 == 0 else list(reversed(names))
        for name in order:
            spec = builders[name]()
            if spec is None:
                continue
            notes[name] = spec.note
            log(f"round {round_index + 1}: {name} → upstream (wrk -c{args.connections} -d{args.duration})")
            result = measure(spec, logdir, "/api/clientes/1", args, args.connections)
            if result:
                runs[name].append(result)
    servers.stop(upstream_proc)
    table = {name: merge(r) for name, r in runs.items() if r}

    uvicorn = {}
    if not args.no_uvicorn:
        uvicorn = bench_uvicorn(args, work, logdir, binary.resolve())

    out = ["## Reverse proxy: same upstream (nginx `return 200`), proxy on CPU 0, upstream + wrk on CPU 1", "",
           f"wrk -t1 -c{args.connections} -d{args.duration}, {args.rounds} round(s), medians", "",
           "| proxy | req/s | p50 ms | p99 ms | non-2xx | socket errors | CPU µs/request | peak RSS MiB |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        r = table.get(name)
        if not r:
            out.append(f"| {name} | failed | | | | | | |")
            continue
        rss = r["peak_rss_kib"] / 1024 if r["peak_rss_kib"] else None
        out.append(f"| {name} | {fmt(r['requests_per_s'])} | {fmt(r['p50_ms'], 2)} | {fmt(r['p99_ms'], 2)} | "
                   f"{fmt(r['non_2xx_3xx'])} | {fmt(r['socket_errors'])} | {fmt(r['cpu_us_per_request'], 1)} | {fmt(rss, 1)} |")
    if "piloto" in table and "nginx" in table:
        p, n = table["piloto"], table["nginx"]
        out += ["", "| target | piloto | nginx | ratio | met |", "|---|---:|---:|---:|---|"]
        for label, key, higher in (("req/s ≥ nginx", "requests_per_s", True), ("p99 ≤ nginx", "p99_ms", False),
                                   ("CPU/request ≤ nginx", "cpu_us_per_request", False)):
            a, b = p.get(key), n.get(key)
            ratio = a / b if a and b else None
            met = None if ratio is None else (ratio >= 1 if higher else ratio <= 1)
            out.append(f"| {label} | {fmt(a, 2)} | {fmt(b, 2)} | {fmt(ratio, 2)} | {'yes' if met else 'no' if met is not None else '—'} |")
    if uvicorn:
        out += ["", f"## FastAPI/uvicorn alone vs behind piloto (wrk -c{args.uvicorn_connections}, uvicorn on CPU 1, piloto on CPU 0)", "",
                "| path | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
        for label in ("uvicorn alone", "uvicorn behind piloto", "uvicorn behind nginx"):
            r = uvicorn.get(label)
            if r:
                out.append(f"| {label} | {fmt(r['requests_per_s'])} | {fmt(r['p50_ms'], 2)} | {fmt(r['p99_ms'], 2)} |")
        if uvicorn.get("added_p99_ms") is not None:
            added = uvicorn["added_p99_ms"]
            out += ["", f"p99 added by piloto: {added:.3f} ms (target < 0.3 ms): {'met' if added < 0.3 else 'not met'}"]
        if uvicorn.get("added_p99_ms_nginx") is not None:
            out += [f"p99 added by nginx in the same layout (reference): {uvicorn['added_p99_ms_nginx']:.3f} ms"]
    report = "\n".join(out)
    print(report)
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results_dir / f"proxy-{stamp}.json").write_text(json.dumps(
        {"machine": servers.machine_info(), "args": vars(args) | {"piloto": str(args.piloto)}, "proxies": table,
         "runs": runs, "notes": notes, "uvicorn": uvicorn}, indent=2, default=str))
    return 0


def bench_uvicorn(args, work: Path, logdir: Path, binary: Path) -> dict:
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        log("uvicorn comparison skipped: pip install fastapi uvicorn")
        return {}
    if not servers.ensure_frontend():  # the FastAPI peer mounts frontend/dist/assets
        log("uvicorn comparison skipped: the frontend does not build")
        return {}
    port = servers.free_port()
    argv = [sys.executable, "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(BENCH / "peers"), "--host",
            "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log"]
    proc = pinned(UPSTREAM_CPU, argv, logdir, "uvicorn")
    deadline = time.time() + 30
    while time.time() < deadline and servers.probe(port, "/api/health") != 200:
        time.sleep(0.05)
    results = {}
    try:
        wrk(port, "/api/health", "1s", args.uvicorn_connections)
        alone, behind, behind_nginx = [], [], []
        # piloto's own health moves to /healthz so that /api/health is the backend's, proxied as is.
        spec = piloto_proxy_spec(binary, work, port, prefix="/api", health="/healthz")
        piloto = servers.start(spec, logdir)
        if piloto is None:
            return {}
        # nginx in front of the same uvicorn, on the same CPU as piloto: what any proxy hop costs
        # in this layout (uvicorn shares CPU 1 with wrk, so it loses throughput to the hop's
        # timing, and its queue grows), measured beside piloto's so the target can be read against it.
        nginx_spec = nginx_proxy_spec(work, logdir, port, own_health=False, name="nginx-uvicorn") if shutil.which("nginx") else None
        nginx = servers.start(nginx_spec, logdir) if nginx_spec else None
        try:
            path = "/api/health"
            if servers.probe(spec.port, path) != 200:
                log("uvicorn behind piloto: /api/health did not answer 200")
                return {}
            for _ in range(max(args.rounds, 1)):
                alone.append(wrk(port, "/api/health", args.duration, args.uvicorn_connections))
                behind.append(wrk(spec.port, path, args.duration, args.uvicorn_connections))
                if nginx:
                    behind_nginx.append(wrk(nginx_spec.port, path, args.duration, args.uvicorn_connections))
        finally:
            servers.stop(piloto)
            if nginx:
                servers.stop(nginx)
        results["uvicorn alone"] = merge(alone)
        results["uvicorn behind piloto"] = merge(behind)
        a, b = results["uvicorn alone"].get("p99_ms"), results["uvicorn behind piloto"].get("p99_ms")
        results["added_p99_ms"] = (b - a) if a is not None and b is not None else None
        if behind_nginx:
            results["uvicorn behind nginx"] = merge(behind_nginx)
            n = results["uvicorn behind nginx"].get("p99_ms")
            results["added_p99_ms_nginx"] = (n - a) if a is not None and n is not None else None
    finally:
        servers.stop(proc)
    return results


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
