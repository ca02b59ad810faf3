"""Tests of report.py on a made-up work folder: best rounds, spreads and ratios; the CPU, vector
width and OpenBLAS kernel lines and columns.

Run: python3 -m unittest discover -s bench/compare -p 'test_*.py'
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blas_core  # noqa: E402
import report  # noqa: E402

SHAPES = [("x·W1 (128x784)·(784x512)", 128, 784, 512), ("1024³", 1024, 1024, 1024)]


ZEN3_CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2
"""
XEON_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R)   Processor
flags\t\t: fpu sse sse2 fma avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl
"""


def trainer_json(trainer, seconds, predict, acc=0.97, cores=("Zen",)):
    return dict(trainer=trainer, threads=1, epochs=[dict(epoch=i + 1, loss=0.1, accuracy=acc, seconds=s)
                                                    for i, s in enumerate(seconds)],
                test_loss=0.08, test_acc=acc, predict_seconds=predict,
                blas="openblas-pthread/libblas.so.3 (" + "; ".join(cores) + ")", openblas_cores=list(cores))


def gemm_json(threads, gflops, cores=("Zen",)):
    return dict(threads=threads, blas="openblas-pthread/libblas.so.3", openblas_cores=list(cores),
                results=[dict(shape=label, m=m, k=k, n=n, gflops=g) for (label, m, k, n), g in zip(SHAPES, gflops)])


def dlm_gemm_json(threads, gflops, bits=256, tile="8x16", peak=None):
    run = dict(gemm_json(threads, gflops), blas=f"DLM Gemm (Vector API, {bits}-bit, {tile} tile)", vector_bits=bits,
               tile=tile, openblas_cores=None)
    if peak is not None:
        run["fma_peak_gflops"] = peak
    return run


def fake_probe(auto, forced_results):
    """A blas_core.probe stand-in: `auto` for OpenBLAS's own choice, forced_results[name] when forced."""
    calls = []

    def probe(library, coretype):
        calls.append(coretype)
        if coretype is None:
            return auto, None
        return forced_results.get(coretype, (None, "signal 4"))
    probe.calls = calls
    return probe


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.work = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, obj):
        with open(os.path.join(self.work, name), "w") as f:
            f.write(obj if isinstance(obj, str) else json.dumps(obj))

    def fill(self):
        self.write("notes.txt", "a note\n")
        self.write("train-rounds", "2\n")
        # s/epoch = median of the epochs after the first
        self.write("dlm-1.json", trainer_json("dlm", [3.0, 1.0, 1.2], 0.05))
        self.write("dlm-2.json", trainer_json("dlm", [2.0, 0.8, 0.8], 0.06))
        self.write("torch-2p-1.json", trainer_json("torch", [2.0, 2.0, 2.0], 0.10))
        self.write("torch-2p-2.json", trainer_json("torch", [2.0, 1.6, 1.6], 0.08))
        self.write("torch-1-1.json", trainer_json("torch", [2.0, 2.0, 2.0], 0.10))
        self.write("torch-1-1.time", "\tMaximum resident set size (kbytes): 102400\n")
        self.write("torch-1-2.json", trainer_json("torch", [2.0, 2.0, 2.0], 0.10))
        self.write("torch-1-2.time", "\tMaximum resident set size (kbytes): 204800\n")
        self.write("torch-2-1.failed", "")
        self.write("gemm-rounds", "2\n")
        self.write("gemm-1-1.json", gemm_json(1, [100.0, 90.0]))
        self.write("gemm-1-2.json", gemm_json(1, [120.0, 80.0]))
        self.write("dlm-gemm-1-1.json", dlm_gemm_json(1, [60.0, 95.0]))
        self.write("dlm-gemm-1-2.json", dlm_gemm_json(1, [108.0, 70.0]))
        self.write("gemm-2-1.json", gemm_json(2, [200.0, 180.0]))
        self.write("dlm-gemm-2-2.json", dlm_gemm_json(2, [220.0, 150.0]))
        # A Zen 3 machine, where OpenBLAS recognises the CPU by itself
        self.write("blas-plan.json", blas_core.plan("libopenblas.so.0", ZEN3_CPUINFO, probe=fake_probe("Zen", {})))

    def render(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            sys.argv = ["report.py", self.work]
            report.main()
        return out.getvalue()

    def row(self, text, start):
        return next(line for line in text.splitlines() if line.startswith(start))

    def test_training_takes_each_trainers_best_round_and_lists_all(self):
        self.fill()
        text = self.render()
        dlm = self.row(text, "| DLM |")
        self.assertIn("| 0.80 | 1.10 / 0.80 |", dlm)
        passive = self.row(text, "| PyTorch, OMP_WAIT_POLICY=PASSIVE |")
        self.assertIn("| 1.60 | 2.00 / 1.60 |", passive)
        self.assertTrue(passive.endswith("| 0.50 |"), passive)  # 0.80 / 1.60
        # peak RSS: the largest of the rounds
        self.assertIn("| 200 |", self.row(text, "| PyTorch | 1 |"))
        self.assertIn("failed", self.row(text, "| PyTorch | 2 |"))

    def test_convnet_report_names_the_model_and_only_the_trainers_that_ran(self):
        self.fill()
        self.write("model", "convnet\n")
        self.write("gemm-rounds", "0\n")
        text = self.render()
        self.assertIn("# DLM vs PyTorch: the book's MNIST convnet", text)
        self.assertNotIn("NumPy by hand", text)
        self.assertIn("batches of 64", text)
        self.assertIn("No matrix-product measurements", text)
        # DLM's best steady epoch 0.8 s against PyTorch 1 thread's 2.0 s
        self.assertTrue(self.row(text, "| PyTorch | 1 |").rstrip().endswith("| 0.40 |"))

    def test_mlp_report_is_the_default_and_keeps_numpy(self):
        self.fill()
        text = self.render()
        self.assertIn("# DLM vs PyTorch vs NumPy: the chapter's MNIST model", text)
        self.assertIn("| NumPy by hand | 1 |", text)
        self.assertIn("batches of 128", text)

    def test_unknown_model_is_an_error(self):
        self.fill()
        self.write("model", "resnet\n")
        with self.assertRaises(SystemExit):
            self.render()

    def test_inference_takes_the_fastest_pass(self):
        self.fill()
        text = self.render()
        inference = text[text.index("## Inference"):]
        self.assertIn("| 0.050 | 0.050 / 0.060 |", self.row(inference, "| DLM |"))
        self.assertTrue(self.row(inference, "| PyTorch, OMP_WAIT_POLICY=PASSIVE |").endswith("| 0.62 |"))  # 0.05 / 0.08

    def test_gemm_compares_best_rounds_with_spread(self):
        self.fill()
        text = self.render()
        gemm = text[text.index("## Matrix products"):]
        w1 = self.row(gemm, "| x·W1")
        # 1 thread: DLM best 108 vs NumPy best 120 → 0.90; 2 threads: one round each, 220 / 200 → 1.10
        self.assertEqual(w1, "| x·W1 (128x784)·(784x512) | 108.0 | 120.0 | 0.90 | 220.0 | 200.0 | 1.10 | OpenBLAS Zen |")
        spread = gemm[gemm.index("Every round"):]
        self.assertEqual(self.row(spread, "| x·W1"), "| x·W1 (128x784)·(784x512) | 60–108 | 100–120 | 220 | 200 |")

    def test_first_epoch_and_whole_command(self):
        self.fill()
        self.write("dlm-1.time", "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:06.50\n")
        self.write("dlm-2.time", "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:05.00\n")
        self.write("torch-2p-1.time", "\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:00:10.00\n")
        self.write("torch-2p-2.time", "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:12.50\n")
        text = self.render()
        table = text[text.index("## First epoch and the whole command"):]
        # DLM's best round is round 2 (0.8 s/epoch): first epoch 2.0, 2.5x; whole command best 5.0 s
        self.assertEqual(self.row(table, "| DLM"), "| DLM | all (2) | 2.00 | 2.50 | 5.0 | 6.5 / 5.0 | 1.00 |")
        # PyTorch PASSIVE: best round 2 (1.6 s/epoch), first 2.0 s; wall 3610 s and 12.5 s → DLM ÷ 12.5 = 0.40
        self.assertEqual(self.row(table, "| PyTorch, OMP_WAIT_POLICY=PASSIVE"),
                         "| PyTorch, OMP_WAIT_POLICY=PASSIVE | 2 | 2.00 | 1.25 | 12.5 | 3610.0 / 12.5 | 0.40 |")
        # a trainer that failed (no JSON, no time): dashes; one with epochs but no wall time
        self.assertEqual(self.row(table, "| PyTorch | 2 |"), "| PyTorch | 2 | — | — | — | — | — |")
        self.assertEqual(self.row(table, "| PyTorch | 1 |"), "| PyTorch | 1 | 2.00 | 1.00 | — | — | — |")

    def test_gemm_share_of_the_measured_fma_peak(self):
        self.fill()
        self.assertNotIn("Share of the FMA peak", self.render())  # no peak measured: no table
        self.write("dlm-gemm-1-1.json", dlm_gemm_json(1, [60.0, 95.0], peak=150.0))
        self.write("dlm-gemm-1-2.json", dlm_gemm_json(1, [108.0, 70.0], peak=160.0))
        self.write("dlm-gemm-2-2.json", dlm_gemm_json(2, [220.0, 150.0], peak=400.0))
        text = self.render()
        share = text[text.index("Share of the FMA peak"):]
        self.assertIn("160 GFLOP/s on 1 thread, 400 GFLOP/s on 2 threads", share.splitlines()[0])
        # best rounds over the best peak: DLM 108/160, NumPy 120/160; 2 threads 220/400, 200/400
        self.assertEqual(self.row(share, "| x·W1"), "| x·W1 (128x784)·(784x512) | 68% | 75% | 55% | 50% |")
        self.assertEqual(self.row(share, "| 1024³"), "| 1024³ | 59% | 56% | 38% | 45% |")

    def test_missing_benchmark_jar_is_said(self):
        self.fill()
        for t in (1, 2):
            for r in (1, 2):
                path = os.path.join(self.work, f"dlm-gemm-{t}-{r}.json")
                if os.path.exists(path):
                    os.remove(path)
        self.write("dlm-gemm.missing", "")
        text = self.render()
        self.assertIn("the benchmark jar (bench/) could not be built", text)
        self.assertIn("| 1024³ | — | 90.0 | — |", text)
        # without GemmFigures' figures the vector width is unknown, and said to be
        self.assertIn("the JVM's vector width: ? (no GemmFigures figures)", self.row(text, "- CPU:"))
        self.assertIn("| DLM (Vector API) |", self.row(text, "| DLM |"))

    def test_cpu_line_names_the_model_flags_and_the_jvms_vector_width(self):
        self.fill()
        text = self.render()
        self.assertEqual(self.row(text, "- CPU:"),
                         "- CPU: AMD EPYC 7B13 (/proc/cpuinfo), avx2: yes, avx512f: no; the JVM's preferred vector "
                         "(FloatVector.SPECIES_PREFERRED): 256 bits, DLM's GEMM register tile 8x16")

    def test_recognised_cpu_keeps_openblass_own_kernel_and_every_row_names_it(self):
        self.fill()
        text = self.render()
        line = self.row(text, "- OpenBLAS kernel:")
        self.assertTrue(line.startswith("- OpenBLAS kernel: Zen (OpenBLAS's own choice, OPENBLAS_CORETYPE unset): "
                                        "OpenBLAS picks Zen by itself (AVX2 kernels); kept"), line)
        self.assertIn("| PyTorch | 1 | OpenBLAS Zen | 2.00 |", text)
        self.assertIn("| PyTorch, OMP_WAIT_POLICY=PASSIVE | 2 | OpenBLAS Zen | 1.60 |", text)
        self.assertIn("| DLM | all (2) | DLM, 256-bit vectors | 0.80 |", text)
        # a failed trainer's row still says what it loaded in its other rounds; none at all: a dash
        self.assertIn("| PyTorch | 2 | — | failed (see above) |", text)
        self.assertTrue(self.row(text, "| 1024³").endswith("| OpenBLAS Zen |"))

    def test_unrecognised_avx512_cpu_reports_the_forced_skylakex_kernel(self):
        self.fill()
        probe = fake_probe("Prescott", {"SkylakeX": ("SkylakeX", None)})
        self.write("blas-plan.json", blas_core.plan("libopenblas.so.0", XEON_CPUINFO, probe=probe))
        for name in ("torch-1-1", "torch-1-2", "torch-2p-1", "torch-2p-2"):
            self.write(f"{name}.json", trainer_json("torch", [2.0, 2.0, 2.0], 0.10, cores=("SkylakeX",)))
        for t, r in ((1, 1), (1, 2), (2, 1)):
            self.write(f"gemm-{t}-{r}.json", gemm_json(t, [100.0, 90.0], cores=("SkylakeX",)))
        self.write("dlm-gemm-1-1.json", dlm_gemm_json(1, [60.0, 95.0], bits=512, tile="8x32"))
        text = self.render()
        self.assertEqual(self.row(text, "- CPU:"),
                         "- CPU: Intel(R) Xeon(R) Processor (/proc/cpuinfo), avx2: yes, avx512f: yes; the JVM's preferred "
                         "vector (FloatVector.SPECIES_PREFERRED): 512 bits, DLM's GEMM register tile 8x32")
        line = self.row(text, "- OpenBLAS kernel:")
        self.assertTrue(line.startswith("- OpenBLAS kernel: SkylakeX (forced with OPENBLAS_CORETYPE=SkylakeX): "
                                        "OpenBLAS picks Prescott by itself (SSE kernels: it does not recognise this CPU); "
                                        "forced to SkylakeX"), line)
        self.assertIn("| PyTorch | 1 | OpenBLAS SkylakeX | 2.00 |", text)
        self.assertTrue(self.row(text, "| x·W1").endswith("| OpenBLAS SkylakeX |"))

    def test_a_run_on_another_kernel_than_the_chosen_one_is_flagged(self):
        self.fill()
        self.write("numpy-1-1.json", trainer_json("numpy", [2.0, 2.0], 0.1, cores=("Prescott",)))
        self.write("numpy-1-2.json", trainer_json("numpy", [2.0, 2.0], 0.1, cores=("Zen",)))
        self.write("gemm-2-1.json", gemm_json(2, [200.0, 180.0], cores=()))
        text = self.render()
        self.assertIn("| NumPy by hand | 1 | OpenBLAS Prescott / OpenBLAS Zen (not the chosen Zen) |", text)
        # a NumPy that loaded no OpenBLAS at all (the reference BLAS) says which library it had
        self.assertTrue(self.row(text, "| x·W1").endswith(
            "| OpenBLAS Zen / no OpenBLAS: openblas-pthread/libblas.so.3 (not the chosen Zen) |"))

    def test_without_a_kernel_decision_the_report_says_so(self):
        self.fill()
        os.remove(os.path.join(self.work, "blas-plan.json"))
        text = self.render()
        self.assertTrue(self.row(text, "- CPU:").startswith("- CPU: ? (the OpenBLAS kernel decision, blas_core.py, failed)"))
        self.assertIn("OpenBLAS's own choice, not checked beforehand", self.row(text, "- OpenBLAS kernel:"))
        self.assertIn("| PyTorch | 1 | OpenBLAS Zen |", text)


if __name__ == "__main__":
    unittest.main()
