"""`make bench`: what Chorus itself costs per frame, and how exact it is, against the reference agent in its own process.

For each transport and caller count it runs the release `chorus run` against its embedded reference agent (a
`chorus agent` child process) and prints harness CPU per frame (process CPU time, not wall), RSS per session,
send lateness p50/p99, loop lag p99, validity and the TTFA error against the agent's ground truth (split into
the agent's part and the harness's part); then the same streaming done by a plain Python `websockets` asyncio
client, with the ratio measured in this run; and the largest caller count that stayed valid. Every run is bounded
in time.

To measure the harness alone on its cores, run the agent elsewhere (`chorus agent --listen 0.0.0.0:8765
--rtp-port 8766 --webrtc-port 8767 --hangover 250ms --reply Scenarios/audio/reply.wav`) and set
BENCH_WS_URL=ws://HOST:8765/, BENCH_RTP_ADDRESS=HOST:8766 and BENCH_WEBRTC_URL=http://HOST:8767/whip: the error
columns then stay empty (no ground truth crosses machines).

CPU per frame is printed two ways. "run" is the whole run's process CPU over its frames, each call's set-up and
hang-up included (a TCP and WebSocket handshake; WebRTC's signalling, ICE and DTLS), spread over the few frames of
the bench's short sessions. "steady" is the same over the run's steady state only: the seconds in which every
caller was in a call and none was opening or ending (`steady_cpu_us_per_frame` of `chorus run --stats-json`), what
a frame of media costs; "set-up" is what the run took beyond that rate, per call opened (ms). The WebRTC / RTP
ratio per caller count is printed after the table, both ways.
On one machine, BENCH_PIN=1 comes closest: the agent runs pinned to the last core and Chorus to the others
(`taskset`), so the harness has its cores to itself (no error columns either).
Under BENCH_PIN=1 it also finds the per-core capacity: for each transport it goes up BENCH_CAPACITY (1000, 1200, ...,
2400 callers) until a run is invalid, and prints the largest valid count (Chorus on one core on a 2-core machine).

Beside the WebSocket and RTP rows at 1,000 callers it runs the C floor (bench/floor/, compiled with `cc -O2`): the
least work that paces the same traffic, a sender with one socket per caller and a sink (unpinned, as the floor's
own reference runs are), just before and just after Chorus's row. It prints Chorus's CPU per frame over the
floor's for the same mix of sent and received frames: a ratio measured in one window, which the machine's drift
moves far less than the µs themselves.

Other knobs: BENCH_SECONDS (15), BENCH_CALLERS (1,100,1000,2000), BENCH_TRANSPORTS (websocket,rtp,webrtc),
BENCH_CAPACITY=0 (no capacity search), BENCH_FLOOR=0 (no C floor), BENCH_FLOOR_CALLERS (1000), CHORUS_BIN.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHORUS = os.environ.get("CHORUS_BIN", os.path.join(ROOT, ".build/release/chorus"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
SIZES = [int(n) for n in os.environ.get("BENCH_CALLERS", "1,100,1000,2000").split(",")]
REMOTE_WS = os.environ.get("BENCH_WS_URL")
REMOTE_RTP = os.environ.get("BENCH_RTP_ADDRESS")
REMOTE_WEBRTC = os.environ.get("BENCH_WEBRTC_URL")
PIN = os.environ.get("BENCH_PIN") == "1" and (os.cpu_count() or 1) >= 2
CAPACITY = [int(n) for n in os.environ.get("BENCH_CAPACITY", "1000,1200,1400,1600,1800,2000,2200,2400").split(",")
            if n.strip() and int(n) > 0]
TRANSPORTS = [t.strip().lower() for t in os.environ.get("BENCH_TRANSPORTS", "websocket,rtp,webrtc").split(",")]
LAST_CORE = (os.cpu_count() or 1) - 1
FLOOR = os.environ.get("BENCH_FLOOR", "1") != "0"
FLOOR_CALLERS = int(os.environ.get("BENCH_FLOOR_CALLERS", "1000"))
# The ratios Chorus is held to, from the floor measured when they were set: 8.5 µs per frame over 6.4 for WebSocket,
# 7 µs per packet over 4.75 for RTP.
FLOOR_TARGETS = {"WebSocket PCM16": 1.33, "RTP Opus": 1.47}


def start_agent(pin=False):
    prefix = ["taskset", "-c", str(LAST_CORE)] if pin else []
    p = subprocess.Popen(prefix + [CHORUS, "agent", "--listen", "127.0.0.1:0", "--rtp-port", "0", "--webrtc-port", "0",
                          "--latency", "300ms",
                          "--hangover", "250ms", "--threads", "1",
                          "--reply", os.path.join(ROOT, "Scenarios/audio/reply.wav")],
                         stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
    rtp_port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
    webrtc_port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
    return p, port, rtp_port, webrtc_port


def scenario(path, callers, target):
    ramp = max(1.0, callers / 400)
    with open(path, "w") as f:
        f.write(f"""name: bench-{callers}
