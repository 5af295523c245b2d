#!/usr/bin/env bash
# Builds the benchmarks and runs them, then regenerates the tables in docs/benchmarks.md and the
# limiter plot. Usage: bench/run.sh [quick|full]   (quick: a sanity check in a few minutes)
# BENCH_PARTS="jmh http examples" (the default: all) re-runs some parts alone; the report keeps the
# others' results and names the files re-run later.
set -euo pipefail
mode=${1:-quick}
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/bench/results"
mkdir -p "$out"

case "$mode" in
  quick) jmh_opts=(-f 1 -wi 1 -w 1s -i 3 -r 1s); http_secs=8; http_warmup=5; http_rounds=1; load_secs=15; load_warmup=10 ;;
  full)  jmh_opts=(-f 2 -wi 6 -w 1s -i 5 -r 1s); http_secs=20; http_warmup=20; http_rounds=3; load_secs=60; load_warmup=30 ;;
  *) echo "usage: bench/run.sh [quick|full]" >&2; exit 2 ;;
esac

parts=" ${BENCH_PARTS:-jmh http examples} "
has() { [[ "$parts" == *" $1 "* ]]; }

mvn -B -q package -pl monetize-benchmarks,examples/analytics-servlet,examples/analytics-jaxrs -am -DskipTests
jar="$root/monetize-benchmarks/target/benchmarks.jar"

# machine and JVM, for the report (the run's date: kept when only some parts are re-run)
has jmh && {
  echo "{"
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"mode\": \"$mode\","
  echo "  \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')\","
  echo "  \"cores\": $(nproc),"
  echo "  \"memory_gib\": $(awk '/MemTotal/ {printf "%d", $2/1048576}' /proc/meminfo),"
  echo "  \"jvm\": \"$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.vm.name|java.runtime.version/ {printf "%s ", $2}' | sed 's/ $//')\","
  echo "  \"os\": \"$(uname -sr)\""
  echo "}"
} > "$out/machine.json"

# every fork gets a fixed, pre-touched heap: on a VM where a fresh page costs microseconds to fault
# in, a heap that grows during the run adds seconds of noise to whichever benchmark it hits
fork_heap=(-jvmArgsAppend "-Xms2g -Xmx2g -XX:+AlwaysPreTouch")

run_jmh() { # name, regex, extra args...
  local name=$1 regex=$2; shift 2
  java -jar "$jar" "$regex" "${jmh_opts[@]}" "${fork_heap[@]}" -prof gc -rf json -rff "$out/jmh-$name.json" "$@" \
    | tail -n 30
}

if has jmh; then
  run_jmh limiter-t1 'LimiterBenchmark' -t 1
  run_jmh limiter-t2 'LimiterBenchmark' -t 2
  # the same two threads, each call timed (JMH sample mode): what a contended key costs one call
  run_jmh limiter-t2-latency 'LimiterBenchmark' -t 2 -bm sample -tu ns
  run_jmh perkey 'PerKeyBenchmark' -t 1
  run_jmh hotpath '\.(HotPath|Key|CacheHit|AuditChain)Benchmark' -t 1
  run_jmh journal-t1 'JournalBenchmark' -t 1
  run_jmh journal-t2 'JournalBenchmark.record$' -t 2 -bm thrpt -tu s
  if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    run_jmh extra-redis 'RedisBenchmark'
    java -cp "$jar" dev.monetize.benchmarks.RedisRoundTrips > "$out/redis-roundtrips.json"
  else
    echo "no Redis on 127.0.0.1:6379: skipping the Redis benchmarks" >&2
    rm -f "$out/jmh-extra-redis.json" "$out/redis-roundtrips.json"
  fi

  java -Xmx2g -XX:+UseSerialGC -cp "$jar" dev.monetize.benchmarks.StateFootprint > "$out/footprint.json"
  # the hot path's allocation per thread, and the audit events it drops at full speed
  java -Xmx1g -cp "$jar" dev.monetize.benchmarks.HotPathSplit > "$out/hotpath-split.json"
fi

