#!/usr/bin/env python3
"""The Spark job in local mode against the CLI on the same machine and data (issue 20).

    bench/spark.py [PEOPLE ...]        # default 100000; data from examples/gen_bench

Needs the release CLI and gen_bench (`cargo build --release --example gen_bench`) and a
Python with the package and pyspark installed (`pip install python/` wheel +
python/requirements-test.txt); set PYTHON to it (default: this interpreter). Prints a
Markdown table: wall time, the peak memory of the whole process tree, and in the Spark
run the peak of the JVM (driver = executor in local mode) and of the largest Python
worker. Not a test: numbers go to bench/runs/.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
CLI = TARGET / "release" / "yibao-recon"
GEN = TARGET / "release" / "examples" / "gen_bench"
PYTHON = os.environ.get("PYTHON", sys.executable)
AS_OF = "2025-09-30"
CORES = os.environ.get("CORES", "2")


def tree_rss(pid: int) -> dict[int, tuple[str, int]]:
    """RSS in bytes and command name of `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            ppid, rss_pages = int(fields[1]), int(fields[21])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        info[int(entry)] = (name, rss_pages * os.sysconf("SC_PAGE_SIZE"))
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        if p in info:
            out[p] = info[p]
        todo.extend(children.get(p, []))
    return out


def measure(cmd: list[str], env=None) -> dict:
    """Runs `cmd`, sampling its process tree's memory every 0.2 s."""
    peak = {"total": 0, "java": 0, "python": 0}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample():
        while not done.is_set():
            procs = tree_rss(proc.pid)
            peak["total"] = max(peak["total"], sum(r for _, r in procs.values()))
            java = [r for n, r in procs.values() if n == "java"]
            workers = [r for p, (n, r) in procs.items() if n.startswith("python") and p != proc.pid]
            peak["java"] = max(peak["java"], max(java, default=0))
            peak["python"] = max(peak["python"], max(workers, default=0))
            time.sleep(0.2)

    t = threading.Thread(target=sample)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": time.perf_counter() - start, **peak}


def gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    print(f"| people × 36 months | run | wall | peak (all processes) | JVM (driver = executor) | largest Python worker |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        data = ROOT / "bench" / "data" / f"scale_{n}x36"
        if not (data / ".complete").exists():
            shutil.rmtree(data, ignore_errors=True)
            subprocess.run([str(GEN), str(n), "36", str(data)], check=True, stdout=subprocess.DEVNULL)
            (data / ".complete").write_text("")
        out = ROOT / "bench" / "out"
        shutil.rmtree(out / "cli", ignore_errors=True)
        cli = measure([str(CLI), "reconcile", str(data), "-o", str(out / "cli"), "-q", "-j", CORES,
                       "--format", "csv,json", "--as-of", AS_OF])
        print(f"| {n:,} | CLI -j{CORES} | {cli['seconds']:.1f} s | {gb(cli['total'])} | – | – |", flush=True)
        partitions = str(max(4, n // 2500))
        env = {**os.environ, "PYSPARK_PYTHON": PYTHON}
        spark = measure([PYTHON, "-m", "yibao_recon.spark", "--master", f"local[{CORES}]", "--inputs", str(data),
                         "--out", str(out / "spark"), "--as-of", AS_OF, "--partitions", partitions,
                         "--driver-memory", os.environ.get("DRIVER_MEMORY", "6g")], env=env)
        print(f"| {n:,} | Spark local[{CORES}], {partitions} partitions | {spark['seconds']:.1f} s | "
              f"{gb(spark['total'])} | {gb(spark['java'])} | {gb(spark['python'])} |", flush=True)
        shutil.rmtree(out / "spark", ignore_errors=True)


if __name__ == "__main__":
    main()
