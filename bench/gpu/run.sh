#!/usr/bin/env bash
# The CUDA backend's checks and benchmark in one call on the GPU machine (one H100/H200, 16 cores, no network):
#   1. environment: GPU, driver, cuBLAS (found and put on LD_LIBRARY_PATH), Java, compute-sanitizer
#   2. native binaries: the ones bench/gpu/prepare.sh built here, or rebuilt there with cmake + nvcc when those
#      do not run on that machine; then the host-side native tests
#   3. sg_cuda_check: every kernel against the CPU reference, CUDA engine vs CPU engine, graphs vs eager
#   4. sg_gpu_bench: TinyLlama-1.1B shape, random bf16 weights, prompts of 128, 128 new tokens, at 1/64/256
#   5. the JUnit tests tagged "gpu" (fixtures, demo-chat, batching with preemption and cancellation)
#   6. compute-sanitizer (memcheck) over sg_cuda_check --quick
#   7. with the time left, Nsight Compute over two decode steps at 1 and 256 sequences (profile.sh): time and
#      DRAM bytes per kernel against the measured step, for the next round of tuning; informative, never a failure
# Prints a summary and the benchmark table last; logs go to $OUT (or .gpu-out), at most 8 files, the profiler's
# CSVs packed in one. Stays within 8 minutes: each step has a time limit cut to what is left.
# Prepare first, here:                                                bash bench/gpu/prepare.sh
# then on the GPU machine, repository root, with .gpu-carry beside it: bash bench/gpu/run.sh
# Rehearsal without a GPU (see prepare.sh): bash bench/gpu/prepare.sh --rehearse && bash bench/gpu/run.sh --rehearse
set -uo pipefail
REHEARSE=0
[ "${1:-}" = "--rehearse" ] && REHEARSE=1
cd "$(dirname "$0")/../.."
ROOT=$PWD
CARRY=$ROOT/.gpu-carry
LOGS=${OUT:-$ROOT/.gpu-out}
mkdir -p "$LOGS"
START=$(date +%s)
DEADLINE=$((START + ${SG_RUN_SECONDS:-470}))
RESULTS=()
BENCH_TABLE=""
JAVA=""

say() { printf '\n==== %s (%ds)\n' "$*" $(( $(date +%s) - START )); }
record() { RESULTS+=("$(printf '%-34s %s' "$1" "$2")"); }
finish() {
  say "summary"
  for r in "${RESULTS[@]}"; do echo "  $r"; done
  if [ -n "$BENCH_TABLE" ]; then echo; echo "$BENCH_TABLE"; else echo; echo "(no benchmark table: see above)"; fi
}
fatal() { echo "run.sh: FATAL: $*"; record "fatal" "$*"; finish; exit 1; }
# Seconds a step may take: its own limit, cut to what is left before the deadline (keeping `reserve` back).
budget() { local want=$1 reserve=${2:-0} left; left=$((DEADLINE - $(date +%s) - reserve)); [ "$left" -lt "$want" ] && want=$left; echo "$want"; }
# Runs a step under a time limit, logs to $LOGS/<name>.log, shows the log's end.
run_step() {
  local name=$1 limit=$2; shift 2
  if [ "$limit" -lt 15 ]; then record "$name" "NOT RUN (out of time)"; return 1; fi
  say "$name (limit ${limit}s)"
  timeout --kill-after=10 "$limit" "$@" > "$LOGS/$name.log" 2>&1
  local rc=$?
  tail -n "${TAIL_LINES:-40}" "$LOGS/$name.log"
  if [ $rc -eq 0 ]; then record "$name" "PASS"; elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then record "$name" "TIMEOUT after ${limit}s (log: $name.log)"; else record "$name" "FAIL (exit $rc, log: $name.log)"; fi
  return $rc
}

