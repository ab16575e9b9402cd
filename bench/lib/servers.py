"""Starting, probing, measuring and stopping the servers under test (python3 stdlib only).

Every process is started by us in its own session, remembered, and killed by its PID (its
process group, which only holds what it spawned) when the harness exits, however it exits.
"""

import json
import atexit
import glob
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
REPO = BENCH.parent
DIST = REPO / "frontend" / "dist"
SERVER_CPU = "0"
CLIENT_CPU = "1"

_started: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cleanup() -> None:
    for proc in list(_started):
        stop(proc)


def _on_signal(signum, _frame) -> None:
    _cleanup()
    sys.exit(128 + signum)


atexit.register(_cleanup)
signal.signal(signal.SIGINT, _on_signal)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)


def free_port() -> int:
    """A loopback port that was free a moment ago (the kernel picks it; there is a small race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, cwd=REPO, timeout=1800, env=None) -> tuple[int, str]:
    """Runs a build step, returns (exit code, last lines of output)."""
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)
        return done.returncode, "\n".join(done.stdout.splitlines()[-15:])
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout}s"
    except FileNotFoundError as error:
        return 127, str(error)


def ensure_frontend(rebuild: bool = False) -> bool:
    if rebuild or not (DIST / "index.html").is_file() or not glob.glob(str(DIST / "assets" / "vendor-*.js")):
        log("building frontend: npm --prefix frontend run build")
        code, out = run(["npm", "--prefix", str(REPO / "frontend"), "run", "build"])
        if code != 0:
            log(f"frontend build failed ({code}):\n{out}")
            return False
    return True


def vendor_asset() -> Path | None:
    found = sorted(p for p in glob.glob(str(DIST / "assets" / "vendor-*.js")))
    return Path(found[0]) if found else None


@dataclass
class Spec:
    """How to start one server: argv (without taskset), extra env, and its port."""
    name: str
    argv: list[str]
    port: int
    env: dict = field(default_factory=dict)
    cwd: Path = REPO
    health_path: str = "/api/health"
    note: str = ""


def spawn(spec: Spec, logdir: Path) -> subprocess.Popen:
    """Starts the server pinned to CPU 0; `taskset` execs it, so the PID is the server's own."""
    env = dict(os.environ)
    env.update(spec.env)
    logfile = open(logdir / f"{spec.name}.log", "ab")
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, *spec.argv], cwd=spec.cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=logfile, stderr=subprocess.STDOUT,
                            start_new_session=True)
    logfile.close()
    _started.append(proc)
    return proc


def stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc in _started:
        _started.remove(proc)
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)  # the group we created with start_new_session (pgid == pid)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def probe(port: int, path: str, timeout: float = 0.5) -> int:
    """One GET; returns the status, or 0 when nothing answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


def wait_ready(proc: subprocess.Popen, spec: Spec, timeout: float = 30.0) -> float | None:
    """Polls the health route in a tight loop; returns seconds from now to the first 200, or None
    when the process exited or the deadline passed."""
    start = time.perf_counter()
    deadline = start + timeout
    while time.perf_counter() < deadline:
        if probe(spec.port, spec.health_path) == 200:
            return time.perf_counter() - start
        if proc.poll() is not None:
            return None
        time.sleep(0.001)
    return None


def start(spec: Spec, logdir: Path, timeout: float = 30.0) -> subprocess.Popen | None:
    proc = spawn(spec, logdir)
    if wait_ready(proc, spec, timeout) is None:
        tail = log_tail(logdir / f"{spec.name}.log")
        stop(proc)
        log(f"{spec.name}: failed to start" + (f"\n    {tail}" if tail else ""))
        return None
    return proc


def cold_start(spec: Spec, logdir: Path, timeout: float = 30.0) -> float | None:
    """Spawn → first 200 on the health route, in seconds (the process is stopped afterwards)."""
    t0 = time.perf_counter()
    proc = spawn(spec, logdir)
    elapsed = wait_ready(proc, spec, timeout)
    total = None if elapsed is None else time.perf_counter() - t0
    stop(proc)
    return total


def log_tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n    ".join(text[-lines:])


def _children(pid: int) -> list[int]:
    found = []
    for task in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            found += [int(x) for x in Path(task).read_text().split()]
        except OSError:
            pass
    return found


def _tree(pid: int) -> list[int]:
    seen, queue = [], [pid]
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.append(current)
        queue += _children(current)
    return seen


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process and its descendants, from /proc/<pid>/stat."""
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            continue
    return total / _TICKS


