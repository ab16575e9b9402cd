#!/usr/bin/env python3
"""No message lost across a reconnect (issue 14), end to end: three `piloto serve` instances on one
real `redis-server`, real WebSocket clients (python `websockets`).

    python3 tools/realtime_cluster_check.py [--piloto PATH] [--redis-server PATH] [--json FILE]

Every client checks the protocol's invariant on everything it receives: within an epoch the
offsets are contiguous (each exactly once, in order), and every discontinuity is announced, by a
`hello` with `recovered:false` or an in-band `reset`; a message of another epoch without one is a
silent continuation and fails the run. On top of that, per scenario:

  cut          a member's TCP connection is cut, 10 messages are published meanwhile; it comes
               back on another instance with ?epoch&offset: recovered, missed 10, all 15 once.
  duplicate    the same publish id twice: the same ack twice, stored and delivered once.
  pubsub-kill  `CLIENT KILL TYPE pubsub` while 60 messages are published: every member still
               gets all 60 in order, without reconnecting (the gap is filled from the stream).
  presence     members on three instances: `hello.members` is the same on every instance; a
               reconnect on another instance inside presence_debounce sends no leave/join.
  sigkill      (last) SIGKILL of the instance holding two members while another publishes: they come
               back on the other instances and recover every message; a member that only lived
               there is announced as `leave` on the others within ~70 s (Redis presence TTL).
  redis-restart  redis-server restarted without persistence: members get `reset`
               (epoch_changed), never a silent continuation; a broadcast right after Redis is
               back reaches every member; an old position gets `recovered:false, epoch_changed`.
  rdb-restore  Redis restarted from an older RDB snapshot (its run_id changed): the epoch rotates,
               so the messages after the snapshot are not silently reused.
Exit status 0 when every check passed, 1 when one failed, 2 for setup problems.
"""

import asyncio
import json
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_check import ORIGIN, Instance, Redis, cluster_parser, cluster_setup, login  # noqa: E402
from dashboard_check import yescrypt  # noqa: E402

from websockets.asyncio.client import connect  # noqa: E402

PASSWORD = "cluster-secret"
USERS = ("ana", "bruno", "carla", "dora", "edu")
RESULTS: dict = {}
FAILURES: list = []


