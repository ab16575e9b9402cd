#!/usr/bin/env python3
"""Headless-Chromium check of the `piloto serve` dashboard (issue 5), over the DevTools protocol.

    python3 tools/dashboard_check.py [--piloto PATH] [--chromium PATH] [--screenshot FILE]
    python3 tools/dashboard_check.py --attach http://127.0.0.1:PORT --cookie session_id=VALUE

Default mode (needs the merged server: auth + dashboard):
  1. writes a temp piloto.yaml (health, auth, dashboard `auth: required`, a static and an SPA root,
     the production CSP `default-src 'self'`) and a users file with a fresh yescrypt hash made with
     glibc's libcrypt through ctypes (crypt_gensalt("$y$") then crypt),
  2. starts `piloto serve --config <temp> --port <free>` and waits for /api/health,
  3. sends some traffic with `X-Client-Region: BR` / `US` and `X-Client-RTT-Ms`, logs in through POST /api/auth/login
     and keeps the session cookie from Set-Cookie; checks /api/dashboard/metrics is 401 without it.
Attach mode skips 1–3 and uses a server already running (the Swift test hook
`PILOTO_DASHBOARD_BROWSER=1 swift test --filter DashboardBrowserTests` uses it this way).

Then, in `chromium --headless` (driven with the python `websockets` client):
  4. sets the session cookie, opens <base>/api/dashboard, waits for two successful polls
     (`body[data-state=ready]`, `data-updates >= 2`),
  5. asserts every figure (`#rps`, `#lat-p50/95/99`, `#total`, `#err-5xx`, `#err-4xx`, `#ws-active`,
     `#cpu`, `#mem`, `#rss`, `#cost`, `#uptime`) is a non-empty number, the five trigger rows exist
     with a crossed state, the country table has BR and US, "felt p99, US" (RTT + server) is above
     "server p99, US" and the latency_us trigger says it uses it, the cost card lists piloto cost's
     line items, the sparklines have points,
  6. fails on any uncaught exception or CSP violation, writes a PNG screenshot and prints its path.
Exit status 0 when every check passed, 1 otherwise, 2 for setup problems.
"""

import argparse
import base64
import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

REPO = Path(__file__).resolve().parents[1]
PREFIX = "/api/dashboard"
FIGURES = ["rps", "total", "lat-p50", "lat-p95", "lat-p99", "err-5xx", "err-4xx", "ws-active", "ws-mean",
           "users", "cpu", "mem", "rss", "mem-limit", "cost", "cost-instances", "cost-measured",
           "us-felt-p99", "us-server-p99", "us-rtt-p99"]
# Traffic both modes send (the Swift hook sends the same): country and the load balancer's RTT header.
TRAFFIC = [("BR", "12"), ("BR", "15"), ("US", "150"), ("br", "14"), ("US", "170")]
TRIGGERS = ["concurrent_users", "latency_us", "cpu", "requests_per_second", "monthly_cost_usd"]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def yescrypt(password: str) -> str:
    """A `$y$` hash from glibc's libcrypt (libxcrypt), the format `piloto passwd` writes."""
    lib = ctypes.CDLL("libcrypt.so.1")
    lib.crypt_gensalt.restype = ctypes.c_char_p
    lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    salt = lib.crypt_gensalt(b"$y$", 0, None, 0)
    hashed = lib.crypt(password.encode(), salt) if salt else None
    if not hashed or not hashed.startswith(b"$y$"):
        raise RuntimeError("libcrypt could not make a yescrypt hash")
    return hashed.decode()


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def write_site(directory: Path, password: str) -> Path:
    """A config + users file + static roots in `directory`; returns the config path."""
    dist = directory / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title><p>app</p>\n")
    (dist / "assets" / "site.css").write_text("body{}\n")
    (directory / "users.txt").write_text(f"vendedor:{yescrypt(password)}\n")
    config = directory / "piloto.yaml"
    config.write_text(f"""service:
  name: dashboard-check
  domain: app.example.com
  region: southamerica-east1
  image: southamerica-east1-docker.pkg.dev/demo/piloto/app:check
scaling:
  cpu: 1
  memory: 512Mi
server:
  port: 8080
  headers:
    Content-Security-Policy: "default-src 'self'"
    X-Content-Type-Options: nosniff
cookies:
  session:
    name: session_id
    secure: false
sessions:
  store: memory
  users_file: users.txt
routes:
  - path: /api/health
    handler: health
  - path: /api/auth
    handler: auth
  - path: {PREFIX}
    handler: dashboard
    auth: required
  - path: /assets
    handler: static
    root: dist/assets
    cache: immutable
  - path: /
    handler: spa
    root: dist
monitoring:
  country_header: X-Client-Region
  rtt_header: X-Client-RTT-Ms
  triggers:
    concurrent_users: 1
    latency_us: 500ms
    cpu: 70%
    requests_per_second: 1000
    monthly_cost_usd: 500
""")
    return config


