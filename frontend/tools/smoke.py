#!/usr/bin/env python3
"""Browser smoke test of the built SPA in headless Chromium, driven over the DevTools protocol.

    python3 frontend/tools/smoke.py [--chromium chromium]

Needs: chromium, node, python3 with the `websockets` package (the DevTools client), and for the
WebSocket part fastapi + uvicorn (bench/peers/fastapi_app.py serves dist and /ws/echo on one
origin). It starts those servers itself on free loopback ports and stops them at the end.

The client pages talk to the real demo backend (backend/, FastAPI under uvicorn), which the dev
server reaches the way piloto's proxy does (a signed X-Piloto-Assertion for the session's login);
a second dev server points at a closed port, like piloto with its backend down.

Checks, with the same Content-Security-Policy as production on the dev server:
  1. every route renders (/, /login, /clientes, /atendimento, an unknown path); a client page
     without a session goes to the login page,
  2. the login form logs in against the mock API, the header shows the user, logout works,
  2b. the client pages read from the backend: the list shows the user the backend got from the
     JWT, a client's page shows its data, a note is added with that user as author, a missing
     client is "não encontrado", and after login the page asked for is where the user lands,
  2c. with the backend down the client pages say the API is unavailable (502) and the rest of
     the SPA keeps working; a backend that refuses piloto's signature (another key) is reported
     as such instead of sending a logged-in user back to the login page,
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
import urllib.parse
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

    def spawn(argv, env=None, cwd=None):
        proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, cwd=cwd)
        started.append(proc)
        return proc

    try:
        subprocess.run(["node", str(FRONTEND / "build.mjs")], check=True, stdout=subprocess.DEVNULL)
        dev_port, py_port, cdp_port = free_port(), free_port(), free_port()
        api_port, down_port, closed_port, wrongkey_port = free_port(), free_port(), free_port(), free_port()
        identity = {"PILOTO_IDENTITY_KEY": "smoke-test-identity-key-0123456789abcdef",
                    "PILOTO_SERVICE_NAME": "piloto-vendas-app"}
        data_dir = tempfile.mkdtemp(prefix="smoke-backend-")
        spawn([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(api_port),
               "--log-level", "warning"], cwd=REPO / "backend",
              env={**identity, "PILOTO_DEMO_DB": os.path.join(data_dir, "demo.sqlite3"), "DATABASE_URL": ""})
        spawn(["node", str(FRONTEND / "tools" / "dev-server.mjs"), str(dev_port)],
              env={**identity, "PILOTO_DEMO_BACKEND": f"http://127.0.0.1:{api_port}"})
        spawn(["node", str(FRONTEND / "tools" / "dev-server.mjs"), str(down_port)],
              env={**identity, "PILOTO_DEMO_BACKEND": f"http://127.0.0.1:{closed_port}"})
        spawn(["node", str(FRONTEND / "tools" / "dev-server.mjs"), str(wrongkey_port)],
              env={**identity, "PILOTO_DEMO_BACKEND": f"http://127.0.0.1:{api_port}",
                   "PILOTO_IDENTITY_KEY": "not-the-backends-key-0123456789abcdef"})
        spawn([sys.executable, "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(REPO / "bench" / "peers"),
               "--host", "127.0.0.1", "--port", str(py_port), "--log-level", "warning"],
              env={"FRONTEND_DIST": str(FRONTEND / "dist")})
        profile = tempfile.mkdtemp(prefix="smoke-chromium-")
        spawn([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               f"--remote-debugging-port={cdp_port}", "about:blank"])
        dev, py = f"http://127.0.0.1:{dev_port}", f"http://127.0.0.1:{py_port}"
        down, wrongkey = f"http://127.0.0.1:{down_port}", f"http://127.0.0.1:{wrongkey_port}"
        wait_http(dev + "/api/health")
        wait_http(down + "/api/health")
        wait_http(wrongkey + "/api/health")
        wait_http(f"http://127.0.0.1:{api_port}/healthz")
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

        def view_has(text):
            page.wait_for(f"document.getElementById('view').textContent.includes({json.dumps(text)})")

        def log_in(base, login, path):
            page.goto(base + "/login?next=" + urllib.parse.quote(path, safe=""))
            page.js(f"""(() => {{ const f = document.querySelector('form.stack');
                f.elements.login.value = {json.dumps(login)}; f.elements.password.value = 'demo';
                f.requestSubmit(); }})()""")
            page.wait_for(f"location.pathname === {json.dumps(path)}")

        def routes():
            for path, expect in [("/", "Maiores clientes"), ("/login", "Senha"), ("/clientes", "Senha"),
                                 ("/atendimento", "Atendimento"), ("/nada/aqui", "Página não encontrada")]:
                page.goto(dev + path)
                view_has(expect)
            # Not logged in: the home page offers the login, a client page goes there and comes back.
            page.goto(dev + "/")
            view_has("para ver os clientes")
            page.goto(dev + "/dashboard/clientes/42")
            page.wait_for("location.pathname === '/login' && "
                          "new URLSearchParams(location.search).get('next') === '/dashboard/clientes/42'")

        def client_pages():
            log_in(dev, "beatriz", "/clientes")
            page.wait_for("document.querySelector('#view .api-user') && "
                          "document.querySelector('#view .api-user').dataset.usuario === 'beatriz'")
            rows = page.js("document.querySelectorAll('table.clients tbody tr').length")
            assert rows >= 40, f"{rows} rows in the client list: {page.text('#view')[:300]}"
            page.js("document.querySelector('table.clients tbody a').click()")
            view_has("CNPJ")
            page.wait_for("document.querySelector('#view .api-user').dataset.usuario === 'beatriz'")
            page.js("""(() => { const f = document.querySelector('form.nota-form');
                f.elements.texto.value = 'Ligar na sexta'; f.requestSubmit(); })()""")
            page.wait_for("document.querySelector('.notas li') && "
                          "document.querySelector('.notas li').dataset.autor === 'beatriz' && "
                          "document.querySelector('.notas li').textContent.includes('Ligar na sexta')")
            page.goto(dev + page.js("location.pathname"))  # a reload: the note is stored by the backend
            page.wait_for("[...document.querySelectorAll('.notas li')].some(li => "
                          "li.textContent.includes('Ligar na sexta') && li.dataset.autor === 'beatriz')")
            page.goto(dev + "/dashboard/clientes/99999")
            view_has("não encontrado")
            page.goto(dev + "/")
            page.wait_for("document.querySelectorAll('table.clients tbody tr').length === 8")
            page.js("document.getElementById('logout').click()")
            page.wait_for("location.pathname === '/login'")

        def backend_down():
            log_in(down, "beatriz", "/clientes")
            page.wait_for("document.querySelector('#view .api-error') && "
                          "document.querySelector('#view .api-error').dataset.status === '502'")
            view_has("indisponível")
            page.wait_for("document.getElementById('who-name').textContent.includes('beatriz')")
            page.goto(down + "/dashboard/clientes/42")
            page.wait_for("document.querySelector('#view .api-error') !== null")
            page.goto(down + "/atendimento")  # the rest of the SPA is unaffected
            view_has("Atendimento")
            page.js("document.getElementById('logout').click()")
            page.wait_for("location.pathname === '/login'")

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

        def identity_refused():
            # piloto has the session but signs with another key than the backend's: logging in again
            # would not help, so the page says so and stays where it is.
            log_in(wrongkey, "beatriz", "/clientes")
            page.wait_for("document.querySelector('#view .api-error') && "
                          "document.querySelector('#view .api-error').dataset.status === '401'")
            assert page.js("location.pathname") == "/clientes"
            page.js("document.getElementById('logout').click()")
            page.wait_for("location.pathname === '/login'")

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
        check("client pages read from the FastAPI backend with the user from the JWT", client_pages)
        check("backend down: the client pages say the API is unavailable", backend_down)
        check("a session the backend does not accept is reported, not a login loop", identity_refused)
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
