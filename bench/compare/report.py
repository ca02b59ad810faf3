"""Turns the files bench/compare.sh collected into the markdown report (stdout).

Usage: report.py WORKDIR. WORKDIR holds notes.txt (one header line each), train-rounds (the number
of training rounds R) and per run NAME (a trainer and its round, e.g. torch-2p-1):
NAME.json (the trainer's JSON: `dlmc train --json`, or the Python trainers' one line),
NAME.time (`/usr/bin/time -v`), NAME.failed (when it failed); gemm-rounds (the number of GEMM
rounds R), gemm-T-R.json (gemm_numpy.py) and dlm-gemm-T-R.json (dlm.bench.GemmFigures) for T
threads in round R, dlm-gemm.missing when the benchmark jar could not be built, dlm-jmh.json
(JMH, with --jmh), and blas-plan.json (blas_core.py's decision on OpenBLAS's kernel, with the CPU).
The Python runs' JSON names the OpenBLAS kernels they ran (openblas_cores), GemmFigures' the JVM's
vector width (vector_bits) and DLM's register tile (tile).
"""
import json
import os
import re
import statistics
import sys

ALL_TRAINERS = [("dlm", "DLM", "all (2)"), ("torch-1", "PyTorch", "1"), ("torch-2", "PyTorch", "2"),
                ("torch-2p", "PyTorch, OMP_WAIT_POLICY=PASSIVE", "2"), ("numpy-1", "NumPy by hand", "1")]
# The model compare.sh trained (its file `model`; mlp when absent): title, batch, and which trainers ran.
MODELS = {
    "mlp": dict(title="the chapter's MNIST model (784-512 relu-10 softmax)", batch=128, trainers=None),
    "convnet": dict(title="the book's MNIST convnet (3 convolutions 3x3, 2 max poolings, dense 10; 104,202 params)",
                    batch=64, trainers={"dlm", "torch-1", "torch-2", "torch-2p"}),
}
TRAINERS = ALL_TRAINERS


def model_of(work):
    """The MODELS entry of the run in WORK, and sets TRAINERS to the trainers it ran."""
    global TRAINERS
    path = os.path.join(work, "model")
    name = open(path).read().strip() if os.path.exists(path) else "mlp"
    if name not in MODELS:
        raise SystemExit(f"report.py: unknown model '{name}' in {path}")
    model = MODELS[name]
    TRAINERS = [t for t in ALL_TRAINERS if model["trainers"] is None or t[0] in model["trainers"]]
    return model


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


def trainer_rounds(work):
    """{trainer name: [its runs' JSON, in round order]} (failed rounds left out)."""
    path = os.path.join(work, "train-rounds")
    rounds = int(open(path).read()) if os.path.exists(path) else 1
    return {name: [run for r in range(1, rounds + 1) if (run := load(work, f"{name}-{r}.json"))]
            for name, _, _ in TRAINERS}, rounds


def best_round(runs):
    """The run with the fewest seconds per epoch, or None."""
    return min(runs, key=sec_per_epoch) if runs else None


def blas_plan(work):
    """blas_core.py's decision (a dict), or None when compare.sh could not make it."""
    return load(work, "blas-plan.json")


def dlm_vectors(work):
    """(vector bits, tile) from the first GemmFigures JSON that has them, else (None, None)."""
    for runs in gemm_runs(work, "dlm-gemm").values():
        for run in runs:
            if "vector_bits" in run:
                return run["vector_bits"], run.get("tile")
    return None, None


def kernels_cell(runs, expected):
    """The OpenBLAS kernels the Python runs reported (openblas_get_corename after their imports),
    e.g. 'OpenBLAS SkylakeX'; flagged when one is not the kernel compare.sh chose."""
    seen = []
    for run in runs:
        cores = run.get("openblas_cores")
        if cores:
            got = "OpenBLAS " + " + ".join(cores)
        elif cores is None:  # a run that did not ask OpenBLAS
            got = run.get("blas", "?")
        else:
            got = f"no OpenBLAS: {run.get('blas', '?')}"
        if got not in seen:
            seen.append(got)
    if not seen:
        return "—"
    cell = " / ".join(seen)
    if expected and any(got != f"OpenBLAS {expected}" for got in seen):
        cell += f" (not the chosen {expected})"
    return cell


def dlm_kernel_cell(work):
    bits, _ = dlm_vectors(work)
    return f"DLM, {bits}-bit vectors" if bits else "DLM (Vector API)"


