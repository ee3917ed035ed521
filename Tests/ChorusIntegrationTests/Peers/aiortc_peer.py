"""A third-party WebRTC far end for Chorus's interop test: aiortc behind Pipecat-style signalling.

POST /api/offer with JSON {sdp, type} answers {sdp, type, pc_id} (aiortc gathers before answering, as Pipecat's
SmallWebRTC transport does). Each peer connection echoes the caller's audio back (decoded by aiortc, re-encoded
with its own Opus encoder) and counts the frames it decoded. GET /stats returns those counts as JSON.

Everything stays on this machine: aioice leaves 127.0.0.1 out of its host candidates, so this peer patches that to
offer 127.0.0.1 only. Prints "listening on 127.0.0.1:PORT" once bound; exits when standard input closes.
"""

import asyncio
import json
import sys

import aioice.ice
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

peers = {}
stats = {"offers": 0, "frames_received": 0, "connected": 0, "tracks": 0}
relay = MediaRelay()


async def answer(offer_sdp):
    pc = RTCPeerConnection()
    pc_id = "pc-%d" % (len(peers) + 1)
    peers[pc_id] = pc
    stats["offers"] += 1

    @pc.on("connectionstatechange")
    async def on_state():
        if pc.connectionState == "connected":
            stats["connected"] += 1

    @pc.on("track")
    def on_track(track):
        stats["tracks"] += 1
        # Echo the caller's audio: aiortc decodes it and sends it back through its own Opus encoder.
        pc.addTrack(relay.subscribe(track))

        async def count():
            try:
                while True:
                    await track.recv()
                    stats["frames_received"] += 1
            except Exception:
                pass

        asyncio.ensure_future(count())

    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
    # The echo track must exist before the answer, so the answer is sendrecv.
    await pc.setLocalDescription(await pc.createAnswer())
    return {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type, "pc_id": pc_id}


async def handle(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        if method == "POST" and path == "/api/offer":
            offer = json.loads(body)
            reply = json.dumps(await answer(offer["sdp"])).encode()
            status = "200 OK"
        elif method == "GET" and path == "/stats":
            reply = json.dumps(stats).encode()
            status = "200 OK"
        else:
            reply = b"not found"
            status = "404 Not Found"
        writer.write(
            ("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
             % (status, len(reply))).encode() + reply)
        await writer.drain()
    except Exception as error:  # a broken request must not stop the peer
        print("request failed: %r" % error, file=sys.stderr, flush=True)
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("listening on 127.0.0.1:%d" % port, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    for pc in peers.values():
        await pc.close()
    server.close()


asyncio.run(main())
