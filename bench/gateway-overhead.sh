#!/usr/bin/env bash
# What the gateway adds: the same load sent straight to a fake OpenAI-compatible upstream and through the gateway,
# in one run. Prints a table (added p50/p99 latency or time to first chunk, requests/s, gateway CPU-seconds per 1000
# requests) and writes it as Markdown to bench/results/gateway-overhead.md.
#
#   bench/gateway-overhead.sh [--no-build] [--direct-only] [--warmup S] [--duration S] [--rate R]
#                             [--tokens N] [--token-delay-ms MS] [--prewarm-requests N] [--prewarm-seconds S]
#                             [--database-url URL] [--keep]
#
# Scenarios, each run direct and then through the gateway: non-streaming and streaming, closed loop on 32 and on 256
# connections; then non-streaming at a fixed rate (--rate, default 1000 req/s, latency counted from each request's
# scheduled send time). The load generator, the fake upstream and the gateway share this machine's cores; nothing is
# pinned. Every process the script starts is stopped when it ends, however it ends.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/processes.sh
source "$ROOT/bench/processes.sh"
BUILD=1
DIRECT_ONLY=0
WARMUP=5
DURATION=15
RATE=1000
TOKENS=16
TOKEN_DELAY_MS=0
PREWARM_REQUESTS=20000
PREWARM_SECONDS=15
DATABASE_URL=""
KEEP=0

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --direct-only) DIRECT_ONLY=1 ;;
    --warmup) WARMUP="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --tokens) TOKENS="$2"; shift ;;
    --token-delay-ms) TOKEN_DELAY_MS="$2"; shift ;;
    --prewarm-requests) PREWARM_REQUESTS="$2"; shift ;;
    --prewarm-seconds) PREWARM_SECONDS="$2"; shift ;;
    --database-url) DATABASE_URL="$2"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# The gateway needs Java 21 or later; the machine's default java may be older.
choose_java_home
JAVA="$JAVA_HOME/bin/java"
CLK_TCK="$(getconf CLK_TCK)"
# Small, fixed heaps for the tools so that they do not compete with the gateway for memory; override at will.
read -r -a BENCH_OPTS <<< "${BENCH_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED}"
read -r -a GATEWAY_OPTS <<< "${GATEWAY_JAVA_OPTS:-}"

cd "$ROOT"
if [[ $BUILD -eq 1 ]]; then
  echo "== building the gateway and the bench jars"
  if [[ $DIRECT_ONLY -eq 1 ]]; then
    ./mvnw -B -q -DskipTests -Pbench -pl bench -am package
  else
    ./mvnw -B -q -DskipTests -Pbench -pl gateway,bench -am package
  fi
fi
BENCH_JAR="$ROOT/bench/target/streamgate-bench.jar"
[[ -f "$BENCH_JAR" ]] || { echo "missing $BENCH_JAR: run without --no-build" >&2; exit 1; }
GATEWAY_JAR=""
if [[ $DIRECT_ONLY -eq 0 ]]; then
  GATEWAY_JAR="$ROOT/gateway/target/streamgate-gateway.jar"
  [[ -f "$GATEWAY_JAR" ]] || { echo "missing $GATEWAY_JAR: run without --no-build" >&2; exit 1; }
fi

WORK="$(mktemp -d -t streamgate-bench.XXXXXX)"
RAW="$WORK/results"
mkdir -p "$RAW"
FAKE_PID=""
GATEWAY_PID=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e  # stop everything, whatever fails on the way
  # The gateway flushes its usage records (for up to 30 s by default) and then stops its embedded PostgreSQL.
  stop "$GATEWAY_PID" 45
  report_gateway_errors "$WORK/gateway.log"
  stop_embedded_postgres "$WORK/home"
  stop "$FAKE_PID" 5
  finish_work_dir "$WORK" "$KEEP" "$status"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(date -Is) on $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $("$JAVA" -version 2>&1 | head -1)"
echo "   load generator, fake upstream and gateway share these cores; nothing is pinned; load average $LOADAVG_BEFORE"
echo "   per run: ${WARMUP}s warm-up + ${DURATION}s measured; fake upstream: ${TOKENS} tokens, ${TOKEN_DELAY_MS} ms between tokens"

"$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.FakeUpstream --port 0 --port-file "$WORK/fake.port" \
  --tokens "$TOKENS" --token-delay-ms "$TOKEN_DELAY_MS" > "$WORK/fake.log" 2>&1 &
FAKE_PID=$!
wait_for_port_file "$WORK/fake.port" "$FAKE_PID" "$WORK/fake.log" "the fake upstream" 60
FAKE_PORT="$(cat "$WORK/fake.port")"
DIRECT_URL="http://127.0.0.1:$FAKE_PORT/v1/chat/completions"
echo "== fake upstream on 127.0.0.1:$FAKE_PORT (pid $FAKE_PID)"

