"""Tests of blas_core.py: which OpenBLAS kernel compare.sh forces, if any, on which CPU.

Run: python3 -m unittest discover -s bench/compare -p 'test_*.py'
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blas_core  # noqa: E402
from test_report import XEON_CPUINFO, ZEN3_CPUINFO, fake_probe  # noqa: E402

AVX512 = {"sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}
AVX2 = {"sse2", "avx", "avx2", "fma"}
LIBRARY = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"


class ChooseCoretypeTest(unittest.TestCase):
    def test_recognised_cpu_is_not_forced(self):
        self.assertIsNone(blas_core.choose_coretype("Zen", AVX2)[0])
        self.assertIsNone(blas_core.choose_coretype("Haswell", AVX2)[0])
        self.assertIsNone(blas_core.choose_coretype("SkylakeX", AVX512)[0])
        self.assertIsNone(blas_core.choose_coretype("Cooperlake", AVX512)[0])
        self.assertIsNone(blas_core.choose_coretype("SapphireRapids", AVX512)[0])

    def test_unrecognised_avx512_cpu_gets_skylakex(self):
        for fallback in ("Prescott", "Core2", "Nehalem", "Katmai", "Sandybridge", "Unknown"):
            forced, why = blas_core.choose_coretype(fallback, AVX512)
            self.assertEqual(forced, "SkylakeX", fallback)
            self.assertIn(f"OpenBLAS picks {fallback} by itself", why)
        # AVX2 kernels on an AVX-512 CPU are narrower than it allows, too
        self.assertEqual(blas_core.choose_coretype("Haswell", AVX512)[0], "SkylakeX")

    def test_unrecognised_avx2_cpu_gets_haswell(self):
        self.assertEqual(blas_core.choose_coretype("Prescott", AVX2)[0], "Haswell")
        self.assertEqual(blas_core.choose_coretype("Sandybridge", AVX2)[0], "Haswell")

    def test_never_a_kernel_whose_instructions_the_cpu_lacks(self):
        # avx512f without bw/vl/dq (Knights Landing-like): the AVX-512 kernels need all four
        self.assertEqual(blas_core.choose_coretype("Prescott", AVX2 | {"avx512f", "avx512cd"})[0], "Haswell")
        # AVX2 without FMA, and plain AVX or SSE: nothing to force
        self.assertIsNone(blas_core.choose_coretype("Prescott", {"sse2", "avx", "avx2"})[0])
        self.assertIsNone(blas_core.choose_coretype("Prescott", {"sse2", "avx"})[0])
        self.assertIsNone(blas_core.choose_coretype("Nehalem", {"sse2", "sse4_2"})[0])

    def test_a_core_newer_than_the_table_is_kept(self):
        forced, why = blas_core.choose_coretype("GraniteRapids", AVX512)
        self.assertIsNone(forced)
        self.assertIn("does not rank", why)

    def test_a_failed_probe_forces_what_the_flags_allow(self):
        self.assertEqual(blas_core.choose_coretype(None, AVX512)[0], "SkylakeX")


class PlanTest(unittest.TestCase):
    def test_zen3_keeps_openblass_choice_without_a_trial(self):
        probe = fake_probe("Zen", {})
        plan = blas_core.plan(LIBRARY, ZEN3_CPUINFO, probe=probe)
        self.assertEqual(plan, dict(cpu_model="AMD EPYC 7B13", avx2=True, avx512f=False, detected="Zen", forced=None,
                                    expected="Zen", reason=plan["reason"]))
        self.assertEqual(probe.calls, [None])

    def test_unrecognised_xeon_is_forced_to_skylakex_after_a_trial(self):
        probe = fake_probe("Prescott", {"SkylakeX": ("SkylakeX", None)})
        plan = blas_core.plan(LIBRARY, XEON_CPUINFO, probe=probe)
        self.assertEqual((plan["detected"], plan["forced"], plan["expected"]), ("Prescott", "SkylakeX", "SkylakeX"))
        self.assertEqual(plan["cpu_model"], "Intel(R) Xeon(R) Processor")
        self.assertTrue(plan["avx512f"])
        self.assertEqual(probe.calls, [None, "SkylakeX"])

    def test_a_forced_kernel_that_crashes_or_is_ignored_is_not_used(self):
        crashes = blas_core.plan(LIBRARY, XEON_CPUINFO, probe=fake_probe("Prescott", {"SkylakeX": (None, "signal 4")}))
        self.assertEqual((crashes["forced"], crashes["expected"]), (None, "Prescott"))
        self.assertIn("OPENBLAS_CORETYPE=SkylakeX gave a failure (signal 4), so OpenBLAS's own choice is kept", crashes["reason"])
        ignored = blas_core.plan(LIBRARY, XEON_CPUINFO, probe=fake_probe("Prescott", {"SkylakeX": ("Prescott", None)}))
        self.assertIsNone(ignored["forced"])
        self.assertIn("gave Prescott", ignored["reason"])

    def test_read_cpu_takes_the_first_processor(self):
        model, flags = blas_core.read_cpu(ZEN3_CPUINFO + "\n" + XEON_CPUINFO)
        self.assertEqual(model, "AMD EPYC 7B13")
        self.assertIn("avx2", flags)
        self.assertNotIn("avx512f", flags)
        self.assertEqual(blas_core.read_cpu(""), ("?", set()))


@unittest.skipUnless(os.path.exists(LIBRARY), "Debian's libopenblas0-pthread is not installed")
class RealOpenBlasTest(unittest.TestCase):
    """The probe on the installed OpenBLAS, in child processes."""

    def setUp(self):
        self.saved = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def test_probe_ignores_the_inherited_coretype_and_applies_the_forced_one(self):
        for k in self.saved:
            os.environ.pop(k, None)
        own, failure = blas_core.probe(LIBRARY, None)
        self.assertIsNone(failure)
        # the child reports what this process's own OpenBLAS picks with the same (cleared) environment
        self.assertEqual(own, blas_core.corename(LIBRARY))
        # a machine-wide OPENBLAS_CORETYPE (and L2 size) does not reach the probe of OpenBLAS's own choice
        os.environ["OPENBLAS_CORETYPE"] = "Nehalem" if own != "Nehalem" else "Core2"
        os.environ["OPENBLAS_L2_SIZE"] = "1048576"
        self.assertEqual(blas_core.probe(LIBRARY, None), (own, None))
        # a forced kernel reaches the child: Prescott (SSE3) runs on every x86-64 CPU of this century
        self.assertEqual(blas_core.probe(LIBRARY, "Prescott"), ("Prescott", None))

    def test_plan_on_this_machine_never_forces_what_the_cpu_lacks(self):
        with open("/proc/cpuinfo") as f:
            cpuinfo = f.read()
        plan = blas_core.plan(LIBRARY, cpuinfo)
        _, flags = blas_core.read_cpu(cpuinfo)
        if plan["forced"] == "SkylakeX":
            self.assertTrue({"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags)
        elif plan["forced"] == "Haswell":
            self.assertTrue({"avx2", "fma"} <= flags)
        else:
            self.assertIsNone(plan["forced"])
            self.assertEqual(plan["expected"], plan["detected"])


if __name__ == "__main__":
    unittest.main()
