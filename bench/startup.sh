#!/usr/bin/env bash
# Time to ready of the gateway on its embedded default (a fresh --streamgate.home each run, so embedded PostgreSQL
# initialises its data folder every time, as on a first start), until /actuator/health/readiness is UP. Compares,
# in one run and interleaved: the fat jar as the README runs it, the jar extracted by Spring Boot's jarmode tools,
# and the extracted jar with a JDK 25 AOT cache (JEP 483/514/515: classes loaded and linked, and method profiles,
# from a training run). Prints the median and every run of each.
#
#   bench/startup.sh [--no-build] [--runs N]
#
# Needs JDK 25 (AOT cache) as JAVA_HOME or on the PATH. Every process it starts is stopped when it ends.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD=1
RUNS=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --runs) RUNS="$2"; shift ;;
    *) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
  shift
done

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR="$ROOT/gateway/target/streamgate-gateway.jar"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/streamgate-startup.XXXXXX")"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ $BUILD -eq 1 ]]; then
  (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl gateway -am package)
fi
[[ -f "$JAR" ]] || { echo "no $JAR: build it first (or drop --no-build)" >&2; exit 1; }

# A CDS/AOT cache only covers classes loaded from plain jars on the class path, not from jars nested in a fat jar.
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/app" > /dev/null
APP="$WORK/app/$(basename "$JAR")"

ARGS=(--server.port=0 --server.address=127.0.0.1 --streamgate.ratelimit.backend=local)

# Starts the gateway with the given JVM options and jar; prints milliseconds until readiness is UP.
time_to_ready() {  # jar, home, JVM options...
  local jar="$1" home="$2"
  shift 2
  local log="$home.log" start end port=""
  start=$(date +%s%N)
  "$JAVA" "$@" -jar "$jar" "${ARGS[@]}" --streamgate.home="$home" > "$log" 2>&1 &
  PID=$!
  while true; do
    kill -0 "$PID" 2>/dev/null || { tail -30 "$log" >&2; echo "the gateway exited during start-up" >&2; exit 1; }
    if [[ -z "$port" ]]; then
      port="$(grep -oE 'Netty started on port [0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' || true)"
    fi
    if [[ -n "$port" ]] && curl -fs "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then
      break
    fi
    sleep 0.05
  done
  end=$(date +%s%N)
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
  echo $(( (end - start) / 1000000 ))
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

echo "== training run: writing the AOT cache (JDK 25 -XX:AOTCacheOutput) from a start that exits after refresh"
"$JAVA" -XX:AOTCacheOutput="$WORK/app.aot" -Dspring.context.exit=onRefresh -jar "$APP" "${ARGS[@]}" \
  --streamgate.home="$WORK/training" > "$WORK/training.log" 2>&1 \
  || { tail -30 "$WORK/training.log" >&2; echo "the training run failed" >&2; exit 1; }
echo "   cache: $(du -h "$WORK/app.aot" | cut -f1)"

FAT=(); EXTRACTED=(); CACHED=()
for i in $(seq 1 "$RUNS"); do
  FAT+=("$(time_to_ready "$JAR" "$WORK/fat-$i")")
  EXTRACTED+=("$(time_to_ready "$APP" "$WORK/extracted-$i")")
  CACHED+=("$(time_to_ready "$APP" "$WORK/cached-$i" -XX:AOTCache="$WORK/app.aot")")
  echo "   run $i: fat jar ${FAT[-1]} ms, extracted ${EXTRACTED[-1]} ms, extracted + AOT cache ${CACHED[-1]} ms"
done

echo
echo "time to ready, median of $RUNS (ms), on $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
printf '  %-32s %6s   (%s)\n' "java -jar (fat jar)" "$(median "${FAT[@]}")" "${FAT[*]}"
printf '  %-32s %6s   (%s)\n' "extracted jar" "$(median "${EXTRACTED[@]}")" "${EXTRACTED[*]}"
printf '  %-32s %6s   (%s)\n' "extracted jar + AOT cache" "$(median "${CACHED[@]}")" "${CACHED[*]}"
