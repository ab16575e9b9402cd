#!/usr/bin/env python3
"""End to end: the repo's piloto.yaml serving the FastAPI demo backend through `handler: proxy`.

    python3 tools/demo_check.py [--piloto .build/debug/piloto]
    python3 tools/demo_check.py --base http://127.0.0.1:8080 --login vendedor --password piloto-demo

Without --base it copies piloto.yaml next to itself with the backend's port 8000 replaced by a
free one (so it never collides with anything on 8000), sets a random PILOTO_IDENTITY_KEY, puts
backend/.venv/bin first on PATH when it exists (as scripts/run-demo does), and runs
`piloto serve --dev` on a free port; piloto starts the backend itself (`backends.api.run`).
With --base it checks a server that is already running.

Checks, as a browser would do them (cookie session, same-origin Origin header):
  1. without a session /api/clientes is 401 (from piloto or from the backend),
  2. logged in, the backend answers with the session's login, taken from the signed assertion,
  3. a client-sent X-Piloto-Assertion (signed with another key, for "admin") and X-Piloto-User are
     stripped: still the session's login; without a session the forged one gets 401,
  4. a note posted through the proxy has the session's login as its author,
  5. Server-Sent Events through the proxy arrive one by one (the first before the last is sent),
  6. the WebSocket echo through the proxy (only if the route has `websocket: true`; else reported).
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import jwt

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A cookie-keeping HTTP client that sends the headers a same-origin browser page sends."""

    def __init__(self, base: str):
        url = urllib.parse.urlsplit(base)
        self.host, self.port, self.origin = url.hostname, url.port or 80, f"{url.scheme}://{url.netloc}"
        self.cookie = ""

    def request(self, method, path, body=None, headers=None, cookie=True, stream=False):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        all_headers = {"Accept": "application/json", "Origin": self.origin, "Sec-Fetch-Site": "same-origin"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if cookie and self.cookie:
            all_headers["Cookie"] = self.cookie
        all_headers.update(headers or {})
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=all_headers)
        response = conn.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session_id="):
                self.cookie = value.split(";", 1)[0]
        if stream:
            return response
        raw = response.read()
        conn.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:200]
        return response.status, data


def route_has_websocket(prefix: str = "/api/clientes") -> bool:
    """Whether piloto.yaml's proxy route forwards WebSocket upgrades (`websocket: true`)."""
    import yaml

    routes = yaml.safe_load((REPO / "piloto.yaml").read_text()).get("routes") or []
    return any(r.get("path") == prefix and r.get("handler") == "proxy" and r.get("websocket") is True for r in routes)


def config_with_backend_port(api_port: int) -> str:
    """The repo's piloto.yaml with the backend's port 8000 (its `port:` and its run argv) moved to
    `api_port`; exits when either is missing. Shared with tools/symbol_order."""
    source = (REPO / "piloto.yaml").read_text()
    config, n_port = re.subn(r"(\n\s+port:\s*)8000\b", rf"\g<1>{api_port}", source)
    config, n_argv = re.subn(r'(["\'])8000\1', rf"\g<1>{api_port}\g<1>", config)
    if not (n_port and n_argv):
        sys.exit("demo_check: piloto.yaml has no backend on port 8000 with a run argv (is the proxy config merged?)")
    return config


def serve_environment() -> dict[str, str]:
    """What `piloto serve` of the demo needs: a random identity key, the backend's venv on PATH."""
    env = {**os.environ, "PILOTO_IDENTITY_KEY": secrets.token_hex(24)}
    venv_bin = REPO / "backend" / ".venv" / "bin"
    if venv_bin.is_dir():
        env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    return env


def start_piloto(piloto: str) -> tuple[str, subprocess.Popen, Path]:
    api_port, port = free_port(), free_port()
    path = REPO / f".demo_check-{os.getpid()}.yaml"
    path.write_text(config_with_backend_port(api_port))
    env = serve_environment()
    proc = subprocess.Popen([piloto, "serve", "--dev", "--config", str(path), "--port", str(port)], cwd=REPO,
                            env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr, start_new_session=True)
    return f"http://127.0.0.1:{port}", proc, path


