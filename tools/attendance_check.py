#!/usr/bin/env python3
"""Headless-Chromium check of the demo attendance screen against the real `piloto serve`.

    npm --prefix frontend run build
    python3 tools/attendance_check.py [--piloto PATH] [--chromium PATH]

Needs the merged server (auth + WebSocket channels + dashboard) and the built SPA in frontend/dist.
Starts `piloto serve --dev` with a temp config (the SPA, auth, `/ws` channels with `auth: required`,
the dashboard, CSP `default-src 'self'`) and two users, `ana` and `bruno` (yescrypt hashes made with
libcrypt). Then, in two isolated browser contexts (two salespeople, two cookie jars):
  1. each logs in through the login form and lands on /atendimento, joined to channel `vendas`,
  2. the header shows who is logged in,
  3. ana sees bruno join (members count 2), bruno's message reaches ana in real time with the
     server's `from`, and ana's own message comes back marked as hers,
  4. recovery: bruno leaves the screen (SPA link), ana sends two messages, bruno comes back and
     the page recovers them from its stored (epoch, offset): "2 mensagens recuperadas", each once,
  5. restart (issue 14's done-when): ana sends one message (acked), the piloto instance is
     SIGKILLed (its own PID), ana sends two more while it is down (they stay "enviando…" in the
     outbox), piloto starts again on the same port; with the memory store that is a new epoch and,
     since memory sessions died with it too, a new login: ana's reconnect loop reaches the new
     server and asks for a login, both log in again in the same tabs, both see the notice that
     the history could not be recovered (`epoch_changed`), ana's outbox is resent with its ids
     and acked, and bruno's screen shows every message exactly once, in order, with the notice
     between the old epoch's messages and the new; after a reload bruno's screen (restored from
     sessionStorage, then recovered) still has each message once, his own marked as his,
  5b. rotation: a second instance with `request_timeout: 4s`, `rotate_before_timeout: 1s` closes
     every socket with 1001 about every 3 s while ana sends one message a second; each first
     retry after a 1001 is the fast one (≤ 300 ms), no "history lost" notice, and bruno sees the
     eight messages once each, in order,
  6. the dashboard link opens the metrics page for a logged-in user and shows 1+ WebSocket,
  7. logout ends the session (the header says not logged in),
  8. no uncaught exception and no CSP violation.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_check import Page, default_piloto, free_port, wait_http, yescrypt  # noqa: E402

from websockets.sync.client import connect  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def write_config(directory: Path, passwords: dict, name: str = "piloto.yaml", extra: str = "") -> Path:
    users = "".join(f"{login}:{yescrypt(password)}\n" for login, password in passwords.items())
    (directory / "users.txt").write_text(users)
    dist = REPO / "frontend" / "dist"
    config = directory / name
    config.write_text(f"""{extra}service:
  name: attendance-check
  domain: app.example.com
  image: southamerica-east1-docker.pkg.dev/demo/piloto/app:check
server:
  port: 8080
  headers:
    Content-Security-Policy: "default-src 'self'"
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
  - path: /api/dashboard
    handler: dashboard
    auth: required
  - path: /ws
    handler: websocket
    mode: channels
    auth: required
  - path: /assets
    handler: static
    root: {dist / 'assets'}
    cache: immutable
  - path: /
    handler: spa
    root: {dist}