def peak_rss_kib(pid: int) -> int | None:
    """VmHWM (peak resident set) summed over the process and its descendants (nginx: master +
    worker). Read after the load, so it is the peak of the whole run."""
    total, seen, queue = 0, set(), [pid]
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        queue += _children(current)
    return total or None


# piloto is measured as the container ships it (out/Dockerfile): a release build with the Swift
# runtime linked statically, which is what makes its cold start small (no dynamic loading of
# Foundation), then `strip`ped as the image's build stage does. A separate scratch path keeps it
# from fighting the dev build's flags.
PILOTO_BUILD = ["swift", "build", "-c", "release", "--static-swift-stdlib", "--disable-local-rpath", "--product", "piloto",
                "--scratch-path", str(REPO / ".build" / "static")]
PILOTO_BUILT = REPO / ".build" / "static" / "release" / "piloto"
PILOTO_BINARY = REPO / ".build" / "static" / "release" / "piloto-stripped"


def strip_piloto() -> None:
    """`strip -o piloto-stripped piloto` when the build is newer than the stripped copy: the
    binary the image ships (the Dockerfile's `strip`), 17 MB instead of 35."""
    if not PILOTO_BUILT.is_file():
        return
    if PILOTO_BINARY.is_file() and PILOTO_BINARY.stat().st_mtime >= PILOTO_BUILT.stat().st_mtime:
        return
    code, out = run(["strip", "-o", str(PILOTO_BINARY), str(PILOTO_BUILT)], timeout=120)
    if code != 0:
        log(f"piloto: strip failed ({code}):\n{out}")


def built_piloto_spec(binary: Path, config: Path, build: bool) -> "Spec | None":
    """piloto as both harnesses run it: built first as the image builds it (unless `build` is
    False), then `piloto_spec`; None, logged as a start failure, when the binary is missing."""
    if build:
        log("building piloto as the image does: " + " ".join(PILOTO_BUILD) + " (use --no-build to skip)")
        code, out = run(["nice", "-n", "5", *PILOTO_BUILD])
        if code != 0:
            log(f"piloto: build failed ({code}):\n{out}")
    if binary == PILOTO_BINARY:
        strip_piloto()
    if not binary.is_file():
        log(f"piloto: failed to start ({binary} does not exist)")
        return None
    return piloto_spec(binary.resolve(), server_only_config(config.resolve()))


def server_only_config(config: Path) -> Path:
    """The config piloto is measured on: the same file minus the `run:` lines of `backends:`.

    Why: a `run:` backend is the team's own process (the demo's uvicorn), not the server's; nginx
    does not start it either. Left in, it would be counted in piloto's peak RSS (the harness sums
    descendants, for nginx's workers) and its Python start-up would share CPU 0 with piloto's first
    request during the cold start. Written beside the original (relative roots keep resolving) as a
    dotfile, removed when the harness exits; the file itself is unchanged when it has no `run:`.
    """
    lines = config.read_text().splitlines(keepends=True)
    kept, in_backends = [], False
    for line in lines:
        stripped = line.strip()
        if line and not line[0].isspace() and stripped and not stripped.startswith("#"):
            in_backends = stripped.startswith("backends:")
        if in_backends and stripped.startswith("run:"):
            continue
        kept.append(line)
    if len(kept) == len(lines):
        return config
    derived = config.parent / f".piloto-bench-{os.getpid()}.yaml"
    derived.write_text("".join(kept))
    atexit.register(lambda: derived.unlink(missing_ok=True))
    log(f"piloto: measured without its run: backends ({derived.name}; the backend is the app's, not the server's)")
    return derived


def config_headers(config: Path | None) -> list[tuple[str, str]]:
    """`server.headers` of the piloto config (in file order), so nginx sends the same bytes piloto
    does: a peer that skips the security headers would win on response size, not on speed."""
    if config is None or not config.exists():
        return []
    try:
        import yaml  # PyYAML; .ci/run installs it
    except ImportError:
        log("nginx: PyYAML missing, so nginx will not send piloto's server.headers (pip install PyYAML)")
        return []
    data = yaml.safe_load(config.read_text()) or {}
    headers = ((data.get("server") or {}).get("headers")) or {}
    return [(str(k), str(v)) for k, v in headers.items()]


