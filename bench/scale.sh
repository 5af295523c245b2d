#!/usr/bin/env bash
# The scale run: 1, 2 and 3 instances of the servlet example on one Redis and on a three-master
# Redis Cluster (started here on local ports), keys and usage in PostgreSQL, each instance driven by
# its own wrk over a few hundred customers. Per run: admitted requests per second, Redis commands
# and CPU per request, the instances' CPU per request, ledger rows per second, and exactness (the
# calls answered 200 = the calls the ledger holds = the calls the customers' daily quotas were
# charged in Redis). Writes bench/results/scale.json; docs/scaling.md explains the method.
# Usage: bench/scale.sh [quick|full]   Needs wrk, redis-server, redis-cli, psql, python3.
set -euo pipefail
mode=${1:-quick}
case "$mode" in
  quick) secs=10; warmup=5; customers=100 ;;
  full)  secs=30; warmup=15; customers=300 ;;
  *) echo "usage: bench/scale.sh [quick|full]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/bench/results"
mkdir -p "$out"
work=$(mktemp -d)
mvn -B -q package -pl examples/analytics-servlet -am -DskipTests
jar="$root/examples/analytics-servlet/target/analytics-servlet.jar"
cluster_ports=(7301 7302 7303)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${cluster_ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# the cluster: three masters, no replicas, every slot assigned
for p in "${cluster_ports[@]}"; do
  redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$work/nodes-$p.conf" \
    --dir "$work" --save "" --appendonly no --daemonize yes --logfile "$work/redis-$p.log"
done
for p in "${cluster_ports[@]}"; do
  for _ in $(seq 1 50); do redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${cluster_ports[@]}") --cluster-replicas 0 --cluster-yes > "$work/create.log"
for _ in $(seq 1 100); do
  redis-cli -p "${cluster_ports[0]}" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1
done

redis_ports() { # backend
  if [ "$1" = single ]; then echo 6379; else echo "${cluster_ports[@]}"; fi
}
redis_commands() { # ports...: commands executed so far, all kinds
  for p in "$@"; do redis-cli -p "$p" info commandstats | tr -d '\r' | sed -n 's/.*:calls=\([0-9]*\),.*/\1/p'; done \
    | awk '{s += $1} END {print s + 0}'
}
redis_ticks() { # ports...: CPU clock ticks of the servers
  for p in "$@"; do
    pid=$(redis-cli -p "$p" info server | tr -d '\r' | sed -n 's/^process_id:\([0-9]*\)/\1/p')
    awk '{print $14 + $15}' "/proc/$pid/stat"
  done | awk '{s += $1} END {print s + 0}'
}
ticks_of() { # pids...
  for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s + 0}'
}
psql_value() { psql -h 127.0.0.1 -U postgres -d test -tAq -c "$1"; }

echo "[" > "$out/scale.json"
first=1
redis_busy_us() { # ports...: microseconds the servers spent executing commands so far
  for p in "$@"; do redis-cli -p "$p" info commandstats | tr -d '\r' | sed -n 's/.*,usec=\([0-9]*\),.*/\1/p'; done \
    | awk '{s += $1} END {print s + 0}'
}