def login(base: str, password: str) -> str:
    """POST /api/auth/login; returns `name=value` of the session cookie it sets."""
    status, headers, body = request(
        base + "/api/auth/login", "POST", json.dumps({"login": "vendedor", "password": password}).encode(),
        {"Content-Type": "application/json"})
    if status != 200:
        raise AssertionError(f"login answered {status}: {body[:200]!r}")
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";", 1)[0].strip()
        if pair.startswith("session_id=") and len(pair) > len("session_id="):
            return pair
    raise AssertionError("login set no session_id cookie")


class Page:
    """A minimal DevTools client: cookies, navigation, evaluation, screenshots, problems seen."""

    def __init__(self, ws_url: str):
        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(connect(ws_url, max_size=None))
        self.next_id = 0
        self.problems: list[str] = []
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.call(domain + ".enable")

    def call(self, method: str, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.note_event(message)

    def note_event(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.problems.append("exception: " + details.get("text", "") + " " +
                                 str(details.get("exception", {}).get("description", "")))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if "Content Security Policy" in entry.get("text", "") or entry.get("source") == "security":
                self.problems.append("csp: " + entry.get("text", ""))

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 15) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"Boolean({condition})"):
                return
            time.sleep(0.1)
        state = self.js("document.body ? document.body.getAttribute('data-state') + ' ' + "
                        "(document.getElementById('status') || {}).textContent : 'no body'")
        raise AssertionError(f"timed out waiting for: {condition} (page: {state})")


