# Shared by the gateway benchmarks (sourced, not run): choosing the JDK, waiting for what a run starts, stopping
# it, and what a stopped gateway leaves to report or to clean up.

# JAVA_HOME if it is Java 21 or later, else the machine's Temurin 25; exits when neither is usable. $1 names a
# tool of the JDK the caller also needs (for example jcmd), besides java.
choose_java_home() {
  local tool="${1:-java}" version=0
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME:-}/bin/java" ]]; then
    version="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = //p')"
  fi
  if [[ "${version%%.*}" -lt 21 ]]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  fi
  if [[ ! -x "$JAVA_HOME/bin/java" || ! -x "$JAVA_HOME/bin/$tool" ]]; then
    echo "no JDK 21+ (with $tool) found: set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME
}

stop() {  # pid, seconds to wait before SIGKILL
  local pid="$1" grace="$2"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# The first distinct ERROR lines of a gateway's log, if it logged any.
report_gateway_errors() {  # log file
  local log="$1"
  if [[ -f "$log" ]] && grep -q ' ERROR ' "$log"; then
    echo "the gateway logged $(grep -c ' ERROR ' "$log") error(s), the first of them:" >&2
    grep ' ERROR ' "$log" | sed -E 's/^.* ERROR [0-9]+ --- \[[^]]*\] \[[^]]*\] \[[^]]*\] +//' \
      | cut -c1-240 | awk '!seen[$0]++' | head -5 >&2
  fi
}

# An embedded PostgreSQL its gateway could not stop (the gateway was killed): only ours, found by its data folder.
stop_embedded_postgres() {  # the gateway's streamgate.home
  local data="$1/pg" pg_pid
  [[ -f "$data/postmaster.pid" ]] || return 0
  pg_pid="$(head -1 "$data/postmaster.pid")"
  if [[ "$pg_pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' < "/proc/$pg_pid/cmdline" 2>/dev/null | grep -qF "$data"; then
    stop "$pg_pid" 10
  fi
}

# Waits until a process started with --port-file has written its port; exits, with the end of its log, if it dies
# first or takes longer than the given seconds (90 by default).
wait_for_port_file() {  # file, pid, log, what[, seconds]
  for _ in $(seq 1 $((${5:-90} * 10))); do
    [[ -s "$1" ]] && return 0
    kill -0 "$2" 2>/dev/null || { tail -40 "$3" >&2; echo "$4 did not start" >&2; exit 1; }
    sleep 0.1
  done
  tail -40 "$3" >&2; echo "$4 did not report its port within ${5:-90} s" >&2; exit 1
}

# The end of a run: its working folder is kept when asked for (keep = 1) or when the run failed, else removed.
finish_work_dir() {  # folder, keep (0 or 1), the run's exit status
  if [[ $2 -eq 1 || $3 -ne 0 ]]; then
    echo "logs and raw results kept in $1" >&2
  else
    rm -rf "$1"
  fi
}
