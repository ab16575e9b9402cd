#!/usr/bin/env python3
"""Interop check: Python's `websockets` client against a running `piloto serve`.

Usage: scripts/ws_interop.py PORT ORIGIN
Checks /ws/echo (text, binary, 64 KiB, ping) and /ws/<channel> (two members: join envelopes,
broadcast to both including the sender, leave). Prints "ok" and exits 0, or prints what failed
and exits 1. Exit 3 when the `websockets` module is missing (the Swift test skips then).
"""
import asyncio
import json
import sys

try:
    import websockets
    from websockets.asyncio.client import connect
except ImportError:  # websockets < 13 or missing
    print("python module 'websockets' (>= 13) is not installed", file=sys.stderr)
    sys.exit(3)


async def expect_envelope(ws, kind, **fields):
    text = await asyncio.wait_for(ws.recv(), 5)
    data = json.loads(text)
    assert data["type"] == kind, f"expected {kind}, got {text}"
    for key, value in fields.items():
        assert data[key] == value, f"{key}: expected {value!r}, got {text}"
    return data


async def main(port, origin):
    base = f"ws://127.0.0.1:{port}"
    async with connect(base + "/ws/echo", origin=origin, max_size=2**21) as ws:
        await ws.send("olá, piloto")
        assert await asyncio.wait_for(ws.recv(), 5) == "olá, piloto"
        await ws.send(bytes(range(256)))
        assert await asyncio.wait_for(ws.recv(), 5) == bytes(range(256))
        big = "x" * 65536
        await ws.send(big)
        assert await asyncio.wait_for(ws.recv(), 5) == big
        pong = await ws.ping(b"interop")
        await asyncio.wait_for(pong, 5)
    assert ws.close_code == 1000, f"close code {ws.close_code}"

    # The channel protocol (docs/websockets.md): `hello` first, then messages with offset + epoch.
    # Both connections are the same user ("anonymous", no auth), so presence sends no join/leave.
    async with connect(base + "/ws/interop", origin=origin) as a:
        hello = await expect_envelope(a, "hello", channel="interop", offset=0, recovered=False, missed=0)
        assert [m["user"] for m in hello["members"]] == ["anonymous"], hello
        async with connect(base + "/ws/interop", origin=origin) as b:
            await expect_envelope(b, "hello", channel="interop", epoch=hello["epoch"], offset=0)
            await b.send("bom dia")
            for ws in (a, b):
                message = await expect_envelope(
                    ws, "message", channel="interop", data="bom dia", offset=1, epoch=hello["epoch"],
                    **{"from": "anonymous"})
                assert message["at"].endswith("Z"), message
        try:
            extra = await asyncio.wait_for(a.recv(), 0.5)
            raise AssertionError(f"nothing expected after the second connection of the same user left, got {extra}")
        except asyncio.TimeoutError:
            pass
    print("ok")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
    except Exception as error:  # report any failure as one line for the Swift test
        print(f"interop failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