""")
    return config


class Browser:
    """The browser-level DevTools connection: isolated contexts and their pages."""

    def __init__(self, port: int):
        version = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version"))
        self.port = port
        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(connect(version["webSocketDebuggerUrl"], max_size=None))
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def new_page(self) -> Page:
        context = self.call("Target.createBrowserContext")["browserContextId"]
        target = self.call("Target.createTarget", url="about:blank", browserContextId=context)["targetId"]
        return Page(f"ws://127.0.0.1:{self.port}/devtools/page/{target}")


def log_in(page: Page, base: str, login: str, password: str) -> None:
    page.call("Page.navigate", url=base + "/login")
    page.wait_for("document.querySelector('form.stack') !== null")
    page.js("""(() => { const f = document.querySelector('form.stack');
        f.elements.login.value = %s; f.elements.password.value = %s; f.requestSubmit(); })()"""
            % (json.dumps(login), json.dumps(password)))
    page.wait_for("location.pathname === '/atendimento'")
    page.wait_for("document.getElementById('who-name').textContent.includes(%s)" % json.dumps(login))
    page.wait_for("document.querySelector('.status') && document.querySelector('.status').classList.contains('open')")


def send(page: Page, text: str) -> None:
    page.js("""(() => { const f = document.querySelector('form.sendbox');
        f.elements.message.value = %s; f.requestSubmit(); })()""" % json.dumps(text))


ROTATING = """scaling:
  request_timeout: 4s
realtime:
  rotate_before_timeout: 1s
