#!/usr/bin/env bash
# The gateway next to its peers, on the same machine, in one run: straight to a fake OpenAI-compatible upstream
# (direct), a bare Spring Cloud Gateway route (scg), a bare Reactor Netty proxy (netty-proxy) and StreamGate
# (streamgate), one after the other, each pinned to core 0 while the fake upstream and the load generator share core 1.
# Prints a table (CPU per request and per stream, added latency, allocation, heap per open stream, peak RSS, errors,
# each with its ratio to Spring Cloud Gateway's figure) and writes it as Markdown to bench/results/peers.md.
#
#   bench/peers.sh [--no-build] [--targets direct,scg,netty-proxy,streamgate] [--warmup S] [--duration S]
#                  [--rate R] [--open-streams N] [--token-delay-ms MS] [--tokens N]
#                  [--prewarm-requests N] [--prewarm-seconds S] [--keep]
#
# Every process the script starts is stopped when it ends, however it ends. Traffic goes to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/processes.sh
source "$ROOT/bench/processes.sh"
BUILD=1
TARGETS="direct,scg,netty-proxy,streamgate"
WARMUP=5
DURATION=10
RATE=1000
OPEN_STREAMS=500
TOKEN_DELAY_MS=20
TOKENS=32
PREWARM_REQUESTS=20000
PREWARM_SECONDS=15
KEEP=0
TARGET_CORE=0
LOAD_CORE=1

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --targets) TARGETS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --open-streams) OPEN_STREAMS="$2"; shift ;;
    --token-delay-ms) TOKEN_DELAY_MS="$2"; shift ;;
    --tokens) TOKENS="$2"; shift ;;
    --prewarm-requests) PREWARM_REQUESTS="$2"; shift ;;
    --prewarm-seconds) PREWARM_SECONDS="$2"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
IFS=, read -r -a TARGET_LIST <<< "$TARGETS"
for t in "${TARGET_LIST[@]}"; do
  case "$t" in direct|scg|netty-proxy|streamgate) ;; *) echo "unknown target: $t" >&2; exit 2 ;; esac
done
[[ "$(nproc --all)" -ge 2 ]] || { echo "needs two cores: one for the target, one for the fake and the load" >&2; exit 1; }
command -v taskset > /dev/null || { echo "needs taskset (util-linux) to pin the processes" >&2; exit 1; }

choose_java_home jcmd
JAVA="$JAVA_HOME/bin/java"
CLK_TCK="$(getconf CLK_TCK)"
read -r -a BENCH_OPTS <<< "${BENCH_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED}"
# The same JVM options for every JVM target: none by default, as a user runs the gateway's jar.
read -r -a TARGET_OPTS <<< "${TARGET_JAVA_OPTS:-}"

cd "$ROOT"
if [[ $BUILD -eq 1 ]]; then
  echo "== building the gateway, the bench tools and the Spring Cloud Gateway peer"
  ./mvnw -B -q -DskipTests -Pbench -pl gateway,bench,bench/scg -am package
fi
BENCH_JAR="$ROOT/bench/target/streamgate-bench.jar"
GATEWAY_JAR="$ROOT/gateway/target/streamgate-gateway.jar"
SCG_JAR="$ROOT/bench/scg/target/streamgate-bench-scg.jar"
for jar in "$BENCH_JAR" "$GATEWAY_JAR" "$SCG_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: run without --no-build" >&2; exit 1; }
done
# The table names the checkout's commit; a gateway jar built before it (or before uncommitted edits) measures
# older code. Maven's repackaging leaves a jar alone when only a dependency module changed.
GATEWAY_BUILT="$(date -u -d "@$(stat -c %Y "$GATEWAY_JAR")" +%Y-%m-%dT%H:%M:%SZ)"
if [[ "$(stat -c %Y "$GATEWAY_JAR")" -lt "$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)" ]]; then
  echo "warning: $GATEWAY_JAR (built $GATEWAY_BUILT) is older than the last commit; rebuild it or run without --no-build" >&2
fi

WORK="$(mktemp -d -t streamgate-peers.XXXXXX)"
RAW="$WORK/results"
mkdir -p "$RAW"
FAKE_PID=""
TARGET_PID=""
PG_HOME=""

