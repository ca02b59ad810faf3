"""Turns the files bench/compare.sh collected into the markdown report (stdout).

Usage: report.py WORKDIR. WORKDIR holds notes.txt (one header line each), and per run NAME:
NAME.json (the trainer's JSON: `dlmc train --json`, or the Python trainers' one line),
NAME.time (`/usr/bin/time -v`), NAME.failed (when it failed); gemm-1.json, gemm-2.json
(gemm_numpy.py) and dlm-gemm.json (JMH, when the benchmark jar was run).
"""
import json
import os
import re
import statistics
import sys

TRAINERS = [("dlm", "DLM", "all (2)"), ("torch-1", "PyTorch", "1"), ("torch-2", "PyTorch", "2"),
            ("torch-2p", "PyTorch, OMP_WAIT_POLICY=PASSIVE", "2"), ("numpy-1", "NumPy by hand", "1")]


def load(work, name):
    path = os.path.join(work, name)
    if not os.path.exists(path) or os.path.exists(os.path.join(work, name.removesuffix(".json") + ".failed")):
        return None
    with open(path) as f:
        return json.load(f)


def peak_rss_mib(work, name):
    path = os.path.join(work, name + ".time")
    if not os.path.exists(path):
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())
    return int(m.group(1)) / 1024 if m else None


def sec_per_epoch(run):
    secs = [e["seconds"] for e in run["epochs"]]
    return statistics.median(secs[1:] if len(secs) > 1 else secs)


def fmt(x, spec):
    return "—" if x is None else format(x, spec)


def ratio(dlm, other):
    return "—" if dlm is None or not other else f"{dlm / other:.2f}"


