"""Rewrites the measured sections of docs/scaling.md from bench/results: scale.json (bench/scale.sh),
ledger.json (LedgerLoad) and jmh-hot-customer.json (HotCustomerBenchmark). A section whose results
are missing is left as it is. Usage: scale_report.py RESULTS_DIR DOC"""
import json
import os
import re
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def scale_table(rows):
    out = ["| Redis | instances | admitted/s | other answers | p99 ms (worst instance) | Redis commands / request | Redis busy us / request "
           "| Redis CPU us / request | instance CPU us / request | ledger rows/s | ledger = Redis charges "
           "| answered 200 <= ledger <= answered + in flight |",
           "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        e = r["exact"]
        others = ", ".join(f"{v:,} x {k}" for k, v in sorted(r.get("statuses", {}).items()) if k != "200") or "none"
        out.append(f"| {r['backend']} | {r['instances']} | {r['admitted_per_s']:,} | {others} | {r['p99_ms_worst_instance']:.1f} "
                   f"| {r['redis_commands_per_request']:.2f} | {r['redis_busy_us_per_request']:.1f} "
                   f"| {r['redis_cpu_us_per_request']:.1f} | {r['instance_cpu_us_per_request']:.0f} "
                   f"| {r['ledger_rows_per_s']:,} | {'yes' if e['ledger_equals_redis'] else 'NO'} "
                   f"({e['in_ledger']:,} = {e['charged_in_redis']:,}) "
                   f"| {'yes' if e['answered_within_in_flight'] else 'NO'} ({e['answered_200_so_far']:,}) |")
    return "\n".join(out)


def ledger_section(l):
    w = l["accept_rows_per_s_by_writers"]
    out = ["| writers (batches of 500, `accept`) | rows/s |", "| ---: | ---: |"]
    for k, v in w.items():
        out.append(f"| {k} | {v:,} |")
    out += ["", f"Then {l['bulk_rows']:,} rows over twelve months and 10,000 customers "
                f"({l['table_size_mib']:,} MiB with indexes, {l['bytes_per_row']} bytes per row), `ANALYZE`d:", "",
            "| query | partitions read | index | execution ms |", "| --- | --- | --- | ---: |"]
    for name, p in l["plans"].items():
        parts = ", ".join(p["partitions_read"]) or "-"
        out.append(f"| {name.replace('_', ' ')} | {parts} | {'yes' if p['uses_index'] else 'no'} | {p['execution_ms']} |")
    out += ["", f"`totals()` of one customer for a month: {l['ledger_totals_ms']} ms; `daily()` for a month: "
                f"{l['ledger_daily_ms']} ms. Compacting the {l['compacted_months']} oldest months took "
                f"{l['compaction_seconds']} s and left "
                f"{l['rollup_rows_after_compaction']:,} quarter-hour rows; a compacted month's totals unchanged: "
                f"{'yes' if l['compacted_month_totals_unchanged'] else 'NO'}.", "",
            "The plan of the first query:", "", "```text", l["plans"]["totals_of_a_customer_for_a_month"]["plan"].rstrip(),
            "```"]
    return "\n".join(out)


def hot_section(results):
    out = ["| mode | calls/s (8 threads, one customer) | error |", "| --- | ---: | ---: |"]
    for r in results:
        m = r["primaryMetric"]
        out.append(f"| {r['params']['mode']} | {m['score']:,.0f} | {m['scoreError']:,.0f} |")
    return "\n".join(out)


def replace(doc, name, body):
    pattern = re.compile(r"(<!-- %s:begin -->\n).*?(\n<!-- %s:end -->)" % (name, name), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"docs/scaling.md has no {name} markers")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), doc)


def main():
    results, doc_path = sys.argv[1], sys.argv[2]
    with open(doc_path) as f:
        doc = f.read()
    scale = load(os.path.join(results, "scale.json"))
    if scale:
        doc = replace(doc, "scale", scale_table(scale))
    ledger = load(os.path.join(results, "ledger.json"))
    if ledger:
        doc = replace(doc, "ledger", ledger_section(ledger))
    hot = load(os.path.join(results, "jmh-hot-customer.json"))
    if hot:
        doc = replace(doc, "hot", hot_section(hot))
    with open(doc_path, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