stop_target() {
  # StreamGate flushes its usage records (for up to 30 s by default) and then stops its embedded PostgreSQL.
  stop "$TARGET_PID" 45
  TARGET_PID=""
  if [[ -n "$PG_HOME" ]]; then
    report_gateway_errors "$WORK/streamgate.log"
    stop_embedded_postgres "$PG_HOME"
  fi
  PG_HOME=""
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  stop_target
  stop "$FAKE_PID" 5
  finish_work_dir "$WORK" "$KEEP" "$status"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for_listener() {  # port, pid, log, what
  for _ in $(seq 1 900); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { tail -40 "$3" >&2; echo "$4 did not start" >&2; exit 1; }
    sleep 0.1
  done
  tail -40 "$3" >&2; echo "$4 did not listen within 90 s" >&2; exit 1
}

LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(date -Is) on $(nproc --all) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $("$JAVA" -version 2>&1 | head -1)"
echo "   target on core $TARGET_CORE; fake upstream and load generator on core $LOAD_CORE; load average $LOADAVG_BEFORE"
echo "   per scenario: ${WARMUP}s warm-up + ${DURATION}s measured; replies of ${TOKENS} tokens"

taskset -c "$LOAD_CORE" "$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.FakeUpstream --port 0 \
  --port-file "$WORK/fake.port" --tokens "$TOKENS" --token-delay-ms "$TOKEN_DELAY_MS" --paced-model bench-paced \
  > "$WORK/fake.log" 2>&1 &
FAKE_PID=$!
wait_for_port_file "$WORK/fake.port" "$FAKE_PID" "$WORK/fake.log" "the fake upstream"
FAKE_PORT="$(cat "$WORK/fake.port")"
echo "== fake upstream on 127.0.0.1:$FAKE_PORT (pid $FAKE_PID); model bench-paced waits ${TOKEN_DELAY_MS} ms per chunk"

free_port() { "$JAVA" -cp "$BENCH_JAR" dev.streamgate.bench.FreePort; }

# Starts a target pinned to the target core; sets TARGET_PID, TARGET_URL, KEY_ARGS and CPU_ARGS.
start_target() {
  local target="$1" port log="$WORK/$1.log"
  KEY_ARGS=()
  CPU_ARGS=()
  case "$target" in
    direct)
      TARGET_URL="http://127.0.0.1:$FAKE_PORT/v1/chat/completions"
      CPU_ARGS=(--cpu-pid "$FAKE_PID")
      return ;;
    scg)
      port="$(free_port)"
      taskset -c "$TARGET_CORE" "$JAVA" "${TARGET_OPTS[@]}" -jar "$SCG_JAR" --server.port="$port" \
        --upstream.port="$FAKE_PORT" > "$log" 2>&1 &
      TARGET_PID=$!
      wait_for_listener "$port" "$TARGET_PID" "$log" "Spring Cloud Gateway" ;;
    netty-proxy)
      taskset -c "$TARGET_CORE" "$JAVA" "${TARGET_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.NettyProxy \
        --upstream "http://127.0.0.1:$FAKE_PORT" --port 0 --port-file "$WORK/proxy.port" > "$log" 2>&1 &
      TARGET_PID=$!
      wait_for_port_file "$WORK/proxy.port" "$TARGET_PID" "$log" "the Netty proxy"
      port="$(cat "$WORK/proxy.port")" ;;
    streamgate)
      port="$(free_port)"
      PG_HOME="$WORK/home"
      local admin_key
      admin_key="sg-bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
      STREAMGATE_ADMIN_KEY="$admin_key" taskset -c "$TARGET_CORE" "$JAVA" "${TARGET_OPTS[@]}" -jar "$GATEWAY_JAR" \
        --server.port="$port" --server.address=127.0.0.1 --streamgate.home="$PG_HOME" \
        --streamgate.ratelimit.backend=local \
        --streamgate.deployments[0].id=bench-fake --streamgate.deployments[0].model=bench \
        --streamgate.deployments[0].provider=openai \
        --streamgate.deployments[0].base-url="http://127.0.0.1:$FAKE_PORT/v1" \
        --streamgate.deployments[1].id=bench-fake-paced --streamgate.deployments[1].model=bench-paced \
        --streamgate.deployments[1].provider=openai \
        --streamgate.deployments[1].base-url="http://127.0.0.1:$FAKE_PORT/v1" \
        > "$log" 2>&1 &
      TARGET_PID=$!
      if ! BENCH_API_KEY="$(STREAMGATE_ADMIN_KEY="$admin_key" taskset -c "$LOAD_CORE" "$JAVA" "${BENCH_OPTS[@]}" \
          -cp "$BENCH_JAR" dev.streamgate.bench.BenchTenant --gateway "http://127.0.0.1:$port" --model bench \
          --pid "$TARGET_PID")"; then
        echo "--- last lines of the gateway's log ($log):" >&2
        tail -40 "$log" >&2
        exit 1
      fi
      export BENCH_API_KEY
      KEY_ARGS=(--api-key-env BENCH_API_KEY)
      # Its embedded PostgreSQL works for it: the server's processes' CPU and memory count as the gateway's.
      CPU_ARGS=(--cpu-children --cpu-pid-file "$PG_HOME/pg/postmaster.pid") ;;
  esac
  CPU_ARGS=(--cpu-pid "$TARGET_PID" "${CPU_ARGS[@]}")
  TARGET_URL="http://127.0.0.1:$port/v1/chat/completions"
}