# the server's CPU time (user + system, clock ticks) and context switches (all its threads)
proc_sample() { # pid: CPU ticks, context switches, the CPU ticks of its JIT compiler threads and of Monetize's own
  local ticks switches jit background
  ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
  switches=$(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}')
  jit=$(for t in /proc/"$1"/task/*; do
          grep -q '^C[12] CompilerThre' "$t/comm" 2>/dev/null && awk '{print $14 + $15}' "$t/stat"
        done | awk '{s += $1} END {print s + 0}')
  # the engine's background threads (audit chain, usage journal, events), named monetize-*
  background=$(for t in /proc/"$1"/task/*; do
          grep -q '^monetize-' "$t/comm" 2>/dev/null && awk '{print $14 + $15}' "$t/stat"
        done | awk '{s += $1} END {print s + 0}')
  echo "$ticks $switches $jit $background"
}

# HTTP: the same hello endpoint bare, behind the filter, and behind the filter a user would write by
# hand, driven by wrk on loopback. The variants alternate over several rounds (a shared VM's steal
# time comes and goes); the report takes the median of the rounds' ratios and lists every round's.
# Each run also records the server's CPU time and context switches, per request in the report.
if has http && command -v wrk >/dev/null; then
  rm -f "$out"/http-*.txt "$out"/http-*.proc
  for round in $(seq 1 "$http_rounds"); do
    for variant in bare filtered handwritten jaxrs-bare jaxrs; do
      log="$out/server-$variant.log"
      java -Xmx512m -cp "$jar" dev.monetize.benchmarks.HttpBenchServer "$variant" 18480 > "$log" 2>&1 &
      pid=$!
      for _ in $(seq 1 100); do grep -q '^listening on' "$log" && break; sleep 0.2; done
      key=$(sed -n 's/^key: //p' "$log")
      header=()
      [ -n "$key" ] && header=(-H "Authorization: Bearer $key")
      # warm-up: first at a low load, so that the JIT compiler gets its share of the two cores (at 32
      # connections from the start it was still compiling the filter's path after 30 s), then at the
      # measured load
      wrk -t 1 -c 4 -d "${http_warmup}s" "${header[@]}" http://127.0.0.1:18480/hello > /dev/null
      wrk -t 1 -c 32 -d 10s "${header[@]}" http://127.0.0.1:18480/hello > /dev/null
      before=$(proc_sample "$pid")
      wrk -t 1 -c 32 -d "${http_secs}s" --latency "${header[@]}" http://127.0.0.1:18480/hello \
        > "$out/http-$variant-$round.txt"
      after=$(proc_sample "$pid")
      echo "$before $after $(getconf CLK_TCK)" > "$out/http-$variant-$round.proc"
      kill "$pid"; wait "$pid" 2>/dev/null || true
    done
  done
elif has http; then
  echo "wrk is not installed (apt-get install wrk): skipping the HTTP benchmark" >&2
  rm -f "$out"/http-*.txt
fi

# the two example services as a user runs them (enterprise key, GET /v1/stats/summary), wrk -t2 -c16;
# then the load run: the servlet example, 64 connections for load_secs, a mix of admitted, 429 and
# 401 answers (bench/mix.lua), with the heap after a full GC before and after
start_example() { # jar, log; sets example_pid and the demo keys
  PORT=18490 java -Xmx512m -jar "$1" > "$2" 2>&1 &
  example_pid=$!
  for _ in $(seq 1 150); do grep -q '^listening on' "$2" && break; sleep 0.2; done
  key_enterprise=$(sed -n 's/^demo key enterprise: //p' "$2")
  key_free=$(sed -n 's/^demo key free: //p' "$2")
}
heap_used_kib() { # pid: the heap in use after a full GC
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1
}
if has examples && command -v wrk >/dev/null; then
  rm -f "$out"/example-*.txt "$out"/load*.txt
  for example in servlet jaxrs; do
    start_example "$root/examples/analytics-$example/target/analytics-$example.jar" "$out/example-$example.log"
    # warm-up as for the HTTP benchmark: the example's path is long, and at full load from the start
    # the JIT compiler still took a third of its CPU after 10 s
    wrk -t 1 -c 4 -d "${http_warmup}s" -H "Authorization: Bearer $key_enterprise" \
      http://127.0.0.1:18490/v1/stats/summary > /dev/null
    wrk -t 2 -c 16 -d 10s -H "Authorization: Bearer $key_enterprise" http://127.0.0.1:18490/v1/stats/summary > /dev/null
    wrk -t 2 -c 16 -d "${http_secs}s" --latency -H "Authorization: Bearer $key_enterprise" \
      http://127.0.0.1:18490/v1/stats/summary > "$out/example-$example.txt"
    kill "$example_pid"; wait "$example_pid" 2>/dev/null || true
  done
  start_example "$root/examples/analytics-servlet/target/analytics-servlet.jar" "$out/load-server.log"
  KEY_ENTERPRISE=$key_enterprise KEY_FREE=$key_free KEY_UNKNOWN="${key_enterprise%?????}xxxxx" \
    wrk -t 2 -c 64 -d "${load_warmup}s" -s "$root/bench/mix.lua" http://127.0.0.1:18490 > /dev/null   # warm-up
  # (long enough to fill what the example keeps within bounds, such as its last 100,000 audit events:
  # the heap is then compared at its working size)
  heap_before=$(heap_used_kib "$example_pid")
  KEY_ENTERPRISE=$key_enterprise KEY_FREE=$key_free KEY_UNKNOWN="${key_enterprise%?????}xxxxx" \
    wrk -t 2 -c 64 -d "${load_secs}s" --latency -s "$root/bench/mix.lua" http://127.0.0.1:18490 > "$out/load.txt"
  heap_after=$(heap_used_kib "$example_pid")
  echo "heap_before_kib $heap_before" >> "$out/load.txt"
  echo "heap_after_kib $heap_after" >> "$out/load.txt"
  echo "seconds $load_secs" >> "$out/load.txt"
  kill "$example_pid"; wait "$example_pid" 2>/dev/null || true
fi

python3 "$root/bench/report.py" "$out" "$root/docs/benchmarks.md" "$root/docs/img/limiters.svg"
echo "results in $out; docs/benchmarks.md and docs/img/limiters.svg regenerated"
