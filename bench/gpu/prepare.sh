#!/usr/bin/env bash
# Prepares what bench/gpu/run.sh needs on the GPU machine, which has CUDA, cmake and python3 but no Maven, no
# Maven repository and perhaps no JDK: builds gpu-worker here (native engine with nvcc, Java classes, test
# classes) and fills .gpu-carry/ (ignored by git) with payload.tar.gz, which run.sh unpacks there, of
#   jre/           a trimmed Java runtime (jlink) with jni.h, for the JUnit tests and for building JNI there
#   lib/           the jars the "gpu" tests need (JUnit platform and Jupiter, AssertJ, Jackson)
#   classes/, test-classes/, launcher/   gpu-worker's classes, its test classes, bench/gpu/GpuTestLauncher
#   native/        the engine library, sg_cuda_check and sg_gpu_bench built here (run.sh rebuilds them there
#                  when they do not run on that machine)
# Then run on the GPU machine, from the repository root, carrying .gpu-carry:  bash bench/gpu/run.sh
#
# --rehearse fills .gpu-carry with the engine built for the host SIMT emulator instead (marked REHEARSAL), for
# `bash bench/gpu/run.sh --rehearse` on this machine: every step of run.sh runs (on the emulator, at a toy
# benchmark shape) so that a mistake in the scripts shows here, not in the GPU machine's few minutes. run.sh
# refuses a rehearsal carry without --rehearse, so it can never stand in for the real run.
set -euo pipefail
REHEARSE=0
[ "${1:-}" = "--rehearse" ] && REHEARSE=1
cd "$(dirname "$0")/../.."
ROOT=$PWD
CARRY=$ROOT/.gpu-carry
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JDK/bin/jlink" ] || { echo "prepare.sh: no JDK with jlink at $JDK (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME=$JDK
[ $REHEARSE = 1 ] || command -v nvcc >/dev/null || { echo "prepare.sh: nvcc not found: the CUDA backend would not be built" >&2; exit 1; }

echo "prepare.sh: building gpu-worker (native engine with CUDA, classes, test classes)"
# One reactor for both goals: the classpath then resolves the sibling modules from this build, not from ~/.m2.
./mvnw -B -q -pl gpu-worker -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$ROOT/gpu-worker/target/test-classpath.txt" >/dev/null
NATIVE_BUILD=$ROOT/gpu-worker/target/native-build
if [ $REHEARSE = 1 ]; then
  NATIVE_FILES=(sg_cuda_check_emu sg_gpu_bench_emu emulated/libstreamgate_engine_emulated.so)
else
  NATIVE_FILES=(sg_cuda_check sg_gpu_bench)
fi
for f in "${NATIVE_FILES[@]}"; do
  [ -e "$NATIVE_BUILD/$f" ] || { echo "prepare.sh: $NATIVE_BUILD/$f missing: was the CUDA backend (or its emulated build) made?" >&2; exit 1; }
done

rm -rf "$CARRY"
mkdir -p "$CARRY"/{lib,classes,test-classes,launcher,native}
# Only the jars the engine tests load; Reactor, the other modules and ByteBuddy stay behind.
tr ':' '\n' < "$ROOT/gpu-worker/target/test-classpath.txt" \
  | grep -E '/(tools/jackson/core/jackson-(databind|core)|com/fasterxml/jackson/core/jackson-annotations)/|/(junit-jupiter-api|junit-jupiter-engine|junit-jupiter-params|junit-platform-engine|junit-platform-commons|opentest4j|apiguardian-api|jspecify|assertj-core)-[^/]*\.jar$' \
  | xargs -I{} cp {} "$CARRY/lib/"
PLATFORM_VERSION=$(ls "$CARRY"/lib/junit-platform-engine-*.jar | sed -E 's/.*junit-platform-engine-(.*)\.jar/\1/')
LAUNCHER_JAR=$HOME/.m2/repository/org/junit/platform/junit-platform-launcher/$PLATFORM_VERSION/junit-platform-launcher-$PLATFORM_VERSION.jar
if [ ! -f "$LAUNCHER_JAR" ]; then
  ./mvnw -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-launcher:$PLATFORM_VERSION >/dev/null
fi
cp "$LAUNCHER_JAR" "$CARRY/lib/"

cp -r "$ROOT/gpu-worker/target/classes/." "$CARRY/classes/"
rm -rf "$CARRY/classes/native"  # the library travels in native/ (or is rebuilt there)
(cd "$ROOT/gpu-worker/target/test-classes" && find . -name '*.class' -exec cp --parents {} "$CARRY/test-classes/" \;)
"$JDK/bin/javac" -d "$CARRY/launcher" -cp "$CARRY/lib/*" "$ROOT/bench/gpu/GpuTestLauncher.java"

if [ $REHEARSE = 1 ]; then
  cp "$NATIVE_BUILD/emulated/libstreamgate_engine_emulated.so" "$CARRY/native/libstreamgate_engine.so"
  cp "$NATIVE_BUILD/sg_cuda_check_emu" "$CARRY/native/sg_cuda_check"
  cp "$NATIVE_BUILD/sg_gpu_bench_emu" "$CARRY/native/sg_gpu_bench"
  echo "The engine here is the host SIMT emulator build: for bench/gpu/run.sh --rehearse only." > "$CARRY/REHEARSAL"
else
  cp "$ROOT/gpu-worker/target/classes/native/linux-x86_64/libstreamgate_engine.so" "$CARRY/native/"
  cp "$NATIVE_BUILD/sg_cuda_check" "$NATIVE_BUILD/sg_gpu_bench" "$CARRY/native/"
fi
cp "$NATIVE_BUILD/device_plan_test" "$NATIVE_BUILD/engine_native_test" "$CARRY/native/"
strip --strip-unneeded "$CARRY"/native/* 2>/dev/null || true

echo "prepare.sh: linking a Java runtime"
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported \
  --strip-debug --no-man-pages --compress=zip-9 --output "$CARRY/jre"
strip --strip-unneeded "$CARRY/jre/lib/server/libjvm.so" 2>/dev/null || true
cp -r "$JDK/include" "$CARRY/jre/include"  # jni.h, should the native library be rebuilt there

# One gzip archive: the Java runtime and the binaries shrink to under half (the copy to the GPU machine carries 64 MiB in
# all); run.sh unpacks it first.
PARTS=(jre lib classes test-classes launcher native)
tar -C "$CARRY" -czf "$ROOT/.gpu-carry-payload.tar.gz" "${PARTS[@]}"
(cd "$CARRY" && rm -rf "${PARTS[@]}")
mv "$ROOT/.gpu-carry-payload.tar.gz" "$CARRY/payload.tar.gz"

SIZE=$(du -sm "$CARRY" | cut -f1)
TREE=$(( $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) / 1048576 ))
echo "prepare.sh: .gpu-carry is ${SIZE} MiB, the tracked tree ${TREE} MiB (the copy to the GPU machine takes 64 MiB in all)"
[ $((SIZE + TREE)) -lt 63 ] || { echo "prepare.sh: too large to carry" >&2; exit 1; }
if [ $REHEARSE = 1 ]; then
  echo "prepare.sh: ready for the rehearsal, here:  bash bench/gpu/run.sh --rehearse"
else
  echo "prepare.sh: ready. On the GPU machine, from the repository root, carrying .gpu-carry:  bash bench/gpu/run.sh"
fi
