#!/usr/bin/env python3
"""Browser smoke test of the built SPA in headless Chromium, driven over the DevTools protocol.

    python3 frontend/tools/smoke.py [--chromium chromium]

Needs: chromium, node, python3 with the `websockets` package (the DevTools client), and for the
WebSocket part fastapi + uvicorn (bench/peers/fastapi_app.py serves dist and /ws/echo on one
origin). It starts those servers itself on free loopback ports and stops them at the end.

Checks, with the same Content-Security-Policy as production on the dev server:
  1. every route renders (/, /login, /dashboard/clientes/42, /atendimento, an unknown path),
  2. the login form logs in against the mock API, the header shows the user, logout works,
  3. /atendimento?canal=echo connects over WebSocket, a message typed in the send box comes back,
     and a channel refused without a session asks for login instead of retrying,
  4. with an API that answers HTML (a static server's fallback), the page shows an error, not a crash,
  5. no uncaught exception and no CSP violation anywhere.
"""

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

FRONTEND = Path(__file__).resolve().parents[1]
REPO = FRONTEND.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


class Page:
    """A minimal DevTools client: evaluate JS, navigate, collect exceptions and console errors."""

    def __init__(self, ws_url: str):
        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(connect(ws_url, max_size=None))
        self.next_id = 0
        self.problems: list[str] = []
        self.call("Runtime.enable")
        self.call("Log.enable")
        self.call("Page.enable")

    def call(self, method: str, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=20))
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.note_event(message)

    def note_event(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.problems.append("exception: " + params["exceptionDetails"].get("text", "") + " " +
                                 str(params["exceptionDetails"].get("exception", {}).get("description", "")))
        elif method == "Log.entryAdded":
            entry = params["entry"]
            if "Content Security Policy" in entry.get("text", "") or entry.get("source") == "security":
                self.problems.append("csp: " + entry["text"])

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && document.getElementById('view').children.length > 0")

    def wait_for(self, condition: str, timeout: float = 10) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"Boolean({condition})"):
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for: {condition}\n  view: {self.text('#view')[:300]}")

    def text(self, selector: str) -> str:
        return self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()
    started: list[subprocess.Popen] = []
    failures: list[str] = []

    def spawn(argv, env=None):
        proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        started.append(proc)
        return proc

    try:
        subprocess.run(["node", str(FRONTEND / "build.mjs")], check=True, stdout=subprocess.DEVNULL)
        dev_port, py_port, cdp_port = free_port(), free_port(), free_port()
        spawn(["node", str(FRONTEND / "tools" / "dev-server.mjs"), str(dev_port)])
        spawn([sys.executable, "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(REPO / "bench" / "peers"),
               "--host", "127.0.0.1", "--port", str(py_port), "--log-level", "warning"],
              env={"FRONTEND_DIST": str(FRONTEND / "dist")})
        profile = tempfile.mkdtemp(prefix="smoke-chromium-")
        spawn([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               f"--remote-debugging-port={cdp_port}", "about:blank"])
        dev, py = f"http://127.0.0.1:{dev_port}", f"http://127.0.0.1:{py_port}"
        wait_http(dev + "/api/health")
        wait_http(py + "/api/health")
        wait_http(f"http://127.0.0.1:{cdp_port}/json/version")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{cdp_port}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])

        def check(name, fn):
            try:
                fn()
                print(f"ok    {name}")
            except Exception as error:  # noqa: BLE001 - report and go on
                failures.append(name)
                print(f"FAIL  {name}: {error}")

        def routes():
            for path, expect in [("/", "Maiores clientes"), ("/login", "Senha"),
                                 ("/dashboard/clientes/42", "CNPJ"), ("/dashboard/clientes/99999", "não encontrado"),
                                 ("/nada/aqui", "Página não encontrada")]:
                page.goto(dev + path)
                page.wait_for(f"document.getElementById('view').textContent.includes({json.dumps(expect)})")

        def login_logout():
            page.goto(dev + "/login")
            page.js("""(() => { const f = document.querySelector('form.stack');
                f.elements.login.value = 'ana'; f.elements.password.value = 'errada';
                f.requestSubmit(); })()""")
            page.wait_for("document.querySelector('#view .error').textContent.includes('inválidos')")
            page.js("""(() => { const f = document.querySelector('form.stack');
                f.elements.password.value = 'demo'; f.requestSubmit(); })()""")
            page.wait_for("location.pathname === '/atendimento'")
            page.wait_for("document.getElementById('who-name').textContent.includes('ana')")
            page.goto(dev + "/")  # a full reload: the session cookie must carry it
            page.wait_for("document.getElementById('who-name').textContent.includes('ana')")
            page.js("document.getElementById('logout').click()")
            page.wait_for("location.pathname === '/login' && "
                          "document.getElementById('who-name').textContent.includes('Não conectado')")

        def websocket_echo():
            page.goto(py + "/atendimento?canal=echo")
            page.wait_for("document.querySelector('.status').classList.contains('open')")
            page.js("""(() => { const f = document.querySelector('form.sendbox');
                f.elements.message.value = 'olá, cliente'; f.requestSubmit(); })()""")
            page.wait_for("[...document.querySelectorAll('.messages li')].some(li => "
                          "!li.classList.contains('system') && li.textContent.includes('olá, cliente'))")

        def channel_needs_login():
            # The dev server has no WebSockets and nobody is logged in: say so, do not retry in a loop.
            page.goto(dev + "/atendimento?canal=vendas")
            page.wait_for("document.querySelector('.messages').textContent.includes('exige login')")

        def non_json_api():
            # The FastAPI peer answers /api/auth/me with index.html (its SPA fallback).
            page.goto(py + "/")
            page.wait_for("!document.getElementById('banner').hidden")
            page.wait_for("document.getElementById('who-name').textContent.includes('Não conectado')")

        check("every route renders", routes)
        check("login, reload, logout", login_logout)
        check("attendance echoes over WebSocket", websocket_echo)
        check("a channel refused without a session asks for login", channel_needs_login)
        check("an HTML answer from the API shows an error", non_json_api)
        if page.problems:
            failures.append("problems")
            print("FAIL  no exceptions or CSP violations:\n  " + "\n  ".join(page.problems))
        else:
            print("ok    no exceptions or CSP violations")
    finally:
        for proc in started:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
    print("smoke: " + ("all passed" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
