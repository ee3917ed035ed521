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
CHORUS = os.environ.get("CHORUS_BIN", os.path.join(ROOT, ".build/release/chorus"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
SIZES = [int(n) for n in os.environ.get("BENCH_CALLERS", "100,1000,2000").split(",")]


def start_agent():
    p = subprocess.Popen([CHORUS, "agent", "--listen", "127.0.0.1:0", "--rtp-port", "0", "--latency", "300ms",
                          "--hangover", "250ms", "--threads", "1",
                          "--reply", os.path.join(ROOT, "Scenarios/audio/reply.wav")],
                         stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
    rtp_port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
    return p, port, rtp_port


def scenario(path, callers, target):
    ramp = max(1.0, callers / 400)
    with open(path, "w") as f:
        f.write(f"""name: bench-{callers}
target: {target}
load: {{callers: {callers}, ramp: {ramp}s, duration: {SECONDS}s, connect_timeout: 20s}}
session:
  turns: 3
  think_time: 500ms..1s
  utterances: [{ROOT}/Scenarios/audio/book-a-table.wav, {ROOT}/Scenarios/audio/change-time.wav]
""")


def run_chorus(target, callers, tmp):
    name = f"{callers}-{abs(hash(target)) % 10000}"
    path = os.path.join(tmp, f"bench-{name}.yaml")
    scenario(path, callers, target)
    stats = os.path.join(tmp, f"stats-{name}.json")
    subprocess.run([CHORUS, "run", path, "--db", os.path.join(tmp, "b.sqlite"),
                    "--out", os.path.join(tmp, f"r{name}"), "--stats-json", stats],
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
    agent, port, rtp_port = start_agent()
    targets = [
        ("WebSocket PCM16", f"{{transport: websocket, url: 'ws://127.0.0.1:{port}/', codec: pcm16/16000}}"),
        ("RTP Opus", f"{{transport: rtp, address: '127.0.0.1:{rtp_port}', codec: opus/16000}}"),
    ]
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, target in targets:
                for n in SIZES:
                    print(f"  running {name} with {n} callers for {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
                    rows.append((name, n, run_chorus(target, n, tmp)))
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
    for name, _ in targets:
        valid = [n for row_name, n, s in rows if row_name == name and s["valid"]]
        print(f"largest {name} caller count that stayed valid: {max(valid) if valid else 'none'}")
    ref = next((s for name, n, s in rows if n == 100 and name.startswith("WebSocket")), rows[0][2])
    print(f"Python websockets asyncio client, 100 callers: {py['cpu_us_per_frame']:.2f} CPU µs/frame "
          f"({py['frames_sent']} sent, {py['frames_received']} received)")
    print(f"ratio Python / Chorus at 100 callers: {py['cpu_us_per_frame'] / ref['cpu_us_per_frame']:.1f}x fewer CPU µs per frame")


if __name__ == "__main__":
    main()
