"""`make bench`: what Chorus itself costs per frame, measured against the reference agent in its own process.

For each transport and caller count it runs the release `chorus` against `chorus agent` and prints harness CPU
per frame (process CPU time, not wall), RSS per session, send lateness p50/p99, loop lag p99 and validity; then
the same streaming done by a plain Python `websockets` asyncio client, with the ratio measured in this run; and
the largest caller count that stayed valid. Every run is bounded in time and talks to 127.0.0.1 only.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHORUS = os.path.join(ROOT, ".build/release/chorus")
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
SIZES = [int(n) for n in os.environ.get("BENCH_CALLERS", "100,1000,2000").split(",")]


def start_agent():
    p = subprocess.Popen([CHORUS, "agent", "--listen", "127.0.0.1:0", "--latency", "300ms", "--threads", "1",
                          "--reply", os.path.join(ROOT, "Scenarios/audio/reply.wav")],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    port = int(line.rsplit(":", 1)[1])
    return p, port


def scenario(path, callers):
    ramp = max(1.0, callers / 400)
    with open(path, "w") as f:
        f.write(f"""name: bench-{callers}
target: {{transport: websocket, dialect: chorus, codec: pcm16/16000}}
load: {{callers: {callers}, ramp: {ramp}s, duration: {SECONDS}s, connect_timeout: 20s}}
session:
  turns: 3
  think_time: 500ms..1s
  utterances: [{ROOT}/Scenarios/audio/book-a-table.wav, {ROOT}/Scenarios/audio/change-time.wav]
""")


def run_chorus(port, callers, tmp):
    path = os.path.join(tmp, f"bench-{callers}.yaml")
    scenario(path, callers)
    stats = os.path.join(tmp, f"stats-{callers}.json")
    subprocess.run([CHORUS, "run", path, "--target", f"ws://127.0.0.1:{port}/", "--db", os.path.join(tmp, "b.sqlite"),
                    "--out", os.path.join(tmp, f"r{callers}"), "--stats-json", stats],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SECONDS * 6 + 120)
    with open(stats) as f:
        return json.load(f)


def run_python(port, callers):
    wav = os.path.join(ROOT, "Scenarios/audio/book-a-table.wav")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench/py_ws_client.py"), f"ws://127.0.0.1:{port}/",
                          str(callers), str(SECONDS), wav], capture_output=True, text=True, timeout=SECONDS * 6 + 60)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    frames = r["frames_sent"] + r["frames_received"]
    r["cpu_us_per_frame"] = r["cpu_seconds"] * 1e6 / frames if frames else float("nan")
    return r


def main():
    if not os.path.exists(CHORUS):
        sys.exit("build first: make build")
    agent, port = start_agent()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in SIZES:
                print(f"  running WebSocket PCM16 with {n} callers for {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
                rows.append(("WebSocket PCM16", n, run_chorus(port, n, tmp)))
            print("  running the Python websockets client (100 callers) ...", file=sys.stderr, flush=True)
            py = run_python(port, 100)
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(timeout=10)

    print()
    print(f"Chorus harness cost ({SECONDS:.0f} s per row; CPU is process CPU time, frames = sent + received)")
    print(f"{'transport':<18}{'callers':>8}{'frames':>10}{'CPU µs/frame':>14}{'RSS KB/session':>16}"
          f"{'send late p50':>15}{'p99':>10}{'loop lag p99':>14}  valid")
    for name, n, s in rows:
        print(f"{name:<18}{n:>8}{s['frames_sent'] + s['frames_received']:>10}{s['cpu_us_per_frame']:>14.2f}"
              f"{s['rss_kb_per_session']:>16.1f}{s['send_late_p50_us']:>12} µs{s['send_late_p99_us']:>7} µs"
              f"{s['loop_lag_p99_us']:>11} µs  {'yes' if s['valid'] else 'NO: ' + (s['invalid_reason'] or '')}")
    valid = [n for _, n, s in rows if s["valid"]]
    print(f"largest caller count that stayed valid: {max(valid) if valid else 'none'}")
    ref = next((s for name, n, s in rows if n == 100), rows[0][2])
    print(f"Python websockets asyncio client, 100 callers: {py['cpu_us_per_frame']:.2f} CPU µs/frame "
          f"({py['frames_sent']} sent, {py['frames_received']} received)")
    print(f"ratio Python / Chorus at 100 callers: {py['cpu_us_per_frame'] / ref['cpu_us_per_frame']:.1f}x fewer CPU µs per frame")


if __name__ == "__main__":
    main()