def nginx_spec(workdir: Path, config: Path | None = None) -> Spec:
    """nginx as a static-site peer: one worker, try_files SPA fallback, gzip_static, open_file_cache,
    and piloto's `server.headers` on every response (add_header in each location, because a
    location's add_header replaces the server's)."""
    extra = "".join(
        f"            add_header {name} {json.dumps(value)} always;\n" for name, value in config_headers(config))
    port = free_port()
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / "nginx" / sub).mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx" / "nginx.conf"
    user = "root root" if os.geteuid() == 0 else ""
    conf.write_text(f"""# written by bench/run; the static-file peer for piloto
{"user " + user + ";" if user else ""}
worker_processes 1;
daemon off;
pid {workdir}/nginx/nginx.pid;
error_log {workdir}/nginx/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    client_body_temp_path {workdir}/nginx/client_body;
    proxy_temp_path {workdir}/nginx/proxy;
    fastcgi_temp_path {workdir}/nginx/fastcgi;
    uwsgi_temp_path {workdir}/nginx/uwsgi;
    scgi_temp_path {workdir}/nginx/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {DIST};
        location /assets/ {{
            gzip_static on;
            # No `expires max`: it would add a second, different Cache-Control (and an Expires)
            # header; piloto sends exactly this one.
            add_header Cache-Control "public, max-age=31536000, immutable";
{extra}            try_files $uri =404;
        }}
        location = /api/health {{
            default_type application/json;
            add_header Cache-Control "no-store" always;
{extra}            return 200 '{{"status":"ok"}}';
        }}
        location / {{
            add_header Cache-Control "no-cache";
{extra}            try_files $uri $uri/ /index.html;
        }}
    }}
}}
""")
    return Spec("nginx", ["nginx", "-p", str(workdir / "nginx"), "-c", str(conf)], port,
                note="nginx " + _version(["nginx", "-v"]))


def uvicorn_spec() -> Spec | None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        log("uvicorn: fastapi/uvicorn not installed (pip install fastapi uvicorn websockets); skipped")
        return None
    port = free_port()
    return Spec("uvicorn", [sys.executable, "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(BENCH / "peers"),
                            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                            "--log-level", "warning", "--no-access-log"],
                port, env={"FRONTEND_DIST": str(DIST)}, note="FastAPI " + _module_version("fastapi") +
                " / uvicorn " + _module_version("uvicorn"))


def piloto_spec(binary: Path, config: Path) -> Spec:
    port = free_port()
    return Spec("piloto", [str(binary), "serve", "--config", str(config), "--port", str(port)], port,
                env={"PORT": str(port)}, cwd=config.parent, note=str(binary.relative_to(REPO))
                if binary.is_relative_to(REPO) else str(binary))


SWIFT_PEERS = {
    # name: (package folder, executable, label)
    "hummingbird": (BENCH / "peers" / "hummingbird-ws", "hummingbird-ws", "Hummingbird 2 + hummingbird-websocket"),
    "flyingfox": (BENCH / "peers" / "flyingfox-peer", "flyingfox-peer", "FlyingFox"),
}


def swift_peer_spec(name: str, build: bool, dist: Path | None = None) -> Spec | None:
    """A Swift peer (`<binary> <port> [dist]`); built once when missing (minutes), unless `build` is False."""
    folder, executable, label = SWIFT_PEERS[name]
    binary = folder / ".build" / "release" / executable
    if build and not binary.is_file():
        log(f"building the {name} peer (swift build -c release --package-path {folder.relative_to(REPO)}; "
            "minutes, once)")
        code, out = run(["nice", "-n", "10", "swift", "build", "-c", "release", "--package-path", str(folder)],
                        timeout=3600)
        if code != 0:
            log(f"{name}: build failed ({code}):\n{out}")
    if not binary.is_file():
        log(f"{name}: {binary.relative_to(REPO)} is not built "
            f"(swift build -c release --package-path {folder.relative_to(REPO)}); skipped")
        return None
    port = free_port()
    return Spec(name, [str(binary), str(port)] + ([str(dist)] if dist else []), port, note=label)


def _version(argv) -> str:
    code, out = run(argv, timeout=10)
    return out.strip().split("/")[-1] if code == 0 else "?"


def _module_version(name: str) -> str:
    try:
        return __import__(name).__version__
    except Exception:  # noqa: BLE001 - only for a label
        return "?"


def machine_info() -> dict:
    code, commit = run(["git", "rev-parse", "--short", "HEAD"], timeout=10)
    return {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "uname": " ".join(os.uname()),
        "commit": commit.strip() if code == 0 else "?",
        "server_cpu": SERVER_CPU,
        "client_cpu": CLIENT_CPU,
        "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
    }


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="piloto-bench-"))
