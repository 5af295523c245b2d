"""The performance targets, each computed from the results of one run: met or missed, and by how much.

Used by report.py; the reasons behind a miss stay in the prose of docs/benchmarks.md.
"""
import os
import re

import report

PEERS = ("bucket4j", "guava", "resilience4j")


def _score(entries, contender):
    for e in entries:
        if e["params"].get("contender") == contender:
            return e["primaryMetric"]["score"], report.secondary(e, "gc.alloc.rate.norm")
    return None, None


def _limiter(t1, t2):
    out = []
    rows1 = report.rows(t1, "LimiterBenchmark.tryAcquire")
    rows2 = report.rows(t2, "LimiterBenchmark.tryAcquire")
    ours, ours_alloc = _score(rows1, "monetize")
    peers = [(p, _score(rows1, p)[0]) for p in PEERS if _score(rows1, p)[0]]
    if ours and peers:
        name, best = min(peers, key=lambda p: p[1])
        ratio = ours / best
        b = ours_alloc["score"] if ours_alloc else float("nan")
        met = ratio <= 0.8 and b < 0.5
        out.append(("one limit check, one shared key, 1 thread: at most 0.8x the fastest peer, 0 B/op",
                    f"{ours:.1f} ns, {b:.0f} B/op; fastest peer {name} {best:.1f} ns: {ratio:.2f}x",
                    "met" if met else f"**missed** ({ratio:.2f}x)"))
    ours2, _ = _score(rows2, "monetize")
    peers2 = [(p, _score(rows2, p)[0]) for p in PEERS if _score(rows2, p)[0]]
    if ours2 and peers2:
        name, best = min(peers2, key=lambda p: p[1])
        out.append(("same, 2 threads: at most the fastest peer",
                    f"{ours2:.1f} ns; fastest peer {name} {best:.1f} ns",
                    "met" if ours2 <= best else f"**missed** (+{ours2 - best:.1f} ns)"))
    return out


def _hotpath(hotpath):
    for e in report.rows(hotpath, "HotPathBenchmark.admitAndComplete"):
        ns = e["primaryMetric"]["score"]
        a = report.secondary(e, "gc.alloc.rate.norm")
        b = a["score"] if a else float("nan")
        misses = []
        if ns > 500:
            misses.append(f"time by {ns - 500:.0f} ns")
        if b > 128:
            misses.append(f"allocation by {b - 128:.0f} B")
        return [("in-memory hot path (cached key, 2 limits, meter, audit): at most 500 ns and 128 B/op",
                 f"{ns:.0f} ns, {b:.0f} B/op", "met" if not misses else "**missed**: " + ", ".join(misses))]
    return []


def _http(results):
    ratio = report.round_ratio(results, "filtered", "bare")
    if ratio is None:
        return []
    return [("servlet filter: throughput at most 10% below bare Jetty (median of rounds)",
             f"{ratio:.1%} of bare Jetty (median of the rounds' ratios)", "met" if ratio >= 0.9 else f"**missed** by {(0.9 - ratio) * 100:.1f} points")]


def _redis(data, trips):
    out = []
    by = {(e["params"]["contender"], e["params"]["keys"]): e["primaryMetric"]["score"] for e in data or []}
    ratios = {k: by[("monetize", k)] / by[("incr", k)] for k in ("hot", "spread")
              if ("monetize", k) in by and ("incr", k) in by}
    if ratios:
        evalsha = (trips or {}).get("evalsha_per_request")
        one = f"{evalsha:.3f} `EVALSHA` per request; " if isinstance(evalsha, (int, float)) else ""
        worst = min(ratios.values())
        out.append(("Redis: one `EVALSHA` per request, at least 60% of plain `INCR`",
                    one + ", ".join(f"{k}: {v:.0%} of `INCR`" for k, v in sorted(ratios.items())),
                    "met" if worst >= 0.6 else f"**missed** (worst by {(0.6 - worst) * 100:.0f} points)"))
    return out


def _examples(results):
    rps = {}
    for example in ("servlet", "jaxrs"):
        r = report.parse_wrk(os.path.join(results, f"example-{example}.txt"))
        if r:
            rps[example] = r["rps"]
    if len(rps) < 2:
        return []
    ratio = rps["jaxrs"] / rps["servlet"]
    return [("JAX-RS example under `wrk -t2 -c16`: the same order as the servlet example",
             f"{rps['jaxrs']:,.0f} against {rps['servlet']:,.0f} requests/s ({ratio:.0%})",
             "met" if ratio >= 0.1 else "**missed**")]


def _load(results):
    path = os.path.join(results, "load.txt")
    r = report.parse_wrk(path)
    if not r:
        return []
    text = open(path).read()
    value = lambda name: int(re.search(rf"^{name} (\d+)", text, re.M).group(1))
    errors, before, after = value("socket_errors"), value("heap_before_kib"), value("heap_after_kib")
    flat = after <= before * 1.5 + 4096
    return [("load run, 64 connections, admitted, 429 and 401 mixed: no errors, heap flat",
             f"{errors} socket errors, p50 {r['pct'].get(50, 0):.1f} ms, p99 {r['pct'].get(99, 0):.1f} ms, heap after GC "
             f"{before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after",
             "met" if errors == 0 and flat else "**missed**")]


def table(results, t1, t2, hotpath):
    rows = (_limiter(t1, t2) + _hotpath(hotpath) + _http(results)
            + _redis(report.load(results, "jmh-extra-redis.json"), report.load(results, "redis-roundtrips.json"))
            + _examples(results) + _load(results))
    out = ["| target | this run | status |", "| --- | --- | --- |"]
    out += [f"| {t} | {r} | {s} |" for t, r, s in rows]
    return out
