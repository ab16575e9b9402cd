#!/usr/bin/env python3
"""Scale-out on Redis, end to end (issue 6): three `piloto serve` instances sharing one real
`redis-server`, driven by real HTTP and WebSocket clients (python `websockets`).

    python3 tools/cluster_check.py [--piloto PATH] [--redis-server PATH] [--json FILE]

Checks, each printed with its figures:
  sessions      login on A; `GET /api/auth/me` with that cookie answers 200 on B and C; logout on
                B makes the cookie a stranger on A and C.
  lookup-cost   p99 of an authenticated `me` (a Redis GET) minus p99 of `/api/health`, 300 each.
  broadcast     channel members on A, B and C; one message from each: every member gets every
                message exactly once (the sender included: piloto echoes to the sender too).
  latency       100 members on B, sender on A: all 4,000 deliveries arrive (figures informative;
                bench/ws_cross.py measures the p99 target with kernel receive timestamps).
  (timing targets fail the run only with --targets; otherwise they are reported)
  outage        steady load on A (static file + `me`), Redis shut down (with an RDB save) for 5 s
                and started again on the same port: no instance dies, static answers 200 the
                whole time, `me` answers only 200 or 503 (+ Retry-After) and 503 only while Redis
                was down or reconnecting, recovery time measured; a channel message sent after
                the restart crosses instances again (subscriptions restored).
  silent-redis  an instance whose Redis accepts connections but never answers: `me` answers 503
                within a bounded time, health and static files stay 200.
Exit status 0 when every check passed, 1 when one failed, 2 for setup problems.
"""

import argparse
import asyncio
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_check import default_piloto, free_port, wait_http, yescrypt  # noqa: E402

from websockets.asyncio.client import connect  # noqa: E402

DOMAIN = "app.example.com"
ORIGIN = f"https://{DOMAIN}"
PASSWORD = "cluster-secret"
RESULTS: dict = {}
# Timing target (issue 6: a session lookup adds < 0.5 ms p99) fails the run only
# with --targets: CI runs a debug build on a shared machine, where timings are reported, not judged.
TARGETS = False
FAILURES: list = []


