"""Raw-socket WebSocket helpers for bench/ws_idle.py and bench/ws_broadcast.py (stdlib only).

Thousands of connections are cheaper as plain sockets than as `websockets` client objects, and a
plain socket lets ws_broadcast.py read the kernel's receive timestamp (SO_TIMESTAMPNS).
"""

import base64
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
CONFIG = BENCH / "ws_bench.yaml"
ORIGIN = "https://bench.piloto.test"


def log(message):
    print(message, file=sys.stderr, flush=True)


def raise_nofile():
    """Soft RLIMIT_NOFILE up to the hard limit (children inherit it); returns the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_binary():
    for kind in ("release", "debug"):
        path = REPO / ".build" / kind / "piloto"
        if path.is_file():
            return path
    return REPO / ".build" / "release" / "piloto"


class Piloto:
    """`piloto serve` on a free port with the bench config, in its own process group."""

    def __init__(self, binary, config=CONFIG, cpu=None):
        binary = Path(binary).resolve()
        self.port = free_port()
        self.log_file = tempfile.NamedTemporaryFile(prefix="piloto-wsbench-", suffix=".log", delete=False)
        argv = [str(binary), "serve", "--config", str(config), "--port", str(self.port)]
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu)] + argv
        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT, cwd=config.parent,
                                     start_new_session=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"piloto did not start; log: {self.log_file.name}")

    @property
    def pid(self):
        # taskset execs piloto in place: the pid is piloto's.
        return self.proc.pid

    def rss_kib(self):
        return status_kib(self.pid, "VmRSS")

    def hwm_kib(self):
        return status_kib(self.pid, "VmHWM")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=12)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def handshake(port, path, origin=ORIGIN, timeout=10):
    """A connected, upgraded socket; bytes read past the 101 are returned too."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: bench.piloto.test\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: {origin}\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed during handshake: {data[:80]!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    return s, rest


def masked_text(text):
    """A masked client text frame (RFC 6455 §5.2, §5.3)."""
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    if n <= 125:
        head = struct.pack("!BB", 0x81, 0x80 | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x81, 0xFE, n)
    else:
        head = struct.pack("!BBQ", 0x81, 0xFF, n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def parse_frames(buffer):
    """Complete unmasked server frames in `buffer`: ([(opcode, payload)], rest)."""
    frames = []
    while len(buffer) >= 2:
        opcode = buffer[0] & 0x0F
        n = buffer[1] & 0x7F
        offset = 2
        if n == 126:
            if len(buffer) < 4:
                break
            n = struct.unpack("!H", buffer[2:4])[0]
            offset = 4
        elif n == 127:
            if len(buffer) < 10:
                break
            n = struct.unpack("!Q", buffer[2:10])[0]
            offset = 10
        if len(buffer) < offset + n:
            break
        frames.append((opcode, buffer[offset:offset + n]))
        buffer = buffer[offset + n:]
    return frames, buffer
