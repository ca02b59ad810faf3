"""Tests of report.py on a made-up work folder: best rounds, spreads and ratios.

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
import report  # noqa: E402

SHAPES = [("x·W1 (128x784)·(784x512)", 128, 784, 512), ("1024³", 1024, 1024, 1024)]


def trainer_json(trainer, seconds, predict, acc=0.97):
    return dict(trainer=trainer, threads=1, epochs=[dict(epoch=i + 1, loss=0.1, accuracy=acc, seconds=s)
                                                    for i, s in enumerate(seconds)],
                test_loss=0.08, test_acc=acc, predict_seconds=predict)


def gemm_json(threads, gflops):
    return dict(threads=threads, blas="test", results=[dict(shape=label, m=m, k=k, n=n, gflops=g)
                                                       for (label, m, k, n), g in zip(SHAPES, gflops)])


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
        self.write("dlm-gemm-1-1.json", gemm_json(1, [60.0, 95.0]))
        self.write("dlm-gemm-1-2.json", gemm_json(1, [108.0, 70.0]))
        self.write("gemm-2-1.json", gemm_json(2, [200.0, 180.0]))
        self.write("dlm-gemm-2-2.json", gemm_json(2, [220.0, 150.0]))

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
        self.assertEqual(w1, "| x·W1 (128x784)·(784x512) | 108.0 | 120.0 | 0.90 | 220.0 | 200.0 | 1.10 |")
        spread = gemm[gemm.index("Every round"):]
        self.assertEqual(self.row(spread, "| x·W1"), "| x·W1 (128x784)·(784x512) | 60–108 | 100–120 | 220 | 200 |")

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


if __name__ == "__main__":
    unittest.main()
