#!/usr/bin/env python3
"""Time and DRAM bytes per kernel of a decode step, from Nsight Compute's CSV of `sg_gpu_bench --profile-steps K`.

    profile_summary.py PROFILE_CSV STEPS CONCURRENCY [BENCHMARK_LOG]

PROFILE_CSV is what `ncu --csv --page raw --metrics gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum`
wrote for K profiled decode steps. Kernels are grouped by name and launch shape. With BENCHMARK_LOG (sg_gpu_bench's
output with plain launches at CONCURRENCY), the step's measured median is set against the sum of its kernels: what
is left is launch gaps and host time, the share that programmatic launch and CUDA graphs work on. The profiler runs
each kernel alone with the caches flushed before it, so its times are those of a kernel that finds nothing in L2.
"""
import csv
import re
import sys
from collections import OrderedDict

TIME_UNITS = {"nsecond": 1e-9, "ns": 1e-9, "usecond": 1e-6, "us": 1e-6, "msecond": 1e-3, "ms": 1e-3, "second": 1.0, "s": 1.0}
BYTE_UNITS = {"byte": 1.0, "Kbyte": 1e3, "Mbyte": 1e6, "Gbyte": 1e9, "Tbyte": 1e12,
              "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KiB": 1024.0, "MiB": 1024.0**2, "GiB": 1024.0**3}
METRICS = ("gpu__time_duration.sum", "dram__bytes_read.sum", "dram__bytes_write.sum")


def number(text):
    text = (text or "").replace(",", "").strip()
    return float(text) if text and text.lower() not in ("n/a", "nan") else 0.0


def cell(row, col, name):
    """A launch-shape column, '(320, 1, 1)' written '(320,1,1)'; '?' when this ncu does not print it."""
    return row[col[name]].replace(" ", "") if name in col else "?"


def read_launches(path):
    """One dict per profiled kernel launch: name, shape, seconds, bytes. The CSV starts after ncu's own lines."""
    with open(path, newline="", errors="replace") as f:
        lines = f.read().splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith('"ID"')), None)
    if start is None:
        raise ValueError(f"{path}: no CSV header (a line starting with \"ID\"): did the profiler run?")
    rows = list(csv.reader(lines[start:]))
    header = rows[0]
    missing = [m for m in METRICS if m not in header]
    if missing:
        raise ValueError(f"{path}: the CSV lacks {', '.join(missing)}")
    col = {name: header.index(name) for name in header}
    scale = {m: 1.0 for m in METRICS}
    launches = []
    for row in rows[1:]:
        if len(row) < len(header):
            continue
        if not row[col["ID"]].strip():  # the units row
            for m in METRICS:
                unit = row[col[m]].strip()
                scale[m] = (TIME_UNITS if m.startswith("gpu__time") else BYTE_UNITS).get(unit, 1.0)
            continue
        launches.append({
            "name": row[col["Kernel Name"]],
            "shape": f"{cell(row, col, 'Grid Size')} x {cell(row, col, 'Block Size')}",
            "seconds": number(row[col[METRICS[0]]]) * scale[METRICS[0]],
            "bytes": number(row[col[METRICS[1]]]) * scale[METRICS[1]] + number(row[col[METRICS[2]]]) * scale[METRICS[2]],
        })
    return launches


def median_step_ms(log_path, concurrency):
    """The median decode step of the plain-launch row for CONCURRENCY in sg_gpu_bench's results table."""
    pattern = re.compile(r"^\|\s*%d\s*\|\s*plain\s*\|" % concurrency)
    with open(log_path, errors="replace") as f:
        for line in f:
            if pattern.match(line):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                return float(cells[4])
    return None


def summarize(launches, steps, concurrency, step_ms=None, out=sys.stdout):
    groups = OrderedDict()
    for k in launches:
        g = groups.setdefault((k["name"], k["shape"]), {"calls": 0, "seconds": 0.0, "bytes": 0.0})
        g["calls"] += 1
        g["seconds"] += k["seconds"]
        g["bytes"] += k["bytes"]
    total_s = sum(g["seconds"] for g in groups.values())
    total_b = sum(g["bytes"] for g in groups.values())
    print(f"kernels of one decode step at concurrency {concurrency} ({len(launches)} launches over {steps} profiled steps)",
          file=out)
    print("| kernel | grid x block | calls/step | us/call | us/step | share | DRAM GB/s |", file=out)
    print("|---|---|---|---|---|---|---|", file=out)
    for (name, shape), g in sorted(groups.items(), key=lambda item: -item[1]["seconds"]):
        per_call = g["seconds"] / g["calls"]
        gbps = g["bytes"] / g["seconds"] / 1e9 if g["seconds"] > 0 else 0.0
        share = 100.0 * g["seconds"] / total_s if total_s > 0 else 0.0
        print(f"| {name[:60]} | {shape} | {g['calls'] / steps:g} | {per_call * 1e6:.1f} | {g['seconds'] / steps * 1e6:.1f} "
              f"| {share:.1f}% | {gbps:.0f} |", file=out)
    kernel_us = total_s / steps * 1e6
    line = (f"per step: {len(launches) / steps:g} kernels, {kernel_us:.0f} us inside them, {total_b / steps / 1e9:.3f} GB "
            f"of DRAM traffic ({total_b / total_s / 1e12 if total_s > 0 else 0:.2f} TB/s over kernel time)")
    print(line, file=out)
    if step_ms:
        gap = step_ms * 1e3 - kernel_us
        print(f"measured median step with plain launches: {step_ms * 1e3:.0f} us, of which {gap:.0f} us "
              f"({100.0 * gap / (step_ms * 1e3):.0f}%) outside the kernels (launch gaps, host)", file=out)
    return kernel_us


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, steps, concurrency = argv[1], int(argv[2]), int(argv[3])
    launches = read_launches(path)
    if not launches:
        print(f"{path}: no kernel launches were profiled", file=sys.stderr)
        return 1
    step_ms = median_step_ms(argv[4], concurrency) if len(argv) > 4 else None
    summarize(launches, steps, concurrency, step_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