for backend in single cluster; do
  # one database schema and one set of customers per backend: the counts below are cumulative
  schema="scale_${backend}_$$"
  psql_value "CREATE SCHEMA $schema" >/dev/null
  jdbc="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$schema"
  answered=0; runs=0
  for n in 1 2 3; do
    rm -f "$work"/run-*.txt "$work"/warm-*.txt
    if [ "$backend" = single ]; then redis_env=(MONETIZE_REDIS_URL=redis://127.0.0.1:6379/0)
    else redis_env=(MONETIZE_REDIS_CLUSTER_NODES=$(printf '127.0.0.1:%s,' "${cluster_ports[@]}" | sed 's/,$//')); fi
    instances=()
    for i in $(seq 1 "$n"); do
      mkdir -p "$work/journal-$backend-$n-$i"
      env PORT=$((18600 + i)) MONETIZE_JDBC_URL="$jdbc" MONETIZE_DATA_DIR="$work/journal-$backend-$n-$i" "${redis_env[@]}" \
        java -Xmx512m -jar "$jar" > "$work/instance-$i.log" 2>&1 &
      instances+=($!)
      pids+=($!)
    done
    for i in $(seq 1 "$n"); do
      for _ in $(seq 1 150); do grep -q '^listening on' "$work/instance-$i.log" && break; sleep 0.2; done
    done
    if [ "$n" = 1 ]; then
      admin=$(sed -n 's/^demo key admin: //p' "$work/instance-1.log")
      python3 "$root/bench/customers.py" 18601 "$admin" "$customers" > "$work/customers.txt"
      cut -d' ' -f2 "$work/customers.txt" > "$work/keys.txt"
    fi
    ports=($(redis_ports "$backend"))
    warm=0
    drivers=()
    for i in $(seq 1 "$n"); do
      KEYS_FILE="$work/keys.txt" wrk -t 1 -c 16 -d "${warmup}s" -s "$root/bench/scale.lua" "http://127.0.0.1:$((18600 + i))" \
        > "$work/warm-$i.txt" &
      drivers+=($!)
    done
    wait "${drivers[@]}"
    sleep 1
    for i in $(seq 1 "$n"); do warm=$((warm + $(sed -n 's/^status 200 //p' "$work/warm-$i.txt" || echo 0))); done
    cmds_before=$(redis_commands "${ports[@]}"); rticks_before=$(redis_ticks "${ports[@]}")
    busy_before=$(redis_busy_us "${ports[@]}")
    aticks_before=$(ticks_of "${instances[@]}"); rows_before=$(psql_value "SELECT count(*) FROM $schema.monetize_usage")
    drivers=()
    for i in $(seq 1 "$n"); do
      KEYS_FILE="$work/keys.txt" wrk -t 1 -c 16 -d "${secs}s" --latency -s "$root/bench/scale.lua" \
        "http://127.0.0.1:$((18600 + i))" > "$work/run-$i.txt" &
      drivers+=($!)
    done
    wait "${drivers[@]}"
    cmds_after=$(redis_commands "${ports[@]}"); rticks_after=$(redis_ticks "${ports[@]}")
    busy_after=$(redis_busy_us "${ports[@]}")
    aticks_after=$(ticks_of "${instances[@]}"); rows_after=$(psql_value "SELECT count(*) FROM $schema.monetize_usage")
    total=0; ok=0; p99=0
    statuses=$(cat "$work"/run-*.txt | awk '/^status/ {s[$2] += $3} END {for (k in s) printf "%s:%s,", k, s[k]}')
    for i in $(seq 1 "$n"); do
      total=$((total + $(awk '/^status/ {s += $3} END {print s + 0}' "$work/run-$i.txt")))
      ok=$((ok + $(sed -n 's/^status 200 //p' "$work/run-$i.txt" || echo 0)))
      p99=$(awk -v a="$p99" '/^p99_ms/ {print ($2 > a ? $2 : a)}' "$work/run-$i.txt")
    done
    # stop the instances gracefully: their journals deliver the last usage to the ledger
    for p in "${instances[@]}"; do kill "$p"; done
    for p in "${instances[@]}"; do wait "$p" 2>/dev/null || true; done
    answered=$((answered + ok + warm)); runs=$((runs + 2 * n))
    # every admitted call, whatever it answered (a call wrk gave up on at its end was still admitted)
    ledger=$(psql_value "SELECT coalesce(sum(calls), 0) FROM $schema.monetize_usage WHERE operation_id = 'stats.summary'")
    # what Redis charged: each customer's daily quota count (a field of the customer's hash)
    charged=0
    cli=(redis-cli -p "${ports[0]}"); [ "$backend" = cluster ] && cli+=(-c)
    while read -r id _; do
      v=$("${cli[@]}" hget "monetize:{$id}#limits" "$("${cli[@]}" hkeys "monetize:{$id}#limits" | grep -v ':2$' | grep -v -i rate | head -1)" | tr -d '\r')
      charged=$((charged + ${v:-0}))
    done < "$work/customers.txt"
    tck=$(getconf CLK_TCK)
    python3 - "$backend" "$n" "$secs" "$total" "$ok" "$warm" "$cmds_before" "$cmds_after" "$rticks_before" "$rticks_after" \
      "$aticks_before" "$aticks_after" "$rows_before" "$rows_after" "$ledger" "$charged" "$tck" "$p99" "$customers" \
      "$first" "$busy_before" "$busy_after" "$answered" "$runs" "$statuses" >> "$out/scale.json" <<'EOF'
import json, sys
(b, n, secs, total, ok, warm, cb, ca, rb, ra, ab, aa, lb, la, ledger, charged, tck, p99, customers, first, bb, ba,
 answered, runs, statuses) = sys.argv[1:]
answered, in_flight = int(answered), 16 * int(runs)  # wrk stops with at most 16 calls in flight per run
n, secs, total, ok, warm, tck = int(n), int(secs), int(total), int(ok), int(warm), int(tck)
per = lambda x: round(x, 3) if total else None
us = 1e6 / tck
row = {"backend": b, "instances": n, "customers": int(customers), "seconds": secs, "requests": total, "admitted": ok,
       "admitted_per_s": round(ok / secs), "p99_ms_worst_instance": float(p99),
       "statuses": {k: int(v) for k, v in (x.split(":") for x in statuses.split(",") if x)},
       "redis_commands_per_request": per((int(ca) - int(cb)) / total),
       "redis_cpu_us_per_request": per((int(ra) - int(rb)) * us / total),
       "redis_busy_us_per_request": per((int(ba) - int(bb)) / total),
       "instance_cpu_us_per_request": per((int(aa) - int(ab)) * us / total),
       "ledger_rows_per_s": round((int(la) - int(lb)) / secs),
       "exact": {"answered_200_so_far": answered, "in_ledger": int(ledger), "charged_in_redis": int(charged),
                 "ledger_equals_redis": int(ledger) == int(charged),
                 "answered_within_in_flight": answered <= int(ledger) <= answered + in_flight}}
print(("" if first == "1" else ",") + json.dumps(row))
EOF
    first=0
    echo "scale: $backend x $n done" >&2
  done
  psql_value "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
done
echo "]" >> "$out/scale.json"
python3 "$root/bench/scale_report.py" "$out" "$root/docs/scaling.md"
cat "$out/scale.json"