FIXED="json-r${RATE%.*}"
OPEN="sse-open${OPEN_STREAMS}"
for target in "${TARGET_LIST[@]}"; do
  start_target "$target"
  echo "== $target ready (pid ${TARGET_PID:-$FAKE_PID}) at $TARGET_URL"
  RUNS=()
  run() {  # label, output file, LoadGenerator options...
    local label="$1" out="$2"
    shift 2
    [[ ${#RUNS[@]} -eq 0 ]] || RUNS+=(--then)
    RUNS+=(--label "$target/$label" --url "$TARGET_URL" --out "$out" --clk-tck "$CLK_TCK" "${KEY_ARGS[@]}" "$@")
  }
  measured() {  # scenario, LoadGenerator options...
    local name="$1"
    shift
    run "$name" "$RAW/$name.$target.json" "${CPU_ARGS[@]}" --warmup "$WARMUP" --duration "$DURATION" "$@"
  }
  # The same JIT warm-up for every target (and the load generator): N JSON and N streaming requests, unmeasured.
  if [[ "$PREWARM_REQUESTS" != 0 ]]; then
    run prewarm-json "$WORK/prewarm-json.$target.json" --model bench --connections 64 --warmup 0 \
      --duration "$PREWARM_SECONDS" --max-requests "$PREWARM_REQUESTS"
    run prewarm-sse "$WORK/prewarm-sse.$target.json" --model bench --connections 64 --stream --warmup 0 \
      --duration "$PREWARM_SECONDS" --max-requests "$PREWARM_REQUESTS"
  fi
  measured json-c32 --model bench --connections 32 --allocation-dir "$WORK"
  measured json-c128 --model bench --connections 128
  measured sse-c32 --model bench --connections 32 --stream
  measured "$OPEN" --model bench-paced --connections "$OPEN_STREAMS" --stream --heap-per-stream
  measured "$FIXED" --model bench --connections 32 --rate "$RATE"
  echo "== $target: load"
  taskset -c "$LOAD_CORE" "$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.LoadGenerator "${RUNS[@]}" \
    > "$WORK/load.$target.out"
  stop_target
done

mkdir -p "$ROOT/bench/results/raw"
cp "$RAW"/*.json "$ROOT/bench/results/raw/"
NOTE="peers, $(date -Is), $(nproc --all) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $("$JAVA" -version 2>&1 | head -1)"
NOTE+="|load average before the run: $LOADAVG_BEFORE (1, 5, 15 min; other work on the machine skews every number)"
NOTE+="|each target alone on core $TARGET_CORE, fake upstream and load generator on core $LOAD_CORE; target JVM options: '${TARGET_OPTS[*]:-none}'"
NOTE+="|fake upstream: ${TOKENS} tokens per reply; ${OPEN}: model bench-paced, ${TOKEN_DELAY_MS} ms per chunk"
NOTE+="|each target first warmed up unmeasured (${PREWARM_REQUESTS} JSON and as many SSE requests, at most ${PREWARM_SECONDS} s each); then per scenario ${WARMUP} s warm-up + ${DURATION} s measured"
NOTE+="|streamgate: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown commit) (jar built $GATEWAY_BUILT), embedded PostgreSQL (its CPU and memory counted as the gateway's), local rate-limit buckets"
echo
"$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.PeerReport --dir "$RAW" --targets "$TARGETS" \
  --json json-c32,json-c128 --sse sse-c32 --open-streams "$OPEN" --fixed-rate "$FIXED" \
  --markdown "$ROOT/bench/results/peers.md" --note "$NOTE"