# The GPU machine: the device, cuBLAS (put on LD_LIBRARY_PATH), its own Java and compute-sanitizer.
gpu_environment() {
  command -v nvidia-smi >/dev/null || fatal "nvidia-smi not found: not a GPU machine?"
  timeout 30 nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.mem --format=csv || fatal "nvidia-smi cannot talk to the GPU"
  nproc; uname -r
  CUBLAS_DIR=""
  for d in ${STREAMGATE_CUBLAS_DIR:-} /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu \
           $(python3 - <<'PY' 2>/dev/null
import importlib.util, os
spec = importlib.util.find_spec("nvidia")  # pip's CUDA wheels: nvidia/cublas/lib (12) or nvidia/cu13/lib (13)
for p in (spec.submodule_search_locations or []) if spec else []:
    for sub in ("cu13", "cublas", "cu12"): print(os.path.join(p, sub, "lib"))
PY
  ); do
    if [ -e "$d/libcublas.so.13" ] || [ -e "$d/libcublas.so.12" ]; then CUBLAS_DIR=$d; break; fi
  done
  if [ -z "$CUBLAS_DIR" ]; then
    found=$(find /usr /opt -name 'libcublas.so.1[23]' 2>/dev/null | head -1)
    [ -n "$found" ] && CUBLAS_DIR=$(dirname "$found")
  fi
  [ -n "$CUBLAS_DIR" ] || fatal "no libcublas.so.13 (or .12) on this machine"
  export LD_LIBRARY_PATH="$CUBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "cuBLAS: $(ls "$CUBLAS_DIR"/libcublas.so.1* | head -2 | tr '\n' ' ')"
  if command -v java >/dev/null && java -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$(command -v java); fi
  SANITIZER=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer /opt/nvidia/*/compute-sanitizer /usr/local/cuda*/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1 || true)
  echo "compute-sanitizer: ${SANITIZER:-not found}"
  NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1 || true)
  echo "ncu: ${NCU:-not found}"
  command -v nvcc >/dev/null && nvcc --version | tail -2 | head -1
  record "environment" "$(timeout 30 nvidia-smi --query-gpu=name --format=csv,noheader | head -1), cuBLAS in $CUBLAS_DIR"
}

# ---- 1. environment -------------------------------------------------------------------------------------------
say "environment"
[ -d "$CARRY" ] || fatal ".gpu-carry is missing: run bench/gpu/prepare.sh on the development machine and carry .gpu-carry"
if [ -f "$CARRY/payload.tar.gz" ]; then
  tar -xzf "$CARRY/payload.tar.gz" -C "$CARRY" || fatal "cannot unpack .gpu-carry/payload.tar.gz"
fi
if [ -f "$CARRY/REHEARSAL" ] && [ $REHEARSE = 0 ]; then
  fatal ".gpu-carry holds the emulator build of a rehearsal: run bench/gpu/prepare.sh (without --rehearse) first"
fi
if [ $REHEARSE = 1 ]; then
  [ -f "$CARRY/REHEARSAL" ] || fatal "--rehearse needs .gpu-carry from bench/gpu/prepare.sh --rehearse"
  record "environment" "REHEARSAL on the host SIMT emulator: no GPU, the numbers mean nothing"
else
  gpu_environment
fi
# The machine's Java 21+ if it has one (found above), else the carried runtime.
[ -z "$JAVA" ] && [ -x "$CARRY/jre/bin/java" ] && JAVA=$CARRY/jre/bin/java
[ -n "$JAVA" ] && "$JAVA" -version 2>&1 | head -1 || echo "no Java 21+: the JUnit step will not run"
SANITIZER=${SANITIZER:-}
NCU=${NCU:-}

# ---- 2. native binaries ---------------------------------------------------------------------------------------
BIN=$CARRY/native
# The carried binaries: 0 = they run and see the device; 3 = they run but CUDA cannot (a reason to stop, not to
# rebuild); anything else (a loader error: other system libraries there) = rebuild.
probe() {
  local out rc
  out=$(timeout 60 "$1/sg_cuda_check" --probe 2>&1); rc=$?
  echo "$out" | tail -2
  [ $rc -eq 0 ] && ! python3 -c "import ctypes,sys; ctypes.CDLL(sys.argv[1])" "$1/libstreamgate_engine.so" && rc=1
  return $rc
}
probe "$BIN"; rc=$?
if [ $rc -eq 3 ]; then
  fatal "the CUDA backend cannot run on this machine (see above)"
elif [ $rc -ne 0 ] && [ $REHEARSE = 1 ]; then
  fatal "the carried emulator build does not run here"
elif [ $rc -eq 0 ]; then
  record "native binaries" "carried (built on the development machine)"
else
  say "native binaries: the carried ones do not run here; rebuilding"
  command -v cmake >/dev/null && command -v nvcc >/dev/null || fatal "cannot rebuild: cmake or nvcc missing"
  BUILD=/tmp/sg-native-build
  run_step build "$(budget 200 200)" bash -c "cmake -S gpu-worker/src/main/native -B $BUILD -DCMAKE_BUILD_TYPE=Release -DJAVA_HOME=$CARRY/jre -DSTREAMGATE_LIBRARY_OUTPUT_DIR=$BUILD/lib --log-level=WARNING && cmake --build $BUILD -j $(nproc)" \
    || fatal "the native build failed"
  cp "$BUILD/lib/libstreamgate_engine.so" "$BUILD/"
  BIN=$BUILD
  probe "$BIN" || fatal "the rebuilt binaries do not run either"
fi
TAIL_LINES=6 run_step native-host-tests "$(budget 60 300)" bash -c "'$BIN/engine_native_test' && '$BIN/device_plan_test'"