GATEWAY_URL=""
if [[ $DIRECT_ONLY -eq 0 ]]; then
  GATEWAY_PORT="$("$JAVA" -cp "$BENCH_JAR" dev.streamgate.bench.FreePort)"
  ADMIN_KEY="sg-bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  DB_ARGS=()
  [[ -n "$DATABASE_URL" ]] && DB_ARGS=("--streamgate.database.url=$DATABASE_URL")
  echo "== starting the gateway ($(basename "$GATEWAY_JAR")) on 127.0.0.1:$GATEWAY_PORT, home $WORK/home"
  STREAMGATE_ADMIN_KEY="$ADMIN_KEY" "$JAVA" "${GATEWAY_OPTS[@]}" -jar "$GATEWAY_JAR" \
    --server.port="$GATEWAY_PORT" \
    --server.address=127.0.0.1 \
    --streamgate.home="$WORK/home" \
    "${DB_ARGS[@]}" \
    --streamgate.ratelimit.backend=local \
    --streamgate.builtin-deployments.enabled=false \
    --streamgate.deployments[0].id=bench-fake \
    --streamgate.deployments[0].model=bench \
    --streamgate.deployments[0].provider=openai \
    --streamgate.deployments[0].base-url="http://127.0.0.1:$FAKE_PORT/v1" \
    > "$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  if ! BENCH_API_KEY="$(STREAMGATE_ADMIN_KEY="$ADMIN_KEY" "$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" \
      dev.streamgate.bench.BenchTenant --gateway "http://127.0.0.1:$GATEWAY_PORT" --model bench --pid "$GATEWAY_PID")"; then
    echo "--- last lines of the gateway's log ($WORK/gateway.log):" >&2
    tail -40 "$WORK/gateway.log" >&2
    exit 1
  fi
  export BENCH_API_KEY
  GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
  echo "== gateway ready (pid $GATEWAY_PID): plan, tenant and key 'bench' created, one request of each kind answered"
fi

# Every run goes to one load generator JVM (runs separated by --then), so that its JIT compiles once instead of
# competing with the fake upstream and the gateway for the two cores at the start of every run.
RUNS=()
run() {  # label, url, output file, more LoadGenerator options...
  local label="$1" url="$2" out="$3"
  shift 3
  [[ ${#RUNS[@]} -eq 0 ]] || RUNS+=(--then)
  RUNS+=(--label "$label" --url "$url" --out "$out" --model bench --clk-tck "$CLK_TCK" "$@")
}

if [[ "$PREWARM_REQUESTS" != 0 ]]; then
  # JIT compilation of the hot paths of the fake, the gateway and the load generator itself, so that the first
  # scenario does not pay for it. Counted in requests (C2 compiles after some ten thousand calls), capped in time.
  for target in direct gateway; do
    [[ $target == gateway && $DIRECT_ONLY -eq 1 ]] && continue
    url="$DIRECT_URL"
    key=()
    if [[ $target == gateway ]]; then
      url="$GATEWAY_URL"
      key=(--api-key-env BENCH_API_KEY)
    fi
    run "prewarm/$target-json" "$url" "$WORK/prewarm-$target-json.json" "${key[@]}" --connections 64 --warmup 0 \
      --duration "$PREWARM_SECONDS" --max-requests "$PREWARM_REQUESTS"
    run "prewarm/$target-sse" "$url" "$WORK/prewarm-$target-sse.json" "${key[@]}" --connections 64 --stream \
      --warmup 0 --duration "$PREWARM_SECONDS" --max-requests "$PREWARM_REQUESTS"
  done
fi

SCENARIOS=()
scenario() {  # name, LoadGenerator options...
  local name="$1"
  shift
  SCENARIOS+=("$name")
  run "$name/direct" "$DIRECT_URL" "$RAW/$name.direct.json" --cpu-pid "$FAKE_PID" \
    --warmup "$WARMUP" --duration "$DURATION" "$@"
  if [[ $DIRECT_ONLY -eq 0 ]]; then
    run "$name/gateway" "$GATEWAY_URL" "$RAW/$name.gateway.json" --cpu-pid "$GATEWAY_PID" \
      --api-key-env BENCH_API_KEY --warmup "$WARMUP" --duration "$DURATION" "$@"
  fi
}

scenario json-c32 --connections 32
scenario json-c256 --connections 256
scenario sse-c32 --connections 32 --stream
scenario sse-c256 --connections 256 --stream
scenario "json-r${RATE%.*}" --connections 32 --rate "$RATE"

echo "== ${#SCENARIOS[@]} scenarios, each direct$([[ $DIRECT_ONLY -eq 0 ]] && echo " then through the gateway")"
"$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.LoadGenerator "${RUNS[@]}" > "$WORK/load.out"

mkdir -p "$ROOT/bench/results/raw"
cp "$RAW"/*.json "$ROOT/bench/results/raw/"
NOTE="load average before the run: $LOADAVG_BEFORE (1, 5, 15 min; other work on the machine skews every number)"
NOTE+="|fake upstream: ${TOKENS} tokens per reply, ${TOKEN_DELAY_MS} ms between tokens"
NOTE+="|load: each target first warmed up unmeasured (${PREWARM_REQUESTS} JSON and as many SSE requests, at most"
NOTE+=" ${PREWARM_SECONDS} s each); then per run ${WARMUP} s warm-up + ${DURATION} s measured; each scenario direct first,"
NOTE+=" then through the gateway"
if [[ $DIRECT_ONLY -eq 0 ]]; then
  NOTE+="|gateway: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown commit), embedded defaults"
  NOTE+=" ($([[ -n "$DATABASE_URL" ]] && echo "external PostgreSQL" || echo "embedded PostgreSQL"), local rate-limit buckets),"
  NOTE+=" one OpenAI-compatible deployment on the fake; gateway CPU = its JVM's utime+stime over the measured window"
  NOTE+=" (the database's processes not included)"
else
  NOTE+="|gateway: not run (--direct-only)"
fi
echo
"$JAVA" "${BENCH_OPTS[@]}" -cp "$BENCH_JAR" dev.streamgate.bench.OverheadReport --dir "$RAW" \
  --scenarios "$(IFS=,; echo "${SCENARIOS[*]}")" --markdown "$ROOT/bench/results/gateway-overhead.md" --note "$NOTE"