target: {target}
agent: {{latency: 300ms, hangover: 250ms, reply: {ROOT}/Scenarios/audio/reply.wav}}
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
    prefix = ["taskset", "-c", f"0-{LAST_CORE - 1}"] if PIN else []
    subprocess.run(prefix + [CHORUS, "run", path, "--db", os.path.join(tmp, "b.sqlite"),
                    "--out", os.path.join(tmp, f"r{name}"), "--stats-json", stats],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SECONDS * 6 + 120)
    with open(stats) as f:
        return json.load(f)


def run_python(url, callers):
    wav = os.path.join(ROOT, "Scenarios/audio/book-a-table.wav")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench/py_ws_client.py"), url,
                          str(callers), str(SECONDS), wav], capture_output=True, text=True, timeout=SECONDS * 6 + 60)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    frames = r["frames_sent"] + r["frames_received"]
    r["cpu_us_per_frame"] = r["cpu_seconds"] * 1e6 / frames if frames else float("nan")
    return r


def build_floor(tmp):
    """Compiles the C floor programs into tmp: their directory, or None (and why) when they cannot be built."""
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not cc:
        return None, "no C compiler (cc)"
    for program in ("ws_floor", "ws_sink", "rtp_floor", "rtp_sink"):
        out = subprocess.run([cc, "-O2", "-o", os.path.join(tmp, program),
                              os.path.join(ROOT, "bench/floor", program + ".c")], capture_output=True, text=True)
        if out.returncode != 0:
            return None, f"{program}.c did not compile: {out.stderr.strip()[:300]}"
    return tmp, None


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_fields(text):
    """The key=value pairs of a floor program's last line."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return dict(kv.split("=", 1) for kv in (lines[-1].split() if lines else []) if "=" in kv)


def run_floor(bins, name, callers):
    """One run of the floor's sender and sink for `name`'s traffic: (sender, sink) CPU µs per frame, or None.

    Unpinned, as the floor's own reference runs are: pinned to a core of its own, the RTP sink wakes less often and
    drains more packets per `recvmmsg` (2.0 µs a packet instead of 3.1 here), a batching no caller with a socket of
    its own can do."""
    d = max(1, int(SECONDS))
    if name.startswith("WebSocket"):
        port = free_port(socket.SOCK_STREAM)
        sink = [os.path.join(bins, "ws_sink"), "-p", str(port), "-m", str(d + 70)]
        sender = [os.path.join(bins, "ws_floor"), "-n", str(callers), "-d", str(d), "-p", str(port)]
        sender_key, sink_key = "us_per_frame", "us_per_frame"
    else:
        port = free_port(socket.SOCK_DGRAM)
        sink = [os.path.join(bins, "rtp_sink"), "-p", str(port), "-m", str(d + 40), "-i", "1000"]
        sender = [os.path.join(bins, "rtp_floor"), "-m", "sendto", "-n", str(callers), "-d", str(d), "-p", str(port)]
        sender_key, sink_key = "us_per_pkt", "us_per_pkt"
    sink_process = subprocess.Popen(sink, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        time.sleep(0.3)
        out = subprocess.run(sender, capture_output=True, text=True, timeout=d + 90)
        sink_out, _ = sink_process.communicate(timeout=d + 90)
    except subprocess.TimeoutExpired:
        sink_process.kill()
        return None
    a, b = last_fields(out.stdout), last_fields(sink_out)
    try:
        return float(a[sender_key]), float(b[sink_key])
    except (KeyError, ValueError):
        return None


def find_capacity(name, target, tmp, rows):
    """The largest count of CAPACITY that stays valid, going up until one is not (reusing rows already run); when
    even the first is not, the largest smaller count already run that was."""
    best = max((m for row_name, m, s in rows if row_name == name and m < CAPACITY[0] and s["valid"]), default=0)
    for n in CAPACITY:
        s = next((s for row_name, m, s in rows if row_name == name and m == n), None)
        if s is None:
            print(f"  capacity: {name} with {n} callers for {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
            s = run_chorus(target, n, tmp)
            rows.append((name, n, s))
        if not s["valid"]:
            break
        best = n
    return best


def print_floor(floors, why, rows):
    """Chorus's CPU per frame over the C floor's for the same traffic, measured around Chorus's own row."""
    if not floors:
        print(f"against the C floor: not run ({why})")
        return
    print(f"Against the C floor ({FLOOR_CALLERS} callers; bench/floor: one socket per caller, a send per frame, "
          f"unpinned, run before and after Chorus's row)")
    print(f"{'transport':<16}{'Chorus µs/frame: run':>21}{'steady':>8}{'floor sender':>14}{'sink':>7}"
          f"{'same mix':>10}{'ratio: run':>12}{'steady':>8}  target")
    for name, runs in floors.items():
        chorus = next((s for row_name, n, s in rows if row_name == name and n == FLOOR_CALLERS), None)
        runs = [r for r in runs if r]
        if not chorus or not runs:
            print(f"{name:<16}  the floor did not finish")
            continue
        sender = sum(r[0] for r in runs) / len(runs)
        sink = sum(r[1] for r in runs) / len(runs)
        # What the floor pays for Chorus's own traffic: its frames sent at the sender's cost, received at the sink's.
        sent, received = chorus["frames_sent"], chorus["frames_received"]
        mix = (sent * sender + received * sink) / max(1, sent + received)
        steady = chorus.get("steady_cpu_us_per_frame")
        print(f"{name:<16}{chorus['cpu_us_per_frame']:>21.2f}{f'{steady:.2f}' if steady else '—':>8}"
              f"{sender:>14.2f}{sink:>7.2f}{mix:>10.2f}{chorus['cpu_us_per_frame'] / mix:>11.2f}x"
              f"{f'{steady / mix:.2f}x' if steady else '—':>8}  ≤ {FLOOR_TARGETS[name]:.2f}x")