# ---- 3. kernel harness ----------------------------------------------------------------------------------------
CHECK_ARGS=(); [ $REHEARSE = 1 ] && CHECK_ARGS=(--quick)
TAIL_LINES=80 run_step kernel-check "$(budget 150 240)" "$BIN/sg_cuda_check" "${CHECK_ARGS[@]}"

# ---- 4. benchmark ---------------------------------------------------------------------------------------------
BENCH_ARGS=(--concurrency 1,64,256 --prompt 128 --gen 128)
# The rehearsal's toy shape: the emulator runs a kernel thread by thread on the CPU.
if [ $REHEARSE = 1 ]; then
  BENCH_ARGS=(--concurrency 1,4 --prompt 16 --gen 8 --hidden 256 --layers 2 --heads 8 --kv-heads 2 --intermediate 512
              --vocab 1000 --graphs 8)
  export SG_EMU_DEVICE_MEMORY_MB=512
fi
TAIL_LINES=25 run_step benchmark "$(budget 150 120)" "$BIN/sg_gpu_bench" "${BENCH_ARGS[@]}"
BENCH_TABLE=$(sed -n '/^sg_gpu_bench results/,$p' "$LOGS/benchmark.log")
# The backend falls back to eager decode steps when a graph capture fails: say so, the table would not.
if [ ! -f "$LOGS/benchmark.log" ]; then
  :
elif grep -q 'CUDA graph capture failed' "$LOGS/benchmark.log"; then
  record "cuda graphs" "FAILED: the table is from eager steps ($(grep -m1 'CUDA graph capture failed' "$LOGS/benchmark.log" | cut -c1-120))"
else
  record "cuda graphs" "used for decode steps"
fi

# ---- 5. JUnit tests tagged "gpu" ------------------------------------------------------------------------------
if [ -n "$JAVA" ]; then
  CP="$CARRY/launcher:$CARRY/classes:$CARRY/test-classes:$ROOT/gpu-worker/src/test/resources:$CARRY/lib/*"
  TAIL_LINES=40 run_step junit-gpu "$(budget 150 60)" "$JAVA" --enable-native-access=ALL-UNNAMED \
    -Dstreamgate.engine.library="$BIN/libstreamgate_engine.so" -cp "$CP" GpuTestLauncher \
    dev.streamgate.worker.engine.CudaEngineTest dev.streamgate.worker.engine.BackendSelectionTest
else
  record "junit-gpu" "NOT RUN (no Java 21+ and no carried runtime)"
fi

# ---- 6. compute-sanitizer -------------------------------------------------------------------------------------
if [ $REHEARSE = 1 ]; then
  record "compute-sanitizer" "SKIPPED (rehearsal: it needs a GPU)"
elif [ -n "$SANITIZER" ]; then
  TAIL_LINES=20 run_step compute-sanitizer "$(budget 150 5)" "$SANITIZER" --tool memcheck --error-exitcode 9 --print-limit 20 \
    "$BIN/sg_cuda_check" --quick
  # Some machines' runtimes (gVisor) refuse the sanitizer the device: that is no finding about our code.
  if [ $? -ne 0 ] && grep -q 'Device not supported' "$LOGS/compute-sanitizer.log"; then
    unset 'RESULTS[-1]'
    record "compute-sanitizer" "NOT RUN (this machine's runtime refuses it the device: 'Device not supported')"
  fi
else
  record "compute-sanitizer" "NOT RUN (not found)"
fi

# ---- 7. kernel profile (informative) --------------------------------------------------------------------------
PROFILE_WORK=/tmp/sg-profile
if [ $REHEARSE = 1 ]; then
  # No profiler here: check the summary's reading of ncu's CSV, and the benchmark's profiling brackets.
  TAIL_LINES=8 run_step profile "$(budget 60)" bash -c "cd bench/gpu && python3 -m unittest -q test_profile_summary \
    && '$BIN/sg_gpu_bench' ${BENCH_ARGS[*]} --launch plain --profile-steps 2"
elif [ -n "$NCU" ] && [ -f "$LOGS/benchmark.log" ]; then
  TAIL_LINES=70 run_step profile "$(budget 150)" bash bench/gpu/profile.sh "$NCU" "$BIN" "$PROFILE_WORK" \
    "$LOGS/benchmark.log" 1 256
  ls "$PROFILE_WORK"/*.csv >/dev/null 2>&1 && tar -czf "$LOGS/profile-csv.tar.gz" -C "$PROFILE_WORK" .
else
  record "profile" "NOT RUN (no ncu, or no benchmark)"
fi

finish
# The profile informs; it does not decide.
printf '%s\n' "${RESULTS[@]}" | grep -v '^profile ' | grep -q "FAIL\|TIMEOUT\|NOT RUN\|fatal" && exit 1
exit 0
