#!/usr/bin/env python3
"""Load test of `yibao-recon serve` (issue 19): N clients upload files repeatedly for a
while; prints requests/s, p50/p99 latency, statuses and the server's peak RSS.

    bench/serve_load.py                       # the samples, then 15 MB uploads
    CLIENTS=8 SECONDS=30 JOBS=2 bench/serve_load.py

Two phases, each against a fresh server (release build): (1) every sample file (CSV,
XLSX, XLS, ODS; 64 files, 45 KB) plus the sample policy per request; (2) two file pairs
of the 100k bench set (bench/data, made by bench/scale.sh: 2,000 people × 36 months) with
the upload limit just above their size, to show memory stays bounded by the run slots
times the upload limit (requests beyond the slots wait without their bodies). Standard library only.
"""
import glob, os, socket, subprocess, sys, threading, time, http.client, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.path.join(TARGET, "release", "yibao-recon")
CLIENTS = int(os.environ.get("CLIENTS", "8"))
SECONDS = float(os.environ.get("SECONDS", "30"))
JOBS = int(os.environ.get("JOBS", "2"))


def multipart(parts):
    boundary = "----load-" + uuid.uuid4().hex
    out = []
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out.append(f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(out)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def phase(label, parts, limit_mb):
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "-j", str(JOBS), "--max-upload-mb", str(limit_mb)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    idle_kb = vm(server.pid, "VmRSS:")
    content_type, body = multipart(parts)
    latencies, statuses, lock = [], {}, threading.Lock()
    deadline = time.time() + SECONDS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.time() < deadline:
            start = time.time()
            conn.request("POST", "/reconcile", body, {"Content-Type": content_type})
            response = conn.getresponse()
            response.read()
            took = time.time() - start
            with lock:
                latencies.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.time() - started
    peak_kb = vm(server.pid, "VmHWM:")
    server.terminate()
    server.wait()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0
    upload_kb = len(body) / 1024
    print(f"| {label} | {upload_kb:,.0f} KB | {limit_mb} MB | {CLIENTS} | {JOBS} | {len(latencies)} | "
          f"{len(latencies) / wall:.1f} | {pick(0.5) * 1000:.0f} ms | {pick(0.99) * 1000:.0f} ms | "
          f"{statuses} | {idle_kb / 1024:.0f} MB | {peak_kb / 1024:.0f} MB |")
    return peak_kb, idle_kb


def main():
    if not os.path.exists(BIN):
        sys.exit(f"build first: cargo build --release ({BIN})")
    print(f"| upload | size | limit | clients | -j | requests | req/s | p50 | p99 | statuses | idle RSS | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    samples = [p for p in sorted(glob.glob(os.path.join(ROOT, "samples", "**", "*"), recursive=True))
               if os.path.splitext(p)[1].lower() in (".csv", ".tsv", ".xlsx", ".xls", ".ods")]
    parts = [("files", os.path.relpath(p, ROOT).replace("/", "_"), open(p, "rb").read()) for p in samples]
    parts += [("policy_file", "policy.toml", open(os.path.join(ROOT, "samples", "policy.toml"), "rb").read()),
              ("as_of", None, b"2025-06-30")]
    phase("the samples", parts, 64)
    data_dir = os.path.join(ROOT, "bench", "data", "scale_100000x36")
    pairs = [f"{kind}_{i:04d}.csv" for i in range(2) for kind in ("contributions", "statement")]
    if all(os.path.exists(os.path.join(data_dir, p)) for p in pairs):
        big = [("files", p, open(os.path.join(data_dir, p), "rb").read()) for p in pairs]
        size = sum(len(b) for _, _, b in big)
        limit = (size >> 20) + 2
        phase(f"2 pairs of the 100k set (2,000 people × 36 months)", big + [("as_of", None, b"2025-09-30")], limit)
    print(f"\nmachine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; "
          f"yibao-recon {subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
