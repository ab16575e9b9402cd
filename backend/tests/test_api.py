"""The demo API over a real socket: uvicorn started with piloto.yaml's argv, a fresh SQLite file.

    python3 -m unittest discover -s backend/tests      (from the repo root; no pytest needed)

Runs `python -m uvicorn app.main:app --host 127.0.0.1 --port <free>` in backend/ (piloto's
`backends.api.run`, on a free port), with the environment piloto passes, and talks HTTP and
WebSocket to it as piloto's proxy would: with and without a signed X-Piloto-Assertion.

PILOTO_TEST_DATABASE_URL=postgresql://… runs the same tests again against PostgreSQL (the
design's Cloud SQL); its tables are dropped first. That needs psycopg in the Python running the
tests, e.g. `backend/.venv/bin/python -m unittest discover -s backend/tests`.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import jwt

BACKEND = Path(__file__).resolve().parents[1]
KEY = "demo-test-identity-key-0123456789abcdef"
SERVICE = "piloto-vendas-app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assertion(sub="vendedor", key=KEY, aud=SERVICE):
    now = int(time.time())
    return jwt.encode({"iss": "piloto", "aud": aud, "sub": sub, "iat": now, "exp": now + 60, "sid": "ab" * 16},
                      key, algorithm="HS256")


class Backend:
    """One uvicorn process for the whole suite; killed by its PID at the end."""

    def __init__(self, database_url=None, identity_env=True):
        self.dir = tempfile.TemporaryDirectory(prefix="piloto-demo-test-")
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PILOTO_")}
        env.update(PILOTO_DEMO_DB=str(Path(self.dir.name) / "nested" / "demo.sqlite3"))
        if identity_env:
            env.update(PILOTO_IDENTITY_KEY=KEY, PILOTO_SERVICE_NAME=SERVICE)
        if database_url:
            env["DATABASE_URL"] = database_url
        self.log = open(Path(self.dir.name) / "uvicorn.log", "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=BACKEND, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError("uvicorn did not start:\n" + self.log.read())
                time.sleep(0.05)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.dir.cleanup()

    def request(self, method, path, body=None, token=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token is not None:
            req.add_header("X-Piloto-Assertion", token)
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, method, path, body=None, token=None, headers=None):
        status, headers, raw = self.request(method, path, body, token, headers)
        return status, json.loads(raw)


class APITests(unittest.TestCase):
    """Against SQLite (the default); PostgresAPITests runs the same methods against PostgreSQL."""

    @classmethod
    def setUpClass(cls):
        cls.backend = Backend(cls.database_url())

    @classmethod
    def tearDownClass(cls):
        cls.backend.stop()

    @classmethod
    def database_url(cls):
        return None

    def test_healthz_needs_no_login(self):
        self.assertEqual(self.backend.json("GET", "/healthz"), (200, {"status": "ok"}))

    def test_every_api_route_refuses_without_a_valid_assertion(self):
        forged = [None, "", assertion(key="not-the-shared-key-but-32-bytes-long"), assertion(aud="other"),
                  jwt.encode({"iss": "piloto", "aud": SERVICE, "sub": "x", "iat": 0, "exp": 2**40}, None,
                             algorithm="none")]
        for token in forged:
            for method, path, body in [("GET", "/api/clientes", None), ("GET", "/api/clientes/1", None),
                                       ("POST", "/api/clientes/1/notas", {"texto": "oi"}),
                                       ("GET", "/api/clientes/eventos", None)]:
                with self.subTest(path=path, token=(token or "")[:16]):
                    status, body_json = self.backend.json(method, path, body, token)
                    self.assertEqual(status, 401)
                    self.assertIn("error", body_json)

    def test_a_plain_user_header_is_not_identity(self):
        status, _ = self.backend.json("GET", "/api/clientes", headers={"X-Piloto-User": "admin"})
        self.assertEqual(status, 401)

    def test_list_carries_the_user_and_the_biggest_customers_first(self):
        status, body = self.backend.json("GET", "/api/clientes?limite=10", token=assertion("ana.paula"))
        self.assertEqual(status, 200)
        self.assertEqual(body["usuario"], "ana.paula")
        rows = body["clientes"]
        self.assertEqual(len(rows), 10)
        revenue = [c["faturamento_mensal"] for c in rows]
        self.assertEqual(revenue, sorted(revenue, reverse=True))
        for key in ["id", "nome", "empresa", "cnpj", "email", "telefone", "cidade", "uf", "vendedor", "etapa"]:
            self.assertIn(key, rows[0])

    def test_search(self):
        _, everything = self.backend.json("GET", "/api/clientes?limite=200", token=assertion())
        city = everything["clientes"][0]["cidade"]
        _, found = self.backend.json("GET", "/api/clientes?busca=" + urllib.request.quote(city.lower()), token=assertion())
        self.assertTrue(found["clientes"])
        self.assertTrue(all(city.lower() in (c["cidade"] + c["empresa"] + c["nome"]).lower() for c in found["clientes"]))

    def test_detail_and_unknown_customer(self):
        status, body = self.backend.json("GET", "/api/clientes/42", token=assertion())
        self.assertEqual(status, 200)
        self.assertEqual(body["cliente"]["id"], 42)
        self.assertIsInstance(body["notas"], list)
        self.assertEqual(self.backend.json("GET", "/api/clientes/99999", token=assertion())[0], 404)
        self.assertEqual(self.backend.json("GET", "/api/clientes/abc", token=assertion())[0], 422)

    def test_a_note_is_written_by_the_assertion_subject(self):
        status, body = self.backend.json("POST", "/api/clientes/7/notas", {"texto": "  Ligar amanhã  ", "autor": "forjado"},
                                    token=assertion("carla"))
        self.assertEqual(status, 201)
        nota = body["nota"]
        self.assertEqual((nota["texto"], nota["autor"], nota["cliente_id"]), ("Ligar amanhã", "carla", 7))
        self.assertRegex(nota["criada_em"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        _, detail = self.backend.json("GET", "/api/clientes/7", token=assertion())
        self.assertEqual(detail["notas"][0]["id"], nota["id"])  # newest first

    def test_bad_notes(self):
        for body in [{"texto": ""}, {"texto": "   "}, {}, {"texto": "x" * 2001}]:
            with self.subTest(body=str(body)[:20]):
                status, answer = self.backend.json("POST", "/api/clientes/1/notas", body, token=assertion())
                self.assertEqual(status, 422)
                self.assertIn("error", answer)
        self.assertEqual(self.backend.json("POST", "/api/clientes/99999/notas", {"texto": "oi"}, token=assertion())[0], 404)

    def test_server_sent_events(self):
        status, headers, raw = self.backend.request("GET", "/api/clientes/eventos?n=3&intervalo_ms=50", token=assertion("ana"))
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/event-stream"))
        events = [block for block in raw.decode().split("\n\n") if block]
        self.assertEqual(len(events), 3)
        data = [json.loads(line[len("data: "):]) for block in events for line in block.split("\n")
                if line.startswith("data: ")]
        self.assertEqual([d["seq"] for d in data], [1, 2, 3])
        self.assertEqual({d["usuario"] for d in data}, {"ana"})

    def test_websocket_echo(self):
        from websockets.sync.client import connect
        from websockets.exceptions import InvalidStatus

        url = f"ws://127.0.0.1:{self.backend.port}/api/clientes/ws"
        with connect(url, additional_headers={"X-Piloto-Assertion": assertion()}) as ws:
            ws.send("olá")
            self.assertEqual(ws.recv(timeout=5), "olá")
            ws.send(b"\x00\xff")
            self.assertEqual(ws.recv(timeout=5), b"\x00\xff")
        with self.assertRaises(InvalidStatus) as refused:
            connect(url, additional_headers={"X-Piloto-Assertion": assertion(key="wrong-key-wrong-key-wrong-key-32")})
        self.assertEqual(refused.exception.response.status_code, 403)


class MissingIdentityEnvironmentTests(unittest.TestCase):
    """Started without PILOTO_IDENTITY_KEY/PILOTO_SERVICE_NAME (piloto did not pass them): it
    says so at start and fails closed: nothing is served as if the assertion had been checked."""

    def test_fails_closed_and_says_why(self):
        backend = Backend(identity_env=False)
        try:
            self.assertEqual(backend.json("GET", "/healthz"), (200, {"status": "ok"}))
            status, _, _ = backend.request("GET", "/api/clientes", token=assertion())
            self.assertEqual(status, 500)
            self.assertEqual(backend.json("GET", "/api/clientes")[0], 401)
            own = [json.loads(line) for line in backend.output().splitlines() if line.startswith("{")]
            self.assertEqual(own[0]["severity"], "ERROR", own)
            self.assertIn("PILOTO_IDENTITY_KEY and PILOTO_SERVICE_NAME not set", own[0]["message"])
        finally:
            backend.stop()


POSTGRES_URL = os.environ.get("PILOTO_TEST_DATABASE_URL")


@unittest.skipUnless(POSTGRES_URL, "PILOTO_TEST_DATABASE_URL not set")
class PostgresAPITests(APITests):
    @classmethod
    def database_url(cls):
        import psycopg  # the test's Python needs it too: backend/.venv/bin/python

        with psycopg.connect(POSTGRES_URL) as conn:  # a fresh database: seeded on start
            conn.execute("DROP TABLE IF EXISTS notas")
            conn.execute("DROP TABLE IF EXISTS clientes")
        return POSTGRES_URL

    def test_data_is_in_postgres(self):
        import psycopg

        self.backend.json("POST", "/api/clientes/3/notas", {"texto": "no PostgreSQL"}, token=assertion("pg"))
        with psycopg.connect(POSTGRES_URL) as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM notas WHERE autor = 'pg'").fetchone()
            (clientes,) = conn.execute("SELECT COUNT(*) FROM clientes").fetchone()
        self.assertEqual(count, 1)
        self.assertEqual(clientes, 48)


class SeedTests(unittest.TestCase):
    def test_seed_is_deterministic(self):
        sys.path.insert(0, str(BACKEND))
        from app import seed

        self.assertEqual(seed.clientes(), seed.clientes())
        self.assertEqual([c["id"] for c in seed.clientes()], list(range(1, seed.COUNT + 1)))


if __name__ == "__main__":
    unittest.main()