def check(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
    RESULTS.setdefault(name, []).append({"ok": ok, "detail": detail})
    if not ok:
        FAILURES.append(f"{name}: {detail}")


def http(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
         timeout: float = 5):
    """(status, headers, body, seconds) without raising on 4xx/5xx; status 0 on a network error."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, response.read(), time.perf_counter() - start
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.perf_counter() - start
    except (urllib.error.URLError, OSError):
        return 0, {}, b"", time.perf_counter() - start


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")


class Redis:
    """A redis-server we own: persistence on (an RDB in our folder) so a stop and a start keep the
    sessions, as a managed Redis would."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder, self.port, self.proc = binary, folder, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """SHUTDOWN SAVE: the RDB keeps the sessions for the next start."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"SHUTDOWN SAVE\r\n")
                s.recv(64)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class SilentServer:
    """Accepts TCP connections and never answers a byte: a hung Redis."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)


def write_site(folder: Path, name: str, redis_url: str) -> Path:
    dist = folder / "dist"
    (dist / "assets").mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text("<!doctype html><title>cluster</title><p>cluster</p>\n")
    (dist / "assets" / "app.js").write_text("console.log('cluster');\n")
    users = folder / "users.txt"
    if not users.exists():
        users.write_text(f"ana:{yescrypt(PASSWORD)}\nbruno:{yescrypt(PASSWORD)}\ncarla:{yescrypt(PASSWORD)}\n")
    config = folder / f"{name}.yaml"
    config.write_text(f"""service:
  name: cluster-check
  domain: {DOMAIN}
  image: southamerica-east1-docker.pkg.dev/demo/piloto/app:check
scaling:
  max_instances: 3
server:
  port: 8080
  shutdown_grace: 3s
cookies:
  session:
    name: session_id
    secure: false
sessions:
  store: redis
  redis_url: {redis_url}
  users_file: users.txt
routes:
  - path: /api/health
    handler: health
  - path: /api/auth
    handler: auth
  - path: /ws
    handler: websocket
    mode: channels
    auth: required
  - path: /assets
    handler: static
    root: dist/assets
    cache: immutable
  - path: /
    handler: spa
    root: dist
""")
    return config


class Instance:
    def __init__(self, binary: str, config: Path, name: str, log_folder: Path):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_folder / f"{name}.log", "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--config", str(config), "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=config.parent, start_new_session=True)
        wait_http(self.base + "/api/health", self.proc)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def login(instance: Instance, user: str) -> str:
    status, headers, body, _ = http(
        instance.base + "/api/auth/login", "POST", json.dumps({"login": user, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json", "Origin": ORIGIN})
    if status != 200:
        raise AssertionError(f"login on {instance.name} answered {status}: {body[:200]!r}")
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";", 1)[0].strip()
        if pair.startswith("session_id=") and len(pair) > len("session_id="):
            return pair
    raise AssertionError("login set no session cookie")


def me(instance: Instance, cookie: str, timeout: float = 5):
    return http(instance.base + "/api/auth/me", headers={"Cookie": cookie}, timeout=timeout)


# --- WebSocket helpers ---------------------------------------------------------------------------

async def join(instance: Instance, cookie: str, channel: str):
    url = f"ws://127.0.0.1:{instance.port}/ws/{channel}"
    return await connect(url, origin=ORIGIN, additional_headers={"Cookie": cookie}, open_timeout=5,
                         max_size=2**20, ping_interval=None)


def envelope_data(raw) -> tuple[str, str | None]:
    """(type, data) of a channel frame; tolerant of the exact envelope."""
    try:
        message = json.loads(raw)
    except (TypeError, ValueError):
        return "raw", raw if isinstance(raw, str) else None
    if not isinstance(message, dict):
        return "raw", None
    return str(message.get("type", "")), message.get("data")


async def collect(ws, seconds: float) -> list:
    """Every `message` data string received within `seconds`."""
    out = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return out
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=left)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - timeout or closed
            return out
        kind, data = envelope_data(raw)
        if kind == "message" and isinstance(data, str):
            out.append(data)


async def broadcast_once(instances, cookies, channel: str, tag: str) -> None:
    members = [await join(inst, cookies[i], channel) for i, inst in enumerate(instances)]
    await asyncio.sleep(0.3)  # subscriptions settle on every instance
    sent = []
    for i, ws in enumerate(members):
        text = f"{tag}-from-{instances[i].name}"
        sent.append(text)
        await ws.send(text)
    received = await asyncio.gather(*(collect(ws, 2.0) for ws in members))
    for ws in members:
        await ws.close()
    for i, got in enumerate(received):
        counts = {text: got.count(text) for text in sent}
        ok = all(count == 1 for count in counts.values())
        check(f"broadcast[{tag}]", ok, f"member on {instances[i].name} got {counts}")


async def cross_latency(sender_instance, receiver_instance, cookie, members: int = 100, messages: int = 40):
    channel = "latency"
    receivers = []
    for _ in range(members):
        receivers.append(await join(receiver_instance, cookie, channel))
    sender = await join(sender_instance, cookie, channel)
    await asyncio.sleep(0.5)
    arrivals: list[float] = []
    sent_at: dict[str, float] = {}

    async def drain(ws):
        while True:
            try:
                raw = await ws.recv()
            except Exception:  # noqa: BLE001 - closed
                return
            now = time.perf_counter()
            kind, data = envelope_data(raw)
            if kind == "message" and isinstance(data, str) and data in sent_at:
                arrivals.append(now - sent_at[data])

    tasks = [asyncio.create_task(drain(ws)) for ws in receivers]
    # The sender gets its own copy back too (same instance, not what is measured): read, not counted.
    sender_task = asyncio.create_task(collect(sender, messages * 0.05 + 2.0))
    for index in range(messages):
        text = f"t{index}"
        sent_at[text] = time.perf_counter()
        await sender.send(text)
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    for ws in receivers + [sender]:
        await ws.close()
    for task in tasks + [sender_task]:
        task.cancel()
    expected = members * messages
    got = len(arrivals)
    value = p99(arrivals) * 1000
    RESULTS["latency_p99_ms"] = value
    # Delivery counts are judged here; the 5 ms p99 target is measured by bench/ws_cross.py with
    # kernel receive timestamps (this asyncio client's own scheduling dominates its figure).
    check("latency", got == expected,
          f"{got}/{expected} deliveries to {members} members on {receiver_instance.name}, sender on "
          f"{sender_instance.name}: p50 {statistics.median(arrivals) * 1000:.2f} ms, p99 {value:.2f} ms "
          f"(python asyncio client included)")


# --- the checks ----------------------------------------------------------------------------------

def check_sessions(a, b, c):
    cookie = login(a, "ana")
    for inst in (b, c):
        status, _, body, _ = me(inst, cookie)
        check("sessions", status == 200 and b"ana" in body, f"me on {inst.name} with A's cookie → {status}")
    status, _, _, _ = http(b.base + "/api/auth/logout", "POST", b"", {"Cookie": cookie, "Origin": ORIGIN})
    check("sessions", status in (200, 204), f"logout on B → {status}")
    for inst in (a, c):
        status, _, _, _ = me(inst, cookie)
        check("sessions", status == 401, f"me on {inst.name} after logout on B → {status}")


def check_lookup_cost(a):
    """Same keep-alive connection, alternating: `me` (cookie → Redis GET) vs health (no lookup)."""
    import http.client
    cookie = login(a, "bruno")
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=5)

    def timed(path, headers):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start

    authed, plain = [], []
    for index in range(1100):
        status, seconds = timed("/api/auth/me", {"Cookie": cookie})
        if status != 200:
            check("lookup-cost", False, f"me answered {status}")
            return
        status, seconds_plain = timed("/api/health", {})
        if index >= 100:  # warm-up
            authed.append(seconds)
            plain.append(seconds_plain)
    conn.close()
    diff = (p99(authed) - p99(plain)) * 1000
    RESULTS["session_lookup_added_p99_ms"] = diff
    check("lookup-cost", diff < 0.5 or not TARGETS,
          f"p99 me {p99(authed) * 1000:.3f} ms vs health {p99(plain) * 1000:.3f} ms over 1,000 each: "
          f"+{diff:.3f} ms (target < 0.5 ms; one keep-alive connection)")


def check_outage(instances, redis: Redis, cookies):
    a = instances[0]
    cookie = cookies[0]
    samples = []  # (time, kind, status, retry_after)
    stop_flag = threading.Event()

    def load():
        while not stop_flag.is_set():
            t = time.monotonic()
            status, _, _, _ = http(a.base + "/assets/app.js", timeout=5)
            samples.append((t, "static", status, None))
            t = time.monotonic()  # the `me` request's own start, not the static one's
            status, headers, _, _ = me(a, cookie, timeout=5)
            samples.append((t, "me", status, headers.get("Retry-After") if headers else None))
            time.sleep(0.02)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    time.sleep(1.0)
    down_at = time.monotonic()
    redis.stop()
    time.sleep(5.0)
    up_at = time.monotonic()
    redis.start()
    time.sleep(6.0)
    stop_flag.set()
    worker.join(timeout=10)

    alive = all(inst.alive() for inst in instances)
    check("outage", alive, "every instance still running after the outage")
    static = [s for s in samples if s[1] == "static"]
    bad_static = [s for s in static if s[2] != 200]
    check("outage", not bad_static, f"static: {len(static) - len(bad_static)}/{len(static)} answered 200")
    api = [s for s in samples if s[1] == "me"]
    # A request that started just before `redis.stop()` may still be in flight when Redis dies
    # and rightly answer 503: only requests that started well before the stop must be 200.
    before = [s for s in api if s[0] < down_at - 0.3]
    during = [s for s in api if down_at + 0.5 <= s[0] < up_at]
    after = [s for s in api if s[0] >= up_at]
    unexpected = [s for s in api if s[2] not in (200, 503)]
    check("outage", all(s[2] == 200 for s in before), f"me before the outage: {len(before)} × 200")
    check("outage", during and all(s[2] == 503 for s in during),
          f"me while Redis was down: {sum(s[2] == 503 for s in during)}/{len(during)} × 503")
    check("outage", all(s[3] for s in api if s[2] == 503), "every 503 carries Retry-After")
    check("outage", not unexpected, f"no status other than 200/503: {sorted({s[2] for s in unexpected})}")
    first_ok = next((s[0] for s in after if s[2] == 200), None)
    recovered = first_ok is not None and all(s[2] == 200 for s in after if s[0] >= first_ok)
    recovery = (first_ok - up_at) if first_ok is not None else float("inf")
    RESULTS["recovery_seconds"] = recovery
    check("outage", recovered and recovery < 10.0, f"me answers 200 again {recovery:.2f} s after Redis started")
    asyncio.run(broadcast_once(instances, cookies, "after-outage", "after-outage"))


def check_silent_redis(binary, folder: Path):
    silent = SilentServer()
    config = write_site(folder, "silent", f"redis://127.0.0.1:{silent.port}/0")
    inst = Instance(binary, config, "D-silent", folder)
    try:
        status, _, _, seconds = me(inst, "session_id=" + "ab" * 32, timeout=15)
        check("silent-redis", status == 503, f"me with a hung Redis → {status} in {seconds:.2f} s")
        status, _, _, seconds = http(inst.base + "/api/health")
        check("silent-redis", status == 200, f"health → {status} in {seconds * 1000:.1f} ms")
        status, _, _, seconds = http(inst.base + "/assets/app.js")
        check("silent-redis", status == 200, f"static → {status} in {seconds * 1000:.1f} ms")
        status, _, body, _ = http(inst.base + "/api/health/ready")
        check("silent-redis", True, f"readiness → {status} {body[:120]!r}")
    finally:
        inst.stop()
        silent.sock.close()


def cluster_parser(doc: str) -> argparse.ArgumentParser:
    """The command line every cluster check shares (`--piloto`, `--redis-server`); each adds its own."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--piloto", default=str(default_piloto()))
    parser.add_argument("--redis-server", default=shutil.which("redis-server") or "redis-server")
    return parser


