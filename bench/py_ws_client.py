"""What a user would write instead of Chorus: a plain `websockets` asyncio client streaming the same audio.

Each caller connects, announces a session in the Chorus native dialect, then streams 640-byte PCM16 frames
every 20 ms on absolute deadlines (utterance, end_of_turn, silence while the agent answers, next utterance)
and reads the agent's answer. Prints one JSON line: frames sent and received, process CPU seconds, wall seconds.
Usage: python3 py_ws_client.py URL CALLERS SECONDS WAV
"""
import asyncio
import json
import resource
import sys
import time
import wave

import websockets

FRAME = 640


async def caller(url, index, stop_at, utterance, counts):
    async with websockets.connect(url, max_size=None, compression=None) as ws:
        await ws.send(json.dumps({"type": "start", "session": f"py-{index}", "sample_rate": 16000, "encoding": "pcm16"}))

        async def receive():
            async for _ in ws:
                counts["received"] += 1

        reader = asyncio.create_task(receive())
        loop = asyncio.get_running_loop()
        start = loop.time() + (index % 50) * 0.0004
        silence = bytes(FRAME)
        frames = [utterance[i:i + FRAME].ljust(FRAME, b"\0") for i in range(0, len(utterance), FRAME)]
        k, turn = 0, 0
        while loop.time() < stop_at:
            # A turn: the utterance, then 4 s of silence while the agent answers.
            for i, frame in enumerate(frames + [silence] * 200):
                deadline = start + k * 0.02
                delay = deadline - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                await ws.send(frame)
                counts["sent"] += 1
                k += 1
                if i == len(frames) - 1:
                    await ws.send(json.dumps({"type": "end_of_turn", "turn": turn}))
                if loop.time() >= stop_at:
                    break
            turn += 1
        reader.cancel()


async def main():
    url, callers, seconds, wav_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    with wave.open(wav_path) as w:
        utterance = w.readframes(w.getnframes())
    counts = {"sent": 0, "received": 0}
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    stop_at = asyncio.get_running_loop().time() + seconds
    await asyncio.gather(*(caller(url, i, stop_at, utterance, counts) for i in range(callers)), return_exceptions=True)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    print(json.dumps({"frames_sent": counts["sent"], "frames_received": counts["received"], "cpu_seconds": cpu,
                      "wall_seconds": time.monotonic() - t0}))


asyncio.run(main())