"""


def shown(page: Page) -> list[str]:
    """The attendance list in order: messages as "from: text", notices as "[type reason]"."""
    return page.js("""[...document.querySelectorAll('.messages li')].flatMap(li => {
        const type = li.getAttribute('data-type');
        const text = li.textContent.slice((li.querySelector('time') || {textContent: ''}).textContent.length);
        if (type === 'message') return [li.getAttribute('data-from') + ': ' + text.split(': ').slice(1).join(': ')];
        if (type === 'pending' || type === 'acked') return ['pending: ' + text];
        if (type === 'history-lost') return ['[history-lost ' + li.getAttribute('data-reason') + ']'];
        if (type === 'recovered') return ['[recovered ' + li.getAttribute('data-missed') + ']'];
        return [];
    })""")


def outbox(page: Page) -> int:
    return page.js("(JSON.parse(sessionStorage.getItem('piloto.canal.vendas') || '{}').outbox || []).length")


def no_pending(page: Page) -> str:
    return "document.querySelectorAll('.messages li.pending').length === 0"


def has_line(text: str) -> str:
    return ("[...document.querySelectorAll('li[data-type=message]')].some(li => li.textContent.endsWith(%s))"
            % json.dumps(text))


class Piloto:
    """One `piloto serve` process of ours: started, SIGKILLed by its own PID, started again."""

    def __init__(self, binary: str, config: Path, port: int, log: Path):
        self.command = [binary, "serve", "--dev", "--config", str(config), "--port", str(port)]
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_http(self.base + "/api/health", self.proc)

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--piloto", default=default_piloto())
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not (REPO / "frontend" / "dist" / "index.html").exists():
        print("build the SPA first: npm --prefix frontend run build", file=sys.stderr)
        return 2
    passwords = {"ana": "senha-da-ana-1", "bruno": "senha-do-bruno-2"}
    site = Path(tempfile.mkdtemp(prefix="attendance-check-"))
    config = write_config(site, passwords)
    port, cdp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    started: list[subprocess.Popen] = []
    piloto = Piloto(args.piloto, config, port, site / "piloto.log")
    failures: list[str] = []
    problems: list[str] = []

    def check(name, fn):
        try:
            fn()
            print(f"ok    {name}")
        except Exception as error:  # noqa: BLE001 - report and go on
            failures.append(name)
            print(f"FAIL  {name}: {error}")

    try:
        piloto.start()
        profile = tempfile.mkdtemp(prefix="attendance-chromium-")
        started.append(subprocess.Popen(
            [args.chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
             f"--remote-debugging-port={cdp_port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        wait_http(f"http://127.0.0.1:{cdp_port}/json/version", started[0])
        browser = Browser(cdp_port)
        ana, bruno = browser.new_page(), browser.new_page()

        check("ana logs in and joins vendas", lambda: log_in(ana, base, "ana", passwords["ana"]))
        check("bruno logs in and joins vendas", lambda: log_in(bruno, base, "bruno", passwords["bruno"]))
        check("ana sees bruno join (2 in the channel)", lambda: ana.wait_for(
            "document.querySelector('li[data-type=join][data-from=bruno]') !== null && "
            "document.getElementById('members').getAttribute('data-members') === '2'"))

        def message_flow():
            send(bruno, "cliente 42 fechou!")
            ana.wait_for("[...document.querySelectorAll('li[data-type=message][data-from=bruno]')]"
                         ".some(li => li.classList.contains('other') && li.textContent.includes('bruno: cliente 42 fechou!'))")
            send(ana, "parabéns")
            ana.wait_for("[...document.querySelectorAll('li.mine[data-from=ana]')].some(li => "
                         "li.textContent.includes('Você: parabéns'))")
            bruno.wait_for("[...document.querySelectorAll('li[data-from=ana]')].some(li => "
                           "li.textContent.includes('ana: parabéns'))")
        check("messages reach the other salesperson in real time", message_flow)

        def recovery():
            bruno.js("document.querySelector('.nav a[href=\\'/\\']').click()")
            bruno.wait_for("location.pathname === '/'")
            for text in ["proposta enviada", "aguardando retorno"]:
                send(ana, text)
            ana.wait_for(no_pending(ana) + " && " + has_line("aguardando retorno"))
            bruno.js("document.querySelector('.nav a[href=\\'/atendimento\\']').click()")
            bruno.wait_for("document.querySelector('li[data-type=recovered][data-missed=\\'2\\']') !== null")
            got = shown(bruno)
            want = ["bruno: cliente 42 fechou!", "ana: parabéns", "ana: proposta enviada", "ana: aguardando retorno",
                    "[recovered 2]"]
            assert got == want, f"bruno's screen after recovery: {got}"
        check("a reconnect recovers what was missed (2 mensagens recuperadas, each once)", recovery)

        def restart():
            send(ana, "antes da queda")
            ana.wait_for(no_pending(ana) + " && " + has_line("antes da queda"))
            bruno.wait_for(has_line("antes da queda"))
            piloto.kill()
            ana.wait_for("document.querySelector('.status').classList.contains('closed')")
            for text in ["durante a queda 1", "durante a queda 2"]:
                send(ana, text)
            ana.wait_for("document.querySelectorAll('.messages li[data-type=pending]').length === 2")
            assert outbox(ana) == 2, f"ana's outbox while down: {outbox(ana)}"
            piloto.start()
            # Ana's reconnect loop reaches the new instance, which no longer knows her session.
            ana.wait_for("document.querySelector('li[data-type=login-required]') !== null", timeout=45)
            assert outbox(ana) == 2, f"ana's outbox before the new login: {outbox(ana)}"
            log_in(ana, base, "ana", passwords["ana"])
            ana.wait_for("document.querySelector('li[data-type=history-lost][data-reason=epoch_changed]') !== null")
            ana.wait_for(no_pending(ana) + " && " + has_line("durante a queda 2"))
            assert outbox(ana) == 0, f"ana's outbox after the acks: {outbox(ana)}"
            log_in(bruno, base, "bruno", passwords["bruno"])
            bruno.wait_for("document.querySelector('li[data-type=history-lost][data-reason=epoch_changed]') !== null")
            bruno.wait_for(has_line("durante a queda 2"))
            before = ["bruno: cliente 42 fechou!", "ana: parabéns", "ana: proposta enviada", "ana: aguardando retorno",
                      "ana: antes da queda"]
            got = shown(bruno)
            want = before + ["[history-lost epoch_changed]", "ana: durante a queda 1", "ana: durante a queda 2"]
            assert got == want, f"bruno's screen after the restart: {got}"
            mine = [line for line in shown(ana) if line.startswith("ana: ")]
            assert mine == [line for line in want if line.startswith("ana: ")], f"ana's screen: {shown(ana)}"
            # A reload shows what the tab kept (sessionStorage) and recovers nothing new: no duplicate.
            bruno.call("Page.reload")
            bruno.wait_for("document.querySelector('.status') && document.querySelector('.status').classList.contains('open')")
            bruno.wait_for("document.querySelector('li.mine[data-from=bruno]') !== null")
            got = shown(bruno)
            assert got == [line for line in want if not line.startswith("[")], f"bruno's screen after a reload: {got}"
        check("piloto SIGKILLed and restarted: epoch_changed notice, outbox resent, each message once in order",
              restart)

        def rotation():
            # A second instance whose sockets live ~3 s (request_timeout 4s − rotate_before 1s, ± 10 %):
            # every socket is closed with 1001 and comes back at once with its position.
            short = Piloto(args.piloto, write_config(site, passwords, "rotating.yaml", ROTATING), free_port(),
                           site / "rotating.log")
            try:
                short.start()
                ana2, bruno2 = browser.new_page(), browser.new_page()
                log_in(ana2, short.base, "ana", passwords["ana"])
                log_in(bruno2, short.base, "bruno", passwords["bruno"])
                texts = [f"rodada {n}" for n in range(1, 9)]
                for text in texts:
                    send(ana2, text)
                    time.sleep(1)
                ana2.wait_for(no_pending(ana2) + " && " + has_line(texts[-1]), timeout=30)
                bruno2.wait_for(has_line(texts[-1]), timeout=30)
                for page, who in [(ana2, "ana"), (bruno2, "bruno")]:
                    closes = page.js("[...document.querySelectorAll('li[data-type=closed]')].map(li => li.dataset.code)")
                    assert len(closes) >= 2 and set(closes) == {"1001"}, f"{who}'s closes: {closes}"
                    # The retry right after each 1001 is the fast one (≤ 300 ms), never the back-off.
                    delays = page.js("""[...document.querySelectorAll('li[data-type=closed]')].map(li => {
                        let next = li.nextElementSibling;
                        while (next && next.dataset.type !== 'reconnecting') next = next.nextElementSibling;
                        return next ? Number(next.dataset.delay) : -1; })""")
                    assert all(0 <= d <= 300 for d in delays), f"{who}'s first retries after 1001 (ms): {delays}"
                    lost = page.js("document.querySelectorAll('li[data-type=history-lost]').length")
                    assert lost == 0, f"{who} was told history was lost across a rotation"
                got = shown(bruno2)
                want = [f"ana: {text}" for text in texts]
                assert [line for line in got if not line.startswith("[recovered")] == want, f"bruno's screen: {got}"
                problems.extend(ana2.problems + bruno2.problems)
            finally:
                short.stop()
        check("1001 rotation: fast first retry, recovery, no loss and no duplicate", rotation)

        def dashboard():
            ana.call("Page.navigate", url=base + "/api/dashboard")
            ana.wait_for("document.body && document.body.getAttribute('data-state') === 'ready'")
            ana.wait_for("Number(document.getElementById('ws-active').textContent) >= 1")
        check("the dashboard opens for a logged-in user and counts the WebSocket", dashboard)

        def logout():
            bruno.js("document.getElementById('logout').click()")
            bruno.wait_for("location.pathname === '/login' && "
                           "document.getElementById('who-name').textContent.includes('Não conectado')")
            bruno.call("Page.navigate", url=base + "/api/dashboard")
            bruno.wait_for("document.getElementById('login-link') !== null && document.title === 'Login required'")
        check("logout ends the session (dashboard asks to log in)", logout)

        problems.extend(ana.problems + bruno.problems)
        if problems:
            failures.append("problems")
            print("FAIL  no exceptions or CSP violations:\n  " + "\n  ".join(problems))
        else:
            print("ok    no exceptions or CSP violations")
    except Exception as error:  # noqa: BLE001
        failures.append(str(error))
        print(f"FAIL  setup: {error}")
    finally:
        piloto.stop()
        for proc in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
    print("attendance check: " + ("all passed" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