def machine_lines(work):
    """The report's lines on the CPU, the JVM's vector width and OpenBLAS's kernel."""
    plan = blas_plan(work)
    bits, tile = dlm_vectors(work)
    yes = {True: "yes", False: "no", None: "?"}
    jvm = (f"the JVM's preferred vector (FloatVector.SPECIES_PREFERRED): {bits} bits, DLM's GEMM register tile {tile}"
           if bits else "the JVM's vector width: ? (no GemmFigures figures)")
    if plan is None:
        return [f"CPU: ? (the OpenBLAS kernel decision, blas_core.py, failed); {jvm}",
                "OpenBLAS kernel: OpenBLAS's own choice, not checked beforehand (see the kernels column of each run)"]
    cpu = f"CPU: {plan['cpu_model']} (/proc/cpuinfo), avx2: {yes[plan.get('avx2')]}, avx512f: {yes[plan.get('avx512f')]}; {jvm}"
    how = f"forced with OPENBLAS_CORETYPE={plan['forced']}" if plan.get("forced") else "OpenBLAS's own choice, OPENBLAS_CORETYPE unset"
    return [cpu, f"OpenBLAS kernel: {plan.get('expected') or '?'} ({how}): {plan['reason']}"]


def training_table(work):
    all_runs, rounds = trainer_rounds(work)
    best = {name: best_round(runs) for name, runs in all_runs.items()}
    dlm = sec_per_epoch(best["dlm"]) if best["dlm"] else None
    expected = (blas_plan(work) or {}).get("expected")
    rows = ["| trainer | threads | kernels | s/epoch | every round | epochs | train acc | test acc | test loss | peak RSS MiB | DLM ÷ this |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, label, threads in TRAINERS:
        run = best[name]
        kernels = dlm_kernel_cell(work) if name == "dlm" else kernels_cell(all_runs[name], expected)
        if run is None:
            rows.append(f"| {label} | {threads} | {kernels} | failed (see above) | | | | | | | |")
            continue
        s = sec_per_epoch(run)
        last = run["epochs"][-1]
        every = " / ".join(f"{sec_per_epoch(x):.2f}" for x in all_runs[name])
        rss = [v for r in range(1, rounds + 1) if (v := peak_rss_mib(work, f"{name}-{r}")) is not None]
        rows.append(f"| {label} | {threads} | {kernels} | {s:.2f} | {every} | {len(run['epochs'])} | {last['accuracy']:.4f} | "
                    f"{run['test_acc']:.4f} | {run['test_loss']:.4f} | {fmt(max(rss) if rss else None, '.0f')} | "
                    f"{ratio(dlm, s) if name != 'dlm' else '1.00'} |")
    return rows, all_runs


def wall_seconds(work, name):
    """The whole process's wall time from `/usr/bin/time -v` (h:mm:ss or m:ss.ss), or None."""
    path = os.path.join(work, name + ".time")
    if not os.path.exists(path):
        return None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", open(path).read())
    if not m:
        return None
    seconds = 0.0
    for part in m.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def whole_run_table(work, all_runs, rounds):
    """Per trainer: the first epoch against a steady one (in the best round), and the wall time of
    the whole command (start-up, every epoch, evaluation), the fastest round, compared with DLM's."""
    walls = {name: [w for r in range(1, rounds + 1) if (w := wall_seconds(work, f"{name}-{r}")) is not None]
             for name, _, _ in TRAINERS}
    best_wall = {name: min(w) if w else None for name, w in walls.items()}
    rows = ["| trainer | threads | first epoch s | first ÷ steady | whole command s | every round | DLM ÷ this (whole) |",
            "|---|---|---|---|---|---|---|"]
    for name, label, threads in TRAINERS:
        run = best_round(all_runs[name])
        first = run["epochs"][0]["seconds"] if run and run.get("epochs") else None
        steady = sec_per_epoch(run) if run and len(run.get("epochs", [])) > 1 else None
        every = " / ".join(f"{w:.1f}" for w in walls[name]) or "—"
        rows.append(f"| {label} | {threads} | {fmt(first, '.2f')} | {fmt(first / steady if first and steady else None, '.2f')} | "
                    f"{fmt(best_wall[name], '.1f')} | {every} | "
                    f"{'1.00' if name == 'dlm' else ratio(best_wall['dlm'], best_wall[name])} |")
    return rows


def inference_table(all_runs):
    def secs(run):
        # DLM: its warm forward pass (predict_seconds, after one warm-up pass), like the Python
        # figures; older dlmc only reported eval_seconds (cold, loss included).
        return run.get("predict_seconds", run.get("eval_seconds"))

    best = {name: min((s for run in runs if (s := secs(run)) is not None), default=None) for name, runs in all_runs.items()}
    dlm = best["dlm"]
    rows = ["| trainer | threads | seconds | every round | images/s | DLM ÷ this |", "|---|---|---|---|---|---|"]
    for name, label, threads in TRAINERS:
        s = best[name]
        if s is None:
            why = "failed" if not all_runs[name] else "not reported"
            rows.append(f"| {label} | {threads} | {why} | | | |")
            continue
        every = " / ".join(f"{secs(x):.3f}" for x in all_runs[name] if secs(x) is not None)
        rows.append(f"| {label} | {threads} | {fmt(s, '.3f')} | {every} | {fmt(s and 10000 / s, ',.0f')} | "
                    f"{'1.00' if name == 'dlm' else ratio(dlm, s)} |")
    return rows


def gemm_runs(work, prefix):
    """{threads: [round's JSON, …]} of gemm_numpy.py (prefix 'gemm') or GemmFigures ('dlm-gemm')."""
    path = os.path.join(work, "gemm-rounds")
    rounds = int(open(path).read()) if os.path.exists(path) else 0
    return {t: [run for r in range(1, rounds + 1) if (run := load(work, f"{prefix}-{t}-{r}.json"))] for t in (1, 2)}


def gemm_rounds(work, prefix):
    """{threads: [round's results list, …]}: gemm_runs' results."""
    return {t: [run["results"] for run in runs] for t, runs in gemm_runs(work, prefix).items()}


def best_and_spread(rounds, i):
    """The best GFLOP/s of shape i over the rounds, and 'min–max' of them."""
    values = [results[i]["gflops"] for results in rounds]
    if not values:
        return None, "—"
    return max(values), f"{min(values):.0f}–{max(values):.0f}" if len(values) > 1 else f"{values[0]:.0f}"


def side_by_side(work):
    """DLM and NumPy GFLOP/s per product and thread count: each side's best round, and their ratio."""
    numpy, dlm = gemm_rounds(work, "gemm"), gemm_rounds(work, "dlm-gemm")
    shapes = next((rounds[0] for rounds in (numpy[1], numpy[2], dlm[1], dlm[2]) if rounds), None)
    if shapes is None:
        return ["GEMM: no measurement succeeded (see above)"]
    runs = gemm_runs(work, "gemm")
    kernels = kernels_cell(runs[1] + runs[2], (blas_plan(work) or {}).get("expected"))
    best = ["| product (m·k·n) | DLM 1 thr | NumPy 1 thr | DLM ÷ NumPy | DLM 2 thr | NumPy 2 thr | DLM ÷ NumPy | NumPy's kernels |",
            "|---|---|---|---|---|---|---|---|"]
    spread = ["| product (m·k·n) | DLM 1 thr | NumPy 1 thr | DLM 2 thr | NumPy 2 thr |", "|---|---|---|---|---|"]
    for i, r in enumerate(shapes):
        cells, ranges = [], []
        for t in (1, 2):
            d, dr = best_and_spread(dlm[t], i)
            n, nr = best_and_spread(numpy[t], i)
            cells += [fmt(d, ".1f"), fmt(n, ".1f"), ratio(d, n)]
            ranges += [dr, nr]
        best.append(f"| {r['shape']} | " + " | ".join(cells) + f" | {kernels} |")
        spread.append(f"| {r['shape']} | " + " | ".join(ranges) + " |")
    best += peak_fractions(gemm_runs(work, "dlm-gemm"), numpy, dlm, shapes)
    if os.path.exists(os.path.join(work, "dlm-gemm.missing")):
        best.append("")
        best.append("DLM: the benchmark jar (bench/) could not be built; see above.")
    return best + ["", "Every round, GFLOP/s (min–max):", ""] + spread


def peak_fractions(dlm_runs, numpy, dlm, shapes):
    """Each side's best GFLOP/s as a share of the FMA peak that GemmFigures measured on as many
    threads (its best round; no table of CPU models needed), or nothing without a measured peak."""
    peaks = {t: max((run["fma_peak_gflops"] for run in dlm_runs[t] if run.get("fma_peak_gflops")), default=None)
             for t in (1, 2)}
    if not any(peaks.values()):
        return []
    measured = ", ".join(f"{fmt(peaks[t], '.0f')} GFLOP/s on {t} thread{'s' if t > 1 else ''}" for t in (1, 2))
    rows = ["", f"Share of the FMA peak (an FMA loop in DLM's JVM: {measured}):", "",
            "| product (m·k·n) | DLM 1 thr | NumPy 1 thr | DLM 2 thr | NumPy 2 thr |", "|---|---|---|---|---|"]
    for i, r in enumerate(shapes):
        cells = []
        for t in (1, 2):
            for side in (dlm, numpy):
                g = best_and_spread(side[t], i)[0]
                cells.append(f"{100 * g / peaks[t]:.0f}%" if g and peaks[t] else "—")
        rows.append(f"| {r['shape']} | " + " | ".join(cells) + " |")
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


def dlm_jmh(work):
    path = os.path.join(work, "dlm-jmh.json")
    if not os.path.exists(path):
        return []
    rows = ["| DLM benchmark (JMH) | params | score | GFLOP/s |", "|---|---|---|---|"]
    for e in json.load(open(path)):
        pm = e["primaryMetric"]
        params = ", ".join(f"{k}={v}" for k, v in (e.get("params") or {}).items())
        rows.append(f"| {e['benchmark'].rsplit('.', 1)[-1]} | {params} | "
                    f"{pm['score']:.4g} ± {pm.get('scoreError', float('nan')):.2g} {pm['scoreUnit']} | {fmt(jmh_gflops(e), '.1f')} |")
    return rows


def main():
    work = sys.argv[1]
    model = model_of(work)
    sides = "DLM vs PyTorch vs NumPy" if any(name == "numpy-1" for name, _, _ in TRAINERS) else "DLM vs PyTorch"
    out = [f"# {sides}: {model['title']}", ""]
    out += [f"- {line}" for line in open(os.path.join(work, "notes.txt")).read().splitlines() if line]
    out += [f"- {line}" for line in machine_lines(work)]
    blas = sorted({run["blas"] for name in ("gemm-1-1", "gemm-2-1", "numpy-1-1", "torch-1-1", "torch-2-1", "torch-2p-1")
                   if (run := load(work, name + ".json")) and "blas" in run})
    out.append(f"- BLAS the Python runs loaded (kernels as OpenBLAS reports them): {'; '.join(blas) or '?'}")
    train, runs = training_table(work)
    out += ["", "## Training", "",
            "s/epoch: median of the epochs after the first (of all when only one), in the trainer's best round "
            "(every round listed); train acc: the last epoch's; "
            "peak RSS: `/usr/bin/time -v` maximum resident set size of the whole process (DLM: the JVM), the largest of the rounds; "
            "DLM ÷ this < 1 means DLM is faster.", ""] + train
    out += ["", "## First epoch and the whole command", "",
            "First epoch: its seconds in the trainer's best round, and its ratio to that round's steady epochs; "
            "whole command: `/usr/bin/time -v` wall time of the whole process (start-up, every epoch, the test "
            "evaluation and the timed inference passes), the fastest round.", ""]
    out += whole_run_table(work, runs, int(open(os.path.join(work, "train-rounds")).read())
                           if os.path.exists(os.path.join(work, "train-rounds")) else 1)
    out += ["", f"## Inference: forward pass over the 10,000 test images (batches of {model['batch']}, softmax included)", "",
            "Median of 5 passes after a warm-up pass, the best round: Python with softmax, no loss; DLM: `predict_seconds` "
            "from its JSON (its predict step: the forward pass with softmax; `eval_seconds`, cold and with the loss, "
            "when dlmc is older).", ""]
    out += inference_table(runs)
    rounds = open(os.path.join(work, "gemm-rounds")).read().strip() if os.path.exists(os.path.join(work, "gemm-rounds")) else "?"
    if rounds == "0":
        out += ["", "(No matrix-product measurements: --gemm-rounds 0.)"]
        print("\n".join(out))
        return
    out += ["", "## Matrix products, fp32 GFLOP/s: DLM and NumPy/OpenBLAS side by side", "",
            "Both measured the same way (bench/compare/gemm_numpy.py, dlm.bench.GemmFigures): the same shapes and "
            "layouts, the median of 7 samples after a warm-up; "
            f"{rounds} alternating rounds of (NumPy, DLM) per thread count, each side's best round shown. "
            "DLM ÷ NumPy ≥ 1 means DLM is faster; same thread count on both sides.", ""] + side_by_side(work)
    jmh = dlm_jmh(work)
    if jmh:
        out += ["", "DLM's JMH GemmBench (mean of its iterations), as measured:", ""] + jmh
    print("\n".join(out))


if __name__ == "__main__":
    main()