def cluster_setup(args, prefix: str) -> "tuple[Path, Redis] | None":
    """Resolves `args.piloto`, makes the folder for logs and configs and the (not yet started)
    redis-server; None, reported, when the binary or redis-server is missing (exit 2)."""
    args.piloto = str(Path(args.piloto).resolve())
    if not Path(args.piloto).exists() or not shutil.which(args.redis_server):
        print(f"setup: need {args.piloto} and redis-server", file=sys.stderr)
        return None
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    print(f"logs and configs: {folder}", flush=True)
    return folder, Redis(args.redis_server, folder)


def main(argv=None) -> int:
    parser = cluster_parser(__doc__)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--targets", action="store_true", help="fail when a timing target is missed")
    args = parser.parse_args(argv)
    global TARGETS
    TARGETS = args.targets
    setup = cluster_setup(args, "piloto-cluster-")
    if setup is None:
        return 2
    folder, redis = setup
    instances = []
    try:
        redis.start()
        config = write_site(folder, "cluster", redis.url)
        instances = [Instance(args.piloto, config, name, folder) for name in ("A", "B", "C")]
        a, b, c = instances
        check_sessions(a, b, c)
        check_lookup_cost(a)
        cookies = [login(a, "ana"), login(b, "bruno"), login(c, "carla")]
        asyncio.run(broadcast_once(instances, cookies, "vendas", "first"))
        asyncio.run(cross_latency(a, b, cookies[1]))
        check_outage(instances, redis, cookies)
        check_silent_redis(args.piloto, folder)
    except Exception as error:  # noqa: BLE001 - report and fail
        check("setup", False, f"{type(error).__name__}: {error}")
    finally:
        for inst in instances:
            inst.stop()
        redis.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(RESULTS, indent=2, sort_keys=True))
    print(f"{'FAILED' if FAILURES else 'OK'}: {len(FAILURES)} failure(s)", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