def check_dashboard(base: str, cookie: str, chromium: str, screenshot: Path) -> list[str]:
    failures: list[str] = []
    name, _, value = cookie.partition("=")
    profile = tempfile.mkdtemp(prefix="dashboard-chromium-")
    cdp_port = free_port()
    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
         f"--remote-debugging-port={cdp_port}", "--window-size=1280,1400", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{cdp_port}/json/version", browser)
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{cdp_port}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=1400, deviceScaleFactor=1, mobile=False)
        page.call("Network.setCookie", name=name, value=value, url=base + "/", httpOnly=True)
        page.call("Page.navigate", url=base + PREFIX)
        page.wait_for("document.body && document.body.getAttribute('data-state') === 'ready' && "
                      "Number(document.body.getAttribute('data-updates')) >= 2")

        figures = page.js("JSON.stringify(Object.fromEntries(%s.map(id => [id, "
                          "(document.getElementById(id) || {textContent: null}).textContent])))" % json.dumps(FIGURES))
        figures = json.loads(figures)
        for key in FIGURES:
            text = (figures.get(key) or "").strip()
            if not NUMBER.match(text):
                failures.append(f"#{key} is not a number: {text!r}")
        print("figures: " + ", ".join(f"{k}={figures.get(k)}" for k in FIGURES))

        rows = json.loads(page.js("JSON.stringify([...document.querySelectorAll('#triggers tbody tr')].map(tr => "
                                  "[tr.getAttribute('data-trigger'), tr.getAttribute('data-crossed'), "
                                  "tr.querySelector('[data-field=value]').textContent]))"))
        if [r[0] for r in rows] != TRIGGERS:
            failures.append(f"trigger rows: {rows}")
        if any(r[1] not in ("true", "false") for r in rows):
            failures.append(f"trigger crossed states: {rows}")
        print("triggers: " + "; ".join(f"{r[0]}={r[2]} crossed={r[1]}" for r in rows))

        countries = page.js("[...document.querySelectorAll('#countries tbody tr')].map(tr => "
                            "tr.getAttribute('data-country'))")
        for expected in ("BR", "US"):
            if expected not in countries:
                failures.append(f"country {expected} missing from {countries}")
        # Felt (RTT + server) vs server time for US clients: the card and the US row of the table.
        felt, server = (float(figures.get(k) or "nan") for k in ("us-felt-p99", "us-server-p99"))
        if not felt > server:
            failures.append(f"felt p99, US ({felt}) is not above server p99, US ({server})")
        if not 100 <= float(figures.get("us-rtt-p99") or "nan") <= 250:
            failures.append(f"RTT p99, US is not in the 100-250 ms bucket of 150/170 ms: {figures.get('us-rtt-p99')!r}")
        us_row = json.loads(page.js("JSON.stringify(Object.fromEntries([...document.querySelectorAll("
                                    "'#countries tr[data-country=US] td[data-field]')].map(td => "
                                    "[td.getAttribute('data-field'), td.textContent])))"))
        for field in ("server-p99", "rtt-p99", "felt-p99"):
            if not NUMBER.match((us_row.get(field) or "").strip()):
                failures.append(f"US row {field} is not a number: {us_row}")
        print("US: " + ", ".join(f"{k}={v}" for k, v in us_row.items()))
        latency_note = page.js("document.querySelector('#triggers tr[data-trigger=latency_us] td:last-child').textContent")
        if "as felt" not in (latency_note or ""):
            failures.append(f"latency_us does not use the felt p99: {latency_note!r}")
        items = page.js("[...document.querySelectorAll('#cost-items li')].map(li => li.getAttribute('data-item'))")
        if "load_balancer" not in (items or []) or "cloud_run" not in (items or []):
            failures.append(f"cost items (piloto cost's model) missing cloud_run/load_balancer: {items}")
        print("cost items: " + ", ".join(items or []))
        points = page.js("document.querySelector('#chart-rps polyline') ? "
                         "document.querySelector('#chart-rps polyline').getAttribute('points') : ''")
        if len((points or "").split()) < 2:
            failures.append(f"the requests/s sparkline has fewer than 2 points: {points!r}")

        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        print(f"screenshot: {screenshot}")
        if page.problems:
            failures.extend(page.problems)
        page.stack.close()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(browser.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            browser.wait(timeout=5)
    return failures


def default_piloto() -> str:
    for candidate in (REPO / ".build" / "debug" / "piloto", REPO / ".build" / "release" / "piloto"):
        if candidate.exists():
            return str(candidate)
    return "piloto"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--piloto", default=default_piloto())
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--attach", help="base URL of a running server (skips start and login)")
    parser.add_argument("--cookie", help="name=value of a live session cookie (with --attach)")
    args = parser.parse_args()
    screenshot = args.screenshot or Path(tempfile.mkdtemp(prefix="dashboard-shot-")) / "dashboard.png"
    server = None
    failures: list[str] = []
    try:
        if args.attach:
            if not args.cookie:
                print("--attach needs --cookie name=value", file=sys.stderr)
                return 2
            base, cookie = args.attach.rstrip("/"), args.cookie
        else:
            password = "check-" + base64.b32encode(os.urandom(10)).decode().lower()
            site = Path(tempfile.mkdtemp(prefix="dashboard-check-"))
            config = write_site(site, password)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [args.piloto, "serve", "--config", str(config), "--port", str(port)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
            wait_http(base + "/api/health", server)
            for region, rtt in TRAFFIC:
                request(base + "/assets/site.css", headers={"X-Client-Region": region, "X-Client-RTT-Ms": rtt})
            request(base + "/missing.js", headers={"X-Client-Region": "US"})
            status, _, _ = request(base + PREFIX + "/metrics")
            if status != 401:
                failures.append(f"metrics without a session answered {status}, not 401")
            cookie = login(base, password)
            print("logged in through POST /api/auth/login")
        failures += check_dashboard(base, cookie, args.chromium, screenshot)
    except Exception as error:  # noqa: BLE001 - one report line
        failures.append(f"{type(error).__name__}: {error}")
    finally:
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=10)
    for failure in failures:
        print("FAIL  " + failure)
    print("dashboard check: " + ("passed" if not failures else f"{len(failures)} failure(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