def wait_backend(client: Client, proc, timeout: float = 60) -> None:
    """piloto's health first, then /api/clientes no longer 502/503/504 (the backend is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            sys.exit(f"demo_check: piloto exited with {proc.returncode}")
        try:
            status, _ = client.request("GET", "/api/clientes", cookie=False)
            if status not in (502, 503, 504):
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("demo_check: the backend never answered through piloto (still 502/503/504)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--piloto", default=str(REPO / ".build" / "debug" / "piloto"))
    parser.add_argument("--base", help="check a server already running at this URL instead of starting piloto")
    parser.add_argument("--login", default="vendedor")
    parser.add_argument("--password", default="piloto-demo")
    parser.add_argument("--websocket", choices=["yes", "no"],
                        help="whether the route forwards WebSockets (default: read from piloto.yaml)")
    args = parser.parse_args()
    expect_websocket = args.websocket == "yes" if args.websocket else route_has_websocket()
    proc, config_copy = None, None
    failures: list[str] = []
    if args.base:
        base = args.base
    else:
        (REPO / "frontend" / "dist" / "index.html").exists() or subprocess.run(
            ["node", str(REPO / "frontend" / "build.mjs")], check=True, stdout=subprocess.DEVNULL)
        base, proc, config_copy = start_piloto(args.piloto)
    client = Client(base)

    def check(name, fn):
        try:
            fn()
            print(f"ok    {name}")
        except Exception as error:  # noqa: BLE001 - report and go on
            failures.append(name)
            print(f"FAIL  {name}: {error}")

    try:
        wait_backend(client, proc)

        def anonymous_is_401():
            status, data = client.request("GET", "/api/clientes", cookie=False)
            assert status == 401, f"{status} {data}"

        def user_from_assertion():
            status, data = client.request("POST", "/api/auth/login", {"login": args.login, "password": args.password})
            assert status == 200 and client.cookie, f"login: {status} {data}"
            status, data = client.request("GET", "/api/clientes?limite=5")
            hint = " (does piloto pass PILOTO_SERVICE_NAME and PILOTO_IDENTITY_KEY to the backend?)" if status == 500 else ""
            assert status == 200, f"{status} {data}{hint}"
            assert data["usuario"] == args.login, data["usuario"]
            assert len(data["clientes"]) == 5

        def forged_identity_is_stripped():
            now = int(time.time())
            forged = jwt.encode({"iss": "piloto", "aud": "piloto-vendas-app", "sub": "admin", "iat": now,
                                 "exp": now + 60}, "attacker-key-attacker-key-attacker-key", algorithm="HS256")
            spoof = {"X-Piloto-Assertion": forged, "X-Piloto-User": "admin", "Connection": "X-Forwarded-For",
                     "X-Forwarded-For": "6.6.6.6"}
            status, data = client.request("GET", "/api/clientes?limite=1", headers=spoof)
            assert status == 200 and data["usuario"] == args.login, f"{status} {data}"
            status, data = client.request("GET", "/api/clientes?limite=1", headers=spoof, cookie=False)
            assert status == 401, f"without a session: {status} {data}"

        def note_author():
            status, data = client.request("POST", "/api/clientes/3/notas", {"texto": "via piloto", "autor": "admin"})
            assert status == 201, f"{status} {data}"
            assert data["nota"]["autor"] == args.login, data

        def sse_streams():
            response = client.request("GET", "/api/clientes/eventos?n=3&intervalo_ms=400",
                                      headers={"Accept": "text/event-stream"}, stream=True)
            assert response.status == 200, response.status
            assert response.getheader("Content-Type", "").startswith("text/event-stream")
            started, arrivals, buffer = time.monotonic(), [], b""
            while len(arrivals) < 3:
                chunk = response.read1(65536)
                if not chunk:
                    break
                buffer += chunk
                while b"\n\n" in buffer:
                    _, buffer = buffer.split(b"\n\n", 1)
                    arrivals.append(time.monotonic() - started)
            assert len(arrivals) == 3, f"{len(arrivals)} events"
            # Sent at 0, 0.4 and 0.8 s: a buffering proxy would deliver all three at ~0.8 s.
            assert arrivals[0] < arrivals[2] - 0.5, f"arrivals {arrivals}: buffered, not streamed"

        def websocket_echo():
            from websockets.exceptions import InvalidStatus
            from websockets.sync.client import connect

            url = base.replace("http://", "ws://") + "/api/clientes/ws"
            try:
                ws = connect(url, origin=client.origin, additional_headers={"Cookie": client.cookie})
            except InvalidStatus as error:
                if not expect_websocket:
                    return  # `websocket: false`: the upgrade must not become a tunnel
                raise AssertionError(f"handshake answered {error.response.status_code}") from None
            if not expect_websocket:
                ws.close()
                raise AssertionError("the route has no `websocket: true`, yet the upgrade became a tunnel")
            with ws:
                ws.send("olá pelo túnel")
                assert ws.recv(timeout=5) == "olá pelo túnel"

        check("without a session /api/clientes is 401", anonymous_is_401)
        check("logged in, the backend gets the session's login from the signed assertion", user_from_assertion)
        check("client-sent identity and forwarded headers are stripped", forged_identity_is_stripped)
        check("a note posted through the proxy is written by the session's login", note_author)
        check("Server-Sent Events stream through the proxy", sse_streams)
        check("WebSocket echo through the proxy" if expect_websocket
              else "no WebSocket tunnel on a route without `websocket: true`", websocket_echo)
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if config_copy is not None:
            config_copy.unlink(missing_ok=True)
    print("demo_check: " + ("all passed" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
