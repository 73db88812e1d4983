#!/usr/bin/env bash
# Where a decode step's time goes, kernel by kernel: Nsight Compute over two decode steps from the middle of a
# benchmark run (sg_gpu_bench --profile-steps 2, plain launches, no graphs: the profiler runs each kernel alone
# anyway) at each concurrency, summarised by profile_summary.py against the benchmark's measured step.
#   profile.sh NCU BIN_DIR WORK_DIR BENCHMARK_LOG CONCURRENCY...
# Writes WORK_DIR/profile-N.csv per concurrency; prints the summaries. Run by run.sh after the benchmark.
set -uo pipefail
NCU=$1 BIN=$2 WORK=$3 BENCH_LOG=$4
shift 4
HERE=$(cd "$(dirname "$0")" && pwd)
METRICS=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum
mkdir -p "$WORK"
status=0
for c in "$@"; do
  csv=$WORK/profile-$c.csv
  bench=("$BIN/sg_gpu_bench" --concurrency "$c" --prompt 128 --gen 128 --graphs 0 --launch plain --profile-steps 2)
  # Clocks as they run (METHOD.md); kernel names without their parameter lists. The report comes after the
  # program's own lines, and profile_summary.py finds it there.
  "$NCU" --profile-from-start off --clock-control none --csv --page raw --print-units base --print-kernel-base function \
    --metrics "$METRICS" "${bench[@]}" > "$csv" 2>&1
  rc=$?
  if ! grep -q '^"ID"' "$csv"; then
    echo "ncu with the full options gave no report (exit $rc): again with the fewest"
    tail -5 "$csv"
    "$NCU" --profile-from-start off --csv --page raw --metrics "$METRICS" "${bench[@]}" > "$csv" 2>&1
    rc=$?
  fi
  grep '^  profiled' "$csv"
  steps=$(grep -c '^  profiled a decode step' "$csv")
  if [ "$steps" -gt 0 ] && python3 "$HERE/profile_summary.py" "$csv" "$steps" "$c" "$BENCH_LOG"; then
    echo
  else
    echo "no summary for concurrency $c (ncu exit $rc); the profiler's last lines:"
    tail -15 "$csv"
    status=1
  fi
done
exit $status