def check(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
    RESULTS.setdefault(name, []).append({"ok": ok, "detail": detail})
    if not ok:
        FAILURES.append(f"{name}: {detail}")


def redis_command(port: int, *args: str, timeout: float = 5) -> bytes:
    """One command in RESP; the raw reply (enough for +OK, :n and bulk strings)."""
    out = f"*{len(args)}\r\n".encode()
    for arg in args:
        raw = arg.encode()
        out += b"$%d\r\n%s\r\n" % (len(raw), raw)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(out)
        try:
            return s.recv(65536)
        except OSError:
            return b""


def write_config(folder: Path, redis_url: str) -> Path:
    dist = folder / "dist"
    (dist / "assets").mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text("<!doctype html><title>realtime</title>\n")
    users = folder / "users.txt"
    users.write_text("".join(f"{user}:{yescrypt(PASSWORD)}\n" for user in USERS))
    config = folder / "realtime.yaml"
    config.write_text(f"""service:
  name: realtime-check
  domain: app.example.com
  image: southamerica-east1-docker.pkg.dev/demo/piloto/app:check
scaling:
  max_instances: 3
server:
  port: 8080
  shutdown_grace: 2s
cookies:
  session:
    name: session_id
    secure: false
sessions:
  store: redis
  redis_url: {redis_url}
  users_file: users.txt
realtime:
  history:
    size: 500
    ttl: 1h
  presence_debounce: 3s
routes:
  - path: /api/health
    handler: health
  - path: /api/auth
    handler: auth
  - path: /ws
    handler: websocket
    mode: channels
    auth: required
  - path: /
    handler: spa
    root: dist
""")
    return config


class Member:
    """A channel client that checks the invariant on every frame and keeps its position."""

    def __init__(self, name: str, user: str, cookie: str, channel: str):
        self.name, self.user, self.cookie, self.channel = name, user, cookie, channel
        self.epoch: str | None = None
        self.last: int | None = None
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.hellos: list = []
        self.resets: list = []
        self.data: list = []
        self.acks: dict = {}
        self.presence: list = []  # (monotonic time, type, user)
        self.violations: list = []
        self.close_codes: list = []

    async def open(self, instance, recover: bool = True) -> dict:
        query = ""
        if recover and self.epoch is not None and self.last is not None:
            query = f"?epoch={self.epoch}&offset={self.last}"
        url = f"ws://127.0.0.1:{instance.port}/ws/{self.channel}{query}"
        self.ws = await connect(url, origin=ORIGIN, additional_headers={"Cookie": self.cookie},
                                open_timeout=5, max_size=2**22, ping_interval=None)
        count = len(self.hellos)
        self.reader = asyncio.create_task(self._read(self.ws))
        await self.until(lambda: len(self.hellos) > count, 5, "hello")
        return self.hellos[-1]

    async def _read(self, ws) -> None:
        try:
            async for raw in ws:
                self._frame(json.loads(raw))
        except Exception:  # noqa: BLE001 - closed or cut: the scenario decides what that means
            pass
        if ws.close_code is not None:
            self.close_codes.append(ws.close_code)

    def _frame(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "hello":
            if not self.hellos and frame.get("recovered") is not False and self.epoch is None:
                pass
            if frame.get("recovered"):
                if frame.get("epoch") != self.epoch:
                    self.violations.append(f"hello recovered:true in epoch {frame.get('epoch')} after {self.epoch}")
                elif self.last is not None and frame.get("offset", 0) - self.last != frame.get("missed"):
                    self.violations.append(f"hello missed {frame.get('missed')} but offset {frame.get('offset')} "
                                           f"after {self.last}")
            else:
                self.epoch, self.last = frame.get("epoch"), frame.get("offset")
            self.hellos.append(frame)
        elif kind == "reset":
            self.resets.append(frame)
            self.epoch, self.last = frame.get("epoch"), frame.get("offset")
        elif kind == "message":
            epoch, offset = frame.get("epoch"), frame.get("offset")
            if epoch != self.epoch:
                self.violations.append(f"message of epoch {epoch} while in {self.epoch}, unannounced")
            elif self.last is not None and offset != self.last + 1:
                self.violations.append(f"offset {offset} after {self.last}")
            self.epoch, self.last = epoch, offset
            self.data.append(frame.get("data"))
        elif kind == "ack":
            self.acks.setdefault(frame.get("id"), []).append(frame.get("offset"))
        elif kind in ("join", "leave"):
            self.presence.append((time.monotonic(), kind, frame.get("user")))

    async def publish(self, data: str, message_id: str | None = None, timeout: float = 15) -> int:
        """Sends a publish envelope, resending the same id every second until it is acked."""
        message_id = message_id or secrets.token_hex(8)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                await self.ws.send(json.dumps({"type": "publish", "id": message_id, "data": data}))
            except Exception:  # noqa: BLE001 - closed: the caller reconnects
                raise
            try:
                await self.until(lambda: message_id in self.acks, 1.0, "ack")
                return self.acks[message_id][-1]
            except TimeoutError:
                continue
        raise TimeoutError(f"{self.name}: publish {data!r} never acked")

    async def until(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: no {what} within {seconds} s")
            await asyncio.sleep(0.01)

    def cut(self) -> None:
        """The TCP connection drops (no close frame), as a network or instance failure does."""
        self.ws.transport.abort()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait([self.reader], timeout=2)

    def assert_invariant(self, scenario: str) -> None:
        check(scenario, not self.violations,
              f"{self.name}: invariant held" if not self.violations else f"{self.name}: {self.violations[:3]}")

    def count(self, values) -> dict:
        return {value: self.data.count(value) for value in values}


async def settle(members, expected, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(all(m.data.count(v) >= 1 for v in expected) for m in members):
            return
        await asyncio.sleep(0.02)
    missing = {m.name: [v for v in expected if v not in m.data][:5] for m in members}
    raise TimeoutError(f"{what}: still missing {missing}")


# --- scenarios -----------------------------------------------------------------------------------

async def scenario_cut(a, b, c, cookies):
    publisher = Member("publisher@A", "ana", cookies["ana"], "cut")
    watcher = Member("watcher@B", "bruno", cookies["bruno"], "cut")
    await publisher.open(a)
    await watcher.open(b)
    first = [f"cut-{i}" for i in range(5)]
    for text in first:
        await publisher.publish(text)
    await settle([watcher], first, 5, "cut before")
    watcher.cut()
    later = [f"cut-{i}" for i in range(5, 15)]
    for text in later:
        await publisher.publish(text)
    hello = await watcher.open(c)
    await settle([watcher], later, 5, "cut replay")
    await asyncio.sleep(0.3)
    check("cut", hello.get("recovered") is True and hello.get("missed") == 10,
          f"hello on C: recovered {hello.get('recovered')}, missed {hello.get('missed')} (10 published while cut)")
    counts = watcher.count(first + later)
    check("cut", all(n == 1 for n in counts.values()), f"each of 15 messages once: {sorted(set(counts.values()))}")
    watcher.assert_invariant("cut")
    publisher.assert_invariant("cut")
    await publisher.close()
    await watcher.close()


async def scenario_duplicate(a, b, cookies):
    publisher = Member("publisher@A", "ana", cookies["ana"], "dup")
    watcher = Member("watcher@B", "bruno", cookies["bruno"], "dup")
    await publisher.open(a)
    await watcher.open(b)
    first = await publisher.publish("dup-once", message_id="dup-1")
    second = await publisher.publish("dup-once", message_id="dup-1")
    await publisher.publish("dup-after")
    await settle([watcher], ["dup-after"], 5, "duplicate")
    check("duplicate", first == second, f"acks for the repeated id: offsets {first} and {second}")
    check("duplicate", watcher.data.count("dup-once") == 1 and publisher.data.count("dup-once") == 1,
          f"delivered {watcher.data.count('dup-once')}× to the watcher, {publisher.data.count('dup-once')}× to the sender")
    watcher.assert_invariant("duplicate")
    await publisher.close()
    await watcher.close()


async def scenario_pubsub_kill(a, b, c, cookies, redis_port):
    publisher = Member("publisher@A", "ana", cookies["ana"], "pskill")
    watchers = [Member("watcher@B", "bruno", cookies["bruno"], "pskill"),
                Member("watcher@C", "carla", cookies["carla"], "pskill")]
    await publisher.open(a)
    await watchers[0].open(b)
    await watchers[1].open(c)
    texts = [f"ps-{i}" for i in range(60)]
    killed = b""
    for index, text in enumerate(texts):
        if index == 20:
            killed = redis_command(redis_port, "CLIENT", "KILL", "TYPE", "pubsub")
        await publisher.publish(text)
        await asyncio.sleep(0.03)
    started = time.monotonic()
    await settle(watchers, texts, 25, "pubsub-kill")
    healed = time.monotonic() - started
    RESULTS["pubsub_kill_healed_seconds"] = healed
    check("pubsub-kill", killed.startswith(b":") and killed != b":0\r\n",
          f"CLIENT KILL TYPE pubsub → {killed.strip().decode(errors='replace')}")
    for watcher in watchers:
        counts = watcher.count(texts)
        check("pubsub-kill", all(n == 1 for n in counts.values()) and len(watcher.hellos) == 1 and not watcher.close_codes,
              f"{watcher.name}: all 60 once, {len(watcher.hellos)} hello, no reconnect; the last arrived "
              f"{healed:.2f} s after the last publish; {len(watcher.resets)} reset")
        watcher.assert_invariant("pubsub-kill")
        await watcher.close()
    await publisher.close()


async def scenario_presence(a, b, c, cookies):
    channel = "sala"
    people = [Member("ana@A", "ana", cookies["ana"], channel), Member("bruno@B", "bruno", cookies["bruno"], channel),
              Member("carla@C", "carla", cookies["carla"], channel)]
    for member, inst in zip(people, (a, b, c)):
        await member.open(inst)
    await asyncio.sleep(1.0)
    observers = [Member(f"edu@{n}", "edu", cookies["edu"], channel) for n in "ABC"]
    lists = []
    for observer, inst in zip(observers, (a, b, c)):
        hello = await observer.open(inst)
        lists.append(sorted(m["user"] for m in hello.get("members", [])))
    same = lists[0] == lists[1] == lists[2] and {"ana", "bruno", "carla"} <= set(lists[0])
    check("presence", same, f"hello.members on A, B, C: {lists}")
    # ana moves from A to B inside presence_debounce (3 s): nobody hears leave or join.
    mark = time.monotonic()
    people[0].cut()
    await asyncio.sleep(0.5)
    moved = Member("ana@B", "ana", cookies["ana"], channel)
    await moved.open(b)
    await asyncio.sleep(5.0)
    flaps = [(o.name, kind) for o in observers for (t, kind, user) in o.presence if t >= mark and user == "ana"]
    check("presence", not flaps, f"a reconnect inside the debounce: {len(flaps)} leave/join seen {flaps[:4]}")
    for member in people[1:] + observers + [moved]:
        member.assert_invariant("presence")
        await member.close()


async def scenario_sigkill(instances, cookies):
    a, b, c = instances
    channel = "kill"
    publisher = Member("publisher@A", "ana", cookies["ana"], channel)
    victims = [Member("bruno@C", "bruno", cookies["bruno"], channel), Member("carla@C", "carla", cookies["carla"], channel)]
    lonely = Member("dora@C", "dora", cookies["dora"], channel)
    observer = Member("edu@B", "edu", cookies["edu"], channel)
    await publisher.open(a)
    await observer.open(b)
    for victim in victims:
        await victim.open(c)
    await lonely.open(c)
    await asyncio.sleep(0.5)
    sent = []
    for index in range(10):
        sent.append(f"kill-{index}")
        await publisher.publish(sent[-1])
    c.proc.send_signal(signal.SIGKILL)
    c.proc.wait(timeout=10)
    killed_at = time.monotonic()
    for index in range(10, 30):
        sent.append(f"kill-{index}")
        await publisher.publish(sent[-1])
        await asyncio.sleep(0.02)
    hellos = []
    for victim, inst in zip(victims, (a, b)):
        await victim.reader  # the cut reached the client
        hellos.append(await victim.open(inst))
    for index in range(30, 40):
        sent.append(f"kill-{index}")
        await publisher.publish(sent[-1])
    await settle(victims + [observer], sent, 10, "sigkill")
    for victim, hello in zip(victims, hellos):
        counts = victim.count(sent)
        check("sigkill", hello.get("recovered") is True and all(n == 1 for n in counts.values()),
              f"{victim.name} back on another instance: recovered {hello.get('recovered')}, missed "
              f"{hello.get('missed')}, each of {len(sent)} messages once")
        victim.assert_invariant("sigkill")
    observer.assert_invariant("sigkill")
    return killed_at, observer, [publisher, *victims]


async def wait_leave(observer: Member, user: str, since: float, limit: float) -> float | None:
    deadline = since + limit
    while time.monotonic() < deadline:
        for (t, kind, who) in observer.presence:
            if t >= since and kind == "leave" and who == user:
                return t - since
        await asyncio.sleep(0.2)
    return None


async def scenario_redis_restart(a, b, cookies, redis: Redis):
    channel = "restart"
    publisher = Member("publisher@A", "ana", cookies["ana"], channel)
    watchers = [Member("bruno@A", "bruno", cookies["bruno"], channel), Member("carla@B", "carla", cookies["carla"], channel)]
    await publisher.open(a)
    for watcher, inst in zip(watchers, (a, b)):
        await watcher.open(inst)
    before = [f"rs-{i}" for i in range(5)]
    for text in before:
        await publisher.publish(text)
    await settle(watchers, before, 5, "restart before")
    old_epoch, old_offset = watchers[1].epoch, watchers[1].last
    redis_command(redis.port, "SHUTDOWN", "NOSAVE")
    redis.proc.wait(timeout=10)
    (redis.folder / "dump.rdb").unlink(missing_ok=True)
    redis.start()
    # The broadcast right after Redis is back: resent (same id) until stored, then to everyone.
    await publisher.publish("rs-after", timeout=20)
    await settle(watchers + [publisher], ["rs-after"], 10, "broadcast after the restart")
    for watcher in watchers:
        check("redis-restart", len(watcher.resets) >= 1 and watcher.resets[-1].get("reason") == "epoch_changed",
              f"{watcher.name}: reset {[r.get('reason') for r in watcher.resets]} before the first message "
              f"of the new epoch; the broadcast after the restart arrived")
        watcher.assert_invariant("redis-restart")
    # The sessions went with Redis' data: log in again (a member's open socket is not affected).
    cookies["dora"] = login(b, "dora")
    late = Member("late@B", "dora", cookies["dora"], channel)
    late.epoch, late.last = old_epoch, old_offset
    hello = await late.open(b)
    check("redis-restart", hello.get("recovered") is False and hello.get("reason") == "epoch_changed",
          f"an old position after the restart: recovered {hello.get('recovered')}, reason {hello.get('reason')}")
    for member in [publisher, late] + watchers:
        await member.close()


async def scenario_rdb_restore(a, b, cookies, redis: Redis):
    channel = "snapshot"
    publisher = Member("publisher@A", "ana", cookies["ana"], channel)
    watcher = Member("bruno@B", "bruno", cookies["bruno"], channel)
    await publisher.open(a)
    await watcher.open(b)
    for index in range(5):
        await publisher.publish(f"snap-{index}")
    saved = redis_command(redis.port, "SAVE")
    after_snapshot = [f"snap-{index}" for index in range(5, 10)]
    for text in after_snapshot:
        await publisher.publish(text)
    await settle([watcher], after_snapshot, 5, "rdb before")
    top_before = watcher.last
    epoch_before = watcher.epoch
    redis_command(redis.port, "SHUTDOWN", "NOSAVE")
    redis.proc.wait(timeout=10)
    redis.start()  # loads the older dump.rdb: offsets 1…5 of the same epoch, another run_id
    await publisher.publish("snap-restored", timeout=20)
    await settle([watcher], ["snap-restored"], 10, "rdb after")
    check("rdb-restore", saved.startswith(b"+OK"), f"SAVE → {saved.strip().decode(errors='replace')}")
    check("rdb-restore", watcher.epoch != epoch_before and len(watcher.resets) >= 1,
          f"the epoch rotated ({epoch_before} → {watcher.epoch}, resets {[r.get('reason') for r in watcher.resets]}); "
          f"top was {top_before}, the message after the restore is offset {watcher.last}")
    watcher.assert_invariant("rdb-restore")
    await publisher.close()
    await watcher.close()


async def run_all(binary: str, folder: Path, redis: Redis, instances: list) -> None:
    a, b, c = instances
    cookies = {user: login(a, user) for user in USERS}
    await scenario_cut(a, b, c, cookies)
    await scenario_duplicate(a, b, cookies)
    await scenario_pubsub_kill(a, b, c, cookies, redis.port)
    await scenario_presence(a, b, c, cookies)
    await scenario_redis_restart(a, b, cookies, redis)
    for user in USERS:  # the restart without persistence took the sessions too
        cookies[user] = login(a, user)
    await scenario_rdb_restore(a, b, cookies, redis)
    # Last, because it waits for the dead instance's presence to expire (60 s TTL) and a Redis
    # restart would take that presence with it.
    for user in USERS:
        cookies[user] = login(a, user)
    killed_at, observer, keep = await scenario_sigkill(instances, cookies)
    for member in keep:
        await member.close()
    waited = await wait_leave(observer, "dora", killed_at, 90)
    RESULTS["dead_instance_leave_seconds"] = waited
    check("sigkill", waited is not None and waited <= 80,
          f"dora (only on the killed instance) announced as leave on B after "
          f"{'never' if waited is None else f'{waited:.1f} s'} (presence TTL 60 s + sweep)")
    await observer.close()


def main(argv=None) -> int:
    parser = cluster_parser(__doc__)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    setup = cluster_setup(args, "piloto-realtime-")
    if setup is None:
        return 2
    folder, redis = setup
    instances = []
    started = time.monotonic()
    try:
        redis.start()
        config = write_config(folder, redis.url)
        instances = [Instance(args.piloto, config, name, folder) for name in ("A", "B", "C")]
        asyncio.run(asyncio.wait_for(run_all(args.piloto, folder, redis, instances), timeout=300))
    except Exception as error:  # noqa: BLE001 - report and fail
        check("setup", False, f"{type(error).__name__}: {error}")
    finally:
        for inst in instances:
            inst.stop()
        if redis.proc is not None and redis.proc.poll() is None:
            redis.proc.kill()
            redis.proc.wait()
    RESULTS["seconds"] = time.monotonic() - started
    if args.json:
        Path(args.json).write_text(json.dumps(RESULTS, indent=2, sort_keys=True))
    print(f"{'FAILED' if FAILURES else 'OK'}: {len(FAILURES)} failure(s) in {RESULTS['seconds']:.0f} s", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
