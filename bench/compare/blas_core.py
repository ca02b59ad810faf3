"""Which OpenBLAS kernels (core type) the comparison's NumPy and PyTorch runs get, and why.

Debian's OpenBLAS is built for every x86 CPU kind at once and picks its kernels at load time from
the CPU's model number. A CPU newer than the library may not be in its table; it then falls back to
old kernels (Prescott: SSE3), several times slower than the CPU allows, and the comparison would be
against a crippled OpenBLAS. So compare.sh asks OpenBLAS which core it picks by itself (with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset) and forces OPENBLAS_CORETYPE only when that core uses
a narrower instruction set than the CPU's flags offer, and then only a kernel whose instructions the
CPU has: SkylakeX with AVX-512 (F, BW, VL, DQ), Haswell with AVX2 and FMA. A forced kernel is
tried in a child process first; if that child fails (SIGILL) or OpenBLAS reports another core, the
library's own choice is kept.

    blas_core.py plan LIBRARY [--json FILE]   prints the OPENBLAS_CORETYPE to set ('' for none) and
                                              writes the decision, with the CPU model, as JSON
    blas_core.py corename LIBRARY             prints the core OpenBLAS picks in this environment
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys

# The kernels' instruction sets, as levels: 0 SSE (and unknown), 1 AVX, 2 AVX2 + FMA, 3 AVX-512.
# The names are what openblas_get_corename returns (OpenBLAS's driver/others/dynamic.c).
KERNEL_LEVEL = {
    "prescott": 0, "katmai": 0, "coppermine": 0, "northwood": 0, "banias": 0, "atom": 0, "core2": 0,
    "penryn": 0, "dunnington": 0, "nehalem": 0, "athlon": 0, "opteron": 0, "opteron_sse3": 0,
    "barcelona": 0, "nano": 0, "bobcat": 0, "unknown": 0,
    "sandybridge": 1, "bulldozer": 1, "piledriver": 1, "steamroller": 1, "excavator": 1,
    "haswell": 2, "zen": 2,
    "skylakex": 3, "cooperlake": 3, "sapphirerapids": 3,
}
# The kernel forced for a CPU level, and the /proc/cpuinfo flags it needs.
FORCED = [(3, "SkylakeX", ("avx512f", "avx512bw", "avx512vl", "avx512dq")),
          (2, "Haswell", ("avx2", "fma"))]
LEVEL_NAMES = {0: "SSE", 1: "AVX", 2: "AVX2", 3: "AVX-512"}


def read_cpu(cpuinfo_text):
    """(model name, set of flags) of the first processor in /proc/cpuinfo's text."""
    model, flags = "?", set()
    for line in cpuinfo_text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "?":
            model = " ".join(value.split())
        elif key == "flags" and not flags:
            flags = set(value.split())
    return model, flags


def cpu_level(flags):
    """The widest kernel level whose instructions the CPU has (0 when neither AVX2 nor AVX-512)."""
    return next((level for level, _, needs in FORCED if all(f in flags for f in needs)), 0)


def kernel_level(core):
    """The instruction-set level of an OpenBLAS core name; None for a name not in the table (a core
    newer than this list, taken to be OpenBLAS's informed choice)."""
    return KERNEL_LEVEL.get(core.lower()) if core else 0


def choose_coretype(detected, flags):
    """(the OPENBLAS_CORETYPE to force or None, why). detected: the core OpenBLAS picks by itself
    (None when that could not be learned); flags: the CPU's /proc/cpuinfo flags."""
    cpu = cpu_level(flags)
    have = kernel_level(detected)
    shown = detected or "nothing (the probe failed)"
    if have is None:
        return None, f"OpenBLAS picks {shown} by itself (a core this script does not rank); kept"
    if have >= cpu:
        return None, f"OpenBLAS picks {shown} by itself ({LEVEL_NAMES[have]} kernels); kept: no wider kernel fits this CPU"
    kernel = next(name for level, name, _ in FORCED if level == cpu)
    needs = next(needs for level, _, needs in FORCED if level == cpu)
    return kernel, (f"OpenBLAS picks {shown} by itself ({LEVEL_NAMES[have]} kernels: it does not recognise this CPU); "
                    f"forced to {kernel}, which the CPU's flags {'/'.join(needs)} support")


def corename(library):
    """The core OpenBLAS picks in this process, or None when LIBRARY has no openblas_get_corename."""
    try:
        fn = ctypes.CDLL(library).openblas_get_corename
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_char_p
    return fn().decode()


def probe(library, coretype):
    """The core OpenBLAS picks in a child process with OPENBLAS_CORETYPE=coretype (unset when None)
    and OPENBLAS_L2_SIZE unset; (core or None, what went wrong or None)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "corename", library], env=env,
                       capture_output=True, text=True, timeout=60)
    core = p.stdout.strip()
    if p.returncode != 0 or not core:
        why = f"signal {-p.returncode}" if p.returncode < 0 else f"exit {p.returncode}"
        return None, f"{why}: {p.stderr.strip()[-200:]}" if p.stderr.strip() else why
    return core, None


def plan(library, cpuinfo_text, probe=probe):
    """The decision, as a dict: cpu_model, avx2, avx512f (bools), detected (OpenBLAS's own core or
    None), forced (the OPENBLAS_CORETYPE to set or None), expected (the core the runs should then
    report) and reason."""
    model, flags = read_cpu(cpuinfo_text)
    detected, failure = probe(library, None)
    forced, reason = choose_coretype(detected, flags)
    if failure:
        reason = f"OpenBLAS's own choice could not be learned ({failure}); " + reason
    if forced:
        got, failure = probe(library, forced)
        if got is None or got.lower() != forced.lower():
            reason += (f"; but OPENBLAS_CORETYPE={forced} gave {got or 'a failure'}"
                       f"{f' ({failure})' if failure else ''}, so OpenBLAS's own choice is kept")
            forced = None
    return dict(cpu_model=model, avx2="avx2" in flags, avx512f="avx512f" in flags, detected=detected,
                forced=forced, expected=forced or detected, reason=reason)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=("plan", "corename"))
    p.add_argument("library", help="the OpenBLAS shared library, e.g. .../openblas-pthread/libopenblas.so.0")
    p.add_argument("--json", help="plan: write the decision here")
    p.add_argument("--cpuinfo", default="/proc/cpuinfo")
    args = p.parse_args()
    if args.command == "corename":
        core = corename(args.library)
        if core is None:
            sys.exit(f"blas_core.py: {args.library} has no openblas_get_corename")
        print(core)
        return
    with open(args.cpuinfo) as f:
        decision = plan(args.library, f.read())
    if args.json:
        with open(args.json, "w") as f:
            json.dump(decision, f)
    print(decision["forced"] or "")


if __name__ == "__main__":
    main()
