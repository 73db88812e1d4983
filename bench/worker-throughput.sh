#!/usr/bin/env bash
# Worker throughput benchmark: on a generated random-weight ~110M Llama (bf16) and on demo-chat, output
# tokens/s at 1, 8 and 32 concurrent streams with continuous batching against the same requests served one at a
# time, single-stream decode speed against this machine's memory-bandwidth bound (measured in the same run), and
# Jlama 0.8.4 on the same checkpoints. Prints Markdown tables last.
#
#   bench/worker-throughput.sh [--requests 32] [--max-tokens 32] [--concurrency 1,8,32] [--jlama-requests 8]
#
# Builds gpu-worker (with its native engine) and bench/worker, writes the random checkpoint under
# target/bench-worker/ (not committed; about 220 MB) and runs everything in one JVM. The numbers are only
# comparable within one run: each table row's baseline is measured in the same run on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

./mvnw -B -q -Pbench -pl bench/worker -am package -DskipTests

"$JAVA_HOME/bin/java" \
  --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED \
  -jar bench/worker/target/streamgate-bench-worker.jar \
  --work target/bench-worker \
  --sg-bench gpu-worker/target/native-build/sg_bench \
  "$@"