def main():
    if not os.path.exists(CHORUS):
        sys.exit("build first: make build")
    # No address: `chorus run` starts its reference agent in a process of its own and compares with its truth.
    pinned_agent = None
    remote_ws, remote_rtp, remote_webrtc = REMOTE_WS, REMOTE_RTP, REMOTE_WEBRTC
    if PIN and not (REMOTE_WS or REMOTE_RTP or REMOTE_WEBRTC):
        pinned_agent, port, rtp_port, webrtc_port = start_agent(pin=True)
        remote_ws, remote_rtp = f"ws://127.0.0.1:{port}/", f"127.0.0.1:{rtp_port}"
        remote_webrtc = f"http://127.0.0.1:{webrtc_port}/whip"
    targets = [
        ("WebSocket PCM16", f"{{transport: websocket, url: '{remote_ws}', codec: pcm16/16000}}" if remote_ws
         else "{transport: websocket, codec: pcm16/16000}"),
        ("RTP Opus", f"{{transport: rtp, address: '{remote_rtp}', codec: opus/16000}}" if remote_rtp
         else "{transport: rtp, codec: opus/16000}"),
        ("WebRTC Opus", f"{{transport: webrtc, url: '{remote_webrtc}', codec: opus/16000}}" if remote_webrtc
         else "{transport: webrtc, codec: opus/16000}"),
    ]
    targets = [t for t in targets if t[0].split()[0].lower() in TRANSPORTS]
    rows = []
    capacity = {}
    floors = {}
    remote = REMOTE_WS or REMOTE_RTP or REMOTE_WEBRTC
    floor_why = ("BENCH_FLOOR=0" if not FLOOR else "the agent runs elsewhere" if remote
                 else f"no WebSocket or RTP row at {FLOOR_CALLERS} callers")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            floor_bins = None
            if FLOOR and not remote and FLOOR_CALLERS in SIZES:
                os.mkdir(os.path.join(tmp, "floor"))
                floor_bins, why = build_floor(os.path.join(tmp, "floor"))
                floor_why = why or floor_why
            for name, target in targets:
                for n in SIZES:
                    # The floor just before and just after Chorus's row: the machine drifts less within one window.
                    bracket = floor_bins and n == FLOOR_CALLERS and name in FLOOR_TARGETS
                    if bracket:
                        print(f"  running the C floor for {name} with {n} callers ...", file=sys.stderr, flush=True)
                        floors.setdefault(name, []).append(run_floor(floor_bins, name, n))
                    print(f"  running {name} with {n} callers for {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
                    rows.append((name, n, run_chorus(target, n, tmp)))
                    if bracket:
                        print(f"  running the C floor for {name} with {n} callers ...", file=sys.stderr, flush=True)
                        floors[name].append(run_floor(floor_bins, name, n))
            if PIN and CAPACITY:
                for name, target in targets:
                    capacity[name] = find_capacity(name, target, tmp, rows)
    finally:
        if pinned_agent:
            pinned_agent.send_signal(signal.SIGTERM)
            pinned_agent.wait(timeout=10)
    print("  running the Python websockets client (100 callers) ...", file=sys.stderr, flush=True)
    if REMOTE_WS:
        py = run_python(REMOTE_WS, 100)
    else:
        agent, port, _, _ = start_agent()
        try:
            py = run_python(f"ws://127.0.0.1:{port}/", 100)
        finally:
            agent.send_signal(signal.SIGTERM)
            agent.wait(timeout=10)

    print()
    where = (f"the agent pinned to core {LAST_CORE}, Chorus to the others" if pinned_agent
             else "the agent elsewhere" if (REMOTE_WS or REMOTE_RTP) else "the agent on the same cores")
    print(f"Chorus harness cost ({SECONDS:.0f} s per row, {where}; CPU is process CPU time, frames = sent + received)")
    print(f"{'transport':<16}{'callers':>8}{'frames':>9}{'CPU µs/frame: run':>18}{'steady':>8}{'set-up ms/call':>15}"
          f"{'RSS KB/sess':>12}"
          f"{'send late p50':>14}{'p99':>9}{'lag p99':>9}{'TTFA err p50':>13}{'|err| p99':>10}"
          f"{'agent/harness part p99':>24}  valid")
    order = [t[0] for t in targets]
    for name, n, s in sorted(rows, key=lambda r: (order.index(r[0]), r[1])):
        a = s.get("accuracy") or {}
        fmt = lambda v, sign="": f"{v:{sign}.2f} ms" if v is not None else "—"
        parts = (f"{fmt(a.get('agent_part_p99_ms'))} / {fmt(a.get('harness_part_p99_ms'))}" if a else "—")
        steady = f"{s['steady_cpu_us_per_frame']:.2f}" if s.get("steady_cpu_us_per_frame") else "—"
        setup = f"{s['setup_cpu_ms_per_session']:.2f}" if s.get("setup_cpu_ms_per_session") is not None else "—"
        print(f"{name:<16}{n:>8}{s['frames_sent'] + s['frames_received']:>9}{s['cpu_us_per_frame']:>18.2f}"
              f"{steady:>8}{setup:>15}{s['rss_kb_per_session']:>12.1f}{s['send_late_p50_us']:>11} µs{s['send_late_p99_us']:>6} µs"
              f"{s['loop_lag_p99_us'] / 1000:>6.1f} ms{fmt(a.get('error_p50_ms'), '+'):>13}"
              f"{fmt(a.get('abs_error_p99_ms')):>10}{parts:>24}"
              f"  {'yes' if s['valid'] else 'NO: ' + (s['invalid_reason'] or '')}")
    for name, _ in targets:
        valid = [n for row_name, n, s in rows if row_name == name and s["valid"]]
        print(f"largest {name} caller count that stayed valid: {max(valid) if valid else 'none'}")
    cores = f"{LAST_CORE} dedicated core{'s' if LAST_CORE > 1 else ''}"
    if capacity:
        print(f"per-core capacity (Chorus on {cores}, the agent on core {LAST_CORE}; largest valid count, searching "
              f"{', '.join(map(str, CAPACITY))}): "
              + ", ".join(f"{name} {n if n else 'none'}" for name, n in capacity.items()))
    else:
        print("per-core capacity: run with BENCH_PIN=1 (the agent on a core of its own)" if not PIN
              else "per-core capacity: not searched (BENCH_CAPACITY=0)")
    print_floor(floors, floor_why, rows)
    for n in SIZES:
        rtp = next((s for name, m, s in rows if m == n and name == "RTP Opus"), None)
        webrtc = next((s for name, m, s in rows if m == n and name == "WebRTC Opus"), None)
        if rtp and webrtc and rtp["cpu_us_per_frame"] > 0:
            steady = (f"{webrtc['steady_cpu_us_per_frame'] / rtp['steady_cpu_us_per_frame']:.2f}x in steady state, "
                      if webrtc.get("steady_cpu_us_per_frame") and rtp.get("steady_cpu_us_per_frame") else "")
            print(f"WebRTC / RTP CPU per packet at {n} callers: {steady}"
                  f"{webrtc['cpu_us_per_frame'] / rtp['cpu_us_per_frame']:.2f}x over the whole run (target ≤ 1.3x; "
                  f"the whole run includes each call's signalling, ICE and DTLS, and consent checks)")
    ref = next((s for name, n, s in rows if n == 100 and name.startswith("WebSocket")), None)
    print(f"Python websockets asyncio client, 100 callers: {py['cpu_us_per_frame']:.2f} CPU µs/frame "
          f"({py['frames_sent']} sent, {py['frames_received']} received)")
    if ref and ref["cpu_us_per_frame"] > 0:
        print(f"ratio Python / Chorus at 100 callers: {py['cpu_us_per_frame'] / ref['cpu_us_per_frame']:.1f}x fewer CPU µs per frame")
    else:
        print("ratio Python / Chorus: no WebSocket row at 100 callers to compare with")


if __name__ == "__main__":
    main()
