"""What the trainers share: the command line, the epoch summary and the JSON line they print."""
import argparse
import json
import statistics
import time


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", required=True, help="folder holding the MNIST IDX .gz files")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=None, help="train on the first N training images only")
    p.add_argument("--predict-repeats", type=int, default=5, help="timed forward passes over the test set")
    return p.parse_args()


def median_time(fn, repeats):
    """Median wall seconds of fn() over `repeats` calls, after one warm-up call; and its last result."""
    result = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def report(trainer, args, epochs, test_loss, test_acc, predict_seconds, **extra):
    """Prints the one JSON line the benchmark script collects (same fields as `dlmc train --json`)."""
    blas, cores = blas_info()
    print(json.dumps(dict(trainer=trainer, threads=args.threads, epochs=epochs, test_loss=test_loss,
                          test_acc=test_acc, predict_seconds=predict_seconds, blas=blas, openblas_cores=cores,
                          **extra)), flush=True)


def blas_info():
    """The BLAS libraries this process loaded, with the kernels of each OpenBLAS among them, asked
    after the imports (openblas_get_corename), e.g. ('openblas-pthread/libblas.so.3 (SkylakeX)',
    ['SkylakeX']). Every distinct OpenBLAS counts (PyTorch could bring its own beside NumPy's);
    libraries that reach the same one (libblas.so.3 and libopenblas.so.0 of one build) count once."""
    import ctypes
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1].rsplit("/", 1)[-1]})
    short = ["/".join(path.split("/")[-2:]) for path in libs]
    seen, named, cores = set(), [], []
    for path, name in zip(libs, short):
        try:
            fn = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        address = ctypes.cast(fn, ctypes.c_void_p).value
        if address in seen:
            continue
        seen.add(address)
        fn.restype = ctypes.c_char_p
        core = fn().decode()
        named.append(f"{name} ({core})")
        cores.append(core)
    return ("; ".join(named) if named else ", ".join(short) or "none"), cores
