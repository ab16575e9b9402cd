"""WebSocket through piloto's proxy, with Python's `websockets` on both ends (a real peer each side).

Protocol with the Swift test (ProxyWebSocketTests), one line each:
  -> prints "upstream <port>"        an echo server is listening there
  <- reads  "piloto <port>"          piloto proxies /api/clientes/ws to that upstream
  -> prints "echo ok"                text, binary and a 200 KB message came back through the tunnel
  -> prints "tunnel open"            a second tunnel is open and idle
  <- (the test starts piloto's drain)
  -> prints "closed <code>"          the close code the client got (1001 expected)
"""
import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

seen_headers = {}


async def echo(ws):
    seen_headers.update({k.lower(): v for k, v in ws.request.headers.raw_items()})
    async for message in ws:
        await ws.send(message)


async def main(origin):
    async with serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"upstream {port}", flush=True)
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        piloto = int(line.split()[1])
        url = f"ws://127.0.0.1:{piloto}/api/clientes/ws"
        async with connect(url, origin=origin, max_size=2**22) as ws:
            await ws.send("olá")
            assert await ws.recv() == "olá"
            await ws.send(b"\x00\x01\x02")
            assert await ws.recv() == b"\x00\x01\x02"
            big = "x" * 200_000
            await ws.send(big)
            assert await ws.recv() == big
        assert seen_headers.get("x-forwarded-proto") == "https", seen_headers
        assert "x-piloto-user" not in seen_headers
        print("echo ok", flush=True)
        async with connect(url, origin=origin) as ws:
            print("tunnel open", flush=True)
            try:
                await asyncio.wait_for(ws.recv(), timeout=10)
            except Exception:
                pass
            print(f"closed {ws.close_code}", flush=True)


asyncio.run(main(sys.argv[1]))