def training_table(work):
    runs = {name: load(work, name + ".json") for name, _, _ in TRAINERS}
    dlm = sec_per_epoch(runs["dlm"]) if runs["dlm"] else None
    rows = ["| trainer | threads | s/epoch | epochs | train acc | test acc | test loss | peak RSS MiB | DLM ÷ this |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, label, threads in TRAINERS:
        run = runs[name]
        if run is None:
            rows.append(f"| {label} | {threads} | failed (see above) | | | | | | |")
            continue
        s = sec_per_epoch(run)
        last = run["epochs"][-1]
        rows.append(f"| {label} | {threads} | {s:.2f} | {len(run['epochs'])} | {last['accuracy']:.4f} | "
                    f"{run['test_acc']:.4f} | {run['test_loss']:.4f} | {fmt(peak_rss_mib(work, name), '.0f')} | "
                    f"{ratio(dlm, s) if name != 'dlm' else '1.00'} |")
    return rows, runs


def inference_table(runs):
    def secs(name):
        run = runs[name]
        if run is None:
            return None
        # DLM: its warm forward pass (predict_seconds, after one warm-up pass), like the Python
        # figures; older dlmc only reported eval_seconds (cold, loss included).
        return run.get("predict_seconds", run.get("eval_seconds"))

    dlm = secs("dlm")
    rows = ["| trainer | threads | seconds | images/s | DLM ÷ this |", "|---|---|---|---|---|"]
    for name, label, threads in TRAINERS:
        s = secs(name)
        if name == "dlm" and s is None:
            why = "failed" if runs["dlm"] is None else "not reported yet (no `eval_seconds` in dlmc's JSON)"
            rows.append(f"| {label} | {threads} | {why} | | |")
            continue
        rows.append(f"| {label} | {threads} | {fmt(s, '.3f')} | {fmt(s and 10000 / s, ',.0f')} | "
                    f"{'1.00' if name == 'dlm' else ratio(dlm, s)} |")
    return rows


def gemm_table(work):
    g = {t: load(work, f"gemm-{t}.json") for t in (1, 2)}
    if not g[1] and not g[2]:
        return ["NumPy GEMM: failed (see above)"]
    shapes = (g[1] or g[2])["results"]
    rows = ["| product (m·k·n) | NumPy 1 thr GFLOP/s | NumPy 2 thr GFLOP/s |", "|---|---|---|"]
    for i, r in enumerate(shapes):
        cells = [fmt(g[t]["results"][i]["gflops"], ".1f") if g[t] else "—" for t in (1, 2)]
        rows.append(f"| {r['shape']} | {cells[0]} | {cells[1]} |")
    return rows


UNITS = {"ops/s": 1, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}


def jmh_gflops(entry):
    """GFLOP/s of one JMH result: a secondary metric named like *flop*, else 2mkn x throughput."""
    for key, metric in entry.get("secondaryMetrics", {}).items():
        if "flop" in key.lower():
            return metric["score"]
    # dlm.bench.GemmBench declares its FLOPs in thousands per invocation (@OperationsPerInvocation),
    # so its throughput in ops/us is already GFLOP/s.
    if entry.get("benchmark", "").startswith("dlm.bench.GemmBench") and entry["primaryMetric"]["scoreUnit"] == "ops/us":
        return entry["primaryMetric"]["score"]
    params = {k.lower(): v for k, v in (entry.get("params") or {}).items()}
    dims = [params.get(k) for k in ("m", "k", "n")]
    if not all(dims):
        shape = next((v for v in params.values() if re.fullmatch(r"\d+x\d+x\d+", str(v))), None)
        dims = shape.split("x") if shape else None
    if not dims:
        return None
    flops = 2 * int(dims[0]) * int(dims[1]) * int(dims[2])
    pm = entry["primaryMetric"]
    unit, score = pm["scoreUnit"], pm["score"]
    if unit in UNITS:
        return flops * score * UNITS[unit] / 1e9
    if unit.endswith("/op") and unit[:-3] in ("s", "ms", "us", "ns"):
        per = {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit[:-3]]
        return flops / (score * per) / 1e9
    return None


def dlm_gemm(work):
    path = os.path.join(work, "dlm-gemm.json")
    if os.path.exists(os.path.join(work, "dlm-gemm.missing")):
        return ["DLM GEMM: run the JMH module (bench/) — not built"]
    if not os.path.exists(path):
        return ["DLM GEMM: the JMH run failed (see above)"]
    rows = ["| DLM benchmark (JMH) | params | score | GFLOP/s |", "|---|---|---|---|"]
    for e in json.load(open(path)):
        pm = e["primaryMetric"]
        params = ", ".join(f"{k}={v}" for k, v in (e.get("params") or {}).items())
        rows.append(f"| {e['benchmark'].rsplit('.', 1)[-1]} | {params} | "
                    f"{pm['score']:.4g} ± {pm.get('scoreError', float('nan')):.2g} {pm['scoreUnit']} | {fmt(jmh_gflops(e), '.1f')} |")
    return rows


# GemmBench's benchmarks and the NumPy shapes (m, k, n) they time, in gemm_numpy.py's order.
GEMM_BENCH = {(128, 784, 512): "fwd1", (784, 128, 512): "dW1", (128, 512, 10): "fwd2",
              (128, 10, 512): "dh", (512, 128, 10): "dW2", (1024, 1024, 1024): "sq1024"}


def side_by_side(work):
    """DLM (JMH) and NumPy GFLOP/s per product and thread count, with their ratio."""
    g = {t: load(work, f"gemm-{t}.json") for t in (1, 2)}
    path = os.path.join(work, "dlm-gemm.json")
    if not (g[1] or g[2]) or not os.path.exists(path):
        return []
    dlm = {}
    for e in json.load(open(path)):
        name = e["benchmark"].rsplit(".", 1)[-1]
        threads = int((e.get("params") or {}).get("threads", 0))
        dlm[(name, threads)] = jmh_gflops(e)
    rows = ["| product (m·k·n) | DLM 1 thr | NumPy 1 thr | DLM ÷ NumPy | DLM 2 thr | NumPy 2 thr | DLM ÷ NumPy |",
            "|---|---|---|---|---|---|---|"]
    for i, r in enumerate((g[1] or g[2])["results"]):
        bench = GEMM_BENCH.get((r["m"], r["k"], r["n"]))
        cells = []
        for t in (1, 2):
            d = dlm.get((bench, t))
            n = g[t]["results"][i]["gflops"] if g[t] else None
            cells += [fmt(d, ".1f"), fmt(n, ".1f"), "—" if d is None or not n else f"{d / n:.2f}"]
        rows.append(f"| {r['shape']} | " + " | ".join(cells) + " |")
    return rows


def main():
    work = sys.argv[1]
    out = ["# DLM vs PyTorch vs NumPy: the chapter's MNIST model (784-512 relu-10 softmax)", ""]
    out += [f"- {line}" for line in open(os.path.join(work, "notes.txt")).read().splitlines() if line]
    blas = sorted({run["blas"] for name in ("gemm-1", "gemm-2", "numpy-1", "torch-1", "torch-2", "torch-2p")
                   if (run := load(work, name + ".json")) and "blas" in run})
    out.append(f"- BLAS the Python runs loaded (kernels as OpenBLAS reports them): {'; '.join(blas) or '?'}")
    train, runs = training_table(work)
    out += ["", "## Training", "",
            "s/epoch: median of the epochs after the first (of all when only one); train acc: the last epoch's; "
            "peak RSS: `/usr/bin/time -v` maximum resident set size of the whole process (DLM: the JVM); "
            "DLM ÷ this < 1 means DLM is faster.", ""] + train
    out += ["", "## Inference: forward pass over the 10,000 test images (batches of 128, softmax included)", "",
            "Python: median of 5 passes after a warm-up (softmax, no loss); DLM: `predict_seconds` from its JSON "
            "(one pass after a warm-up pass; `eval_seconds`, cold and with the loss, when dlmc is older).", ""]
    out += inference_table(runs)
    both = side_by_side(work)
    if both:
        out += ["", "## Matrix products, fp32 GFLOP/s: DLM (JMH GemmBench) and NumPy/OpenBLAS side by side", "",
                "DLM ÷ NumPy ≥ 1 means DLM is faster; same thread count on both sides.", ""] + both
    out += ["", "## Matrix products, fp32: NumPy (median of 7 samples after warm-up)", ""] + gemm_table(work)
    out += ["", "DLM's JMH results as measured:", ""] + dlm_gemm(work)
    print("\n".join(out))


if __name__ == "__main__":
    main()
