#!/usr/bin/env bash
# bench/compare.sh — trains the chapter's MNIST model (or, with --model convnet, the book's MNIST
# convnet) with DLM, PyTorch (1 and 2 threads) and, for the MLP, a hand-written NumPy version in one
# run, on the same IDX files, and reports seconds per epoch, test accuracy, peak RSS, inference
# time and NumPy's and DLM's GEMM GFLOP/s.
# The helpers live in bench/compare/. Run bench/compare.sh --help for the options.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"
helpers="$bench/compare"
PY=/usr/bin/python3   # Debian's Python, where python3-torch and python3-numpy live (not pyenv's)
# Debian's OpenBLAS (pthread build). Its folder goes first on LD_LIBRARY_PATH in the benchmark
# commands, so NumPy and PyTorch get OpenBLAS even when the libblas.so.3 alternative is the
# reference BLAS (which python3-torch alone installs: ~3 GFLOP/s).
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread

usage() {
  cat <<EOF
Usage: bench/compare.sh [--model mlp|convnet] [--epochs N | --quick] [--data DIR] [--backend NAME]
                        [--limit N] [--out FILE] [--rounds N] [--gemm-rounds N] [--jmh] [--avx2] [--no-install]

Trains 784-512(relu)-10(softmax) on MNIST (Adam 1e-3, batch 128) with DLM ('dlmc train'), PyTorch
with 1 and with 2 threads (the latter also with OMP_WAIT_POLICY=PASSIVE), and NumPy by hand
(1 thread), one after the other; times NumPy's and DLM's matrix products on the model's shapes
with 1 and 2 threads, the same way, in alternating rounds; prints a markdown report to stdout and
writes it to FILE.

  --model NAME    mlp (default): the chapter's model above (examples/mnist.dlm); convnet: the book's
                  MNIST convnet (examples/mnist_convnet.dlm: three 3x3 convolutions, two max
                  poolings, dense 10; RMSprop 1e-3, batch 64) against the same model in PyTorch
                  (compare/torch_convnet.py); no NumPy trainer; defaults --epochs 2 --rounds 1
                  --gemm-rounds 0 (the GEMM section measures the MLP's shapes)
  --epochs N      epochs for every trainer (default 3)
  --quick         one epoch (the same as --epochs 1)
  --data DIR      folder holding the MNIST IDX .gz files (default: \$DLM_DATA/mnist, else
                  /work/shared/data/mnist)
  --backend NAME  dlmc train --backend NAME (default: dlmc's own default); if dlmc rejects it,
                  the default backend is used and the report says so
  --limit N       train on the first N training images only (a smoke test, not a benchmark)
  --out FILE      where to write the report (default bench/compare/results.md, git-ignored)
  --rounds N      rounds of all the trainers, one after the other (default 2); the report
                  compares each trainer's best round and lists every round
  --gemm-rounds N rounds of (NumPy, DLM) GEMM measurements per thread count (default 6; 0: none)
  --jmh           also run DLM's JMH GEMM benchmarks (bench/GemmBench, about 2 more minutes)
  --avx2          measure every side as on an AVX2-only CPU, on a CPU that has AVX-512: DLM's JVMs
                  with -XX:UseAVX=2 (256-bit vectors, AVX2's 16 registers), OpenBLAS forced to its
                  Haswell kernels, PyTorch's own kernels with ATEN_CPU_CAPABILITY=avx2; the report
                  says so (the CPU must have AVX2 and FMA)
  --no-install    do not apt-get install missing packages (python3-torch, python3-numpy,
                  libopenblas0-pthread, time)
  -h, --help      this message

NumPy and PyTorch run with Debian's OpenBLAS (put first on LD_LIBRARY_PATH), with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in the benchmark commands only, so that OpenBLAS
picks its kernels for this CPU by itself. Where it does not recognise the CPU and falls back to
kernels narrower than the CPU's flags allow (e.g. Prescott on an AVX-512 CPU), OPENBLAS_CORETYPE
is set to the widest kernel the CPU supports: SkylakeX (avx512f/bw/vl/dq) or Haswell (avx2, fma),
after a trial run (compare/blas_core.py). The report names the CPU, its avx2/avx512f flags, the
JVM's vector width, the kernel chosen and why, and the kernel each NumPy/PyTorch run reported.
EOF
}

model=mlp epochs="" data="" backend="" limit="" install=1 out="$helpers/results.md" gemm_rounds="" rounds="" jmh=0 avx2=0
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="${2:?--epochs needs a number}"; shift 2 ;;
    --quick) epochs=1; shift ;;
    --model) model="${2:?--model needs mlp or convnet}"; shift 2 ;;
    --data) data="${2:?--data needs a folder}"; shift 2 ;;
    --backend) backend="${2:?--backend needs a name}"; shift 2 ;;
    --limit) limit="${2:?--limit needs a number}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --no-install) install=0; shift ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --gemm-rounds) gemm_rounds="${2:?--gemm-rounds needs a number}"; shift 2 ;;
    --jmh) jmh=1; shift ;;
    --avx2) avx2=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$model" in
  mlp) example=mnist.dlm; torch_script=torch_mnist.py; batch=128; : "${epochs:=3}" "${rounds:=2}" "${gemm_rounds:=6}" ;;
  convnet) example=mnist_convnet.dlm; torch_script=torch_convnet.py; batch=64; : "${epochs:=2}" "${rounds:=1}" "${gemm_rounds:=0}" ;;
  *) echo "compare.sh: --model must be mlp or convnet, not '$model'" >&2; exit 2 ;;
esac
[[ "$epochs" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --epochs must be a positive number" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --rounds must be a positive number" >&2; exit 2; }
[[ "$gemm_rounds" =~ ^[0-9]+$ ]] || { echo "compare.sh: --gemm-rounds must be a number" >&2; exit 2; }
[ -z "$limit" ] || [[ "$limit" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --limit must be a positive number" >&2; exit 2; }

say() { echo "compare.sh: $*" >&2; }

# --- 1. What the run needs ---------------------------------------------------------------------
install_missing() {
  local need=()
  "$PY" -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
  "$PY" -c 'import torch' 2>/dev/null || need+=(python3-torch)
  [ -f "$OPENBLAS_DIR/libblas.so.3" ] || need+=(libopenblas0-pthread)
  [ -x /usr/bin/time ] || need+=(time)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$install" = 0 ]; then say "missing: ${need[*]} (and --no-install was given)"; exit 1; fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  say "installing from Debian: ${need[*]} (python3-torch takes a few minutes)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${need[@]}" >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q "${need[@]}" >&2; }
}
[ -x "$PY" ] || { say "$PY is missing (apt-get install python3)"; exit 1; }
install_missing

# Like dlmc's --data, DIR may be the folder that holds mnist/ (and fashion-mnist/).
if [ -n "$data" ] && [ -f "$data/mnist/train-images-idx3-ubyte.gz" ]; then data="$data/mnist"; fi
if [ -z "$data" ]; then
  for d in "${DLM_DATA:+$DLM_DATA/mnist}" "${DLM_DATA:-}" /work/shared/data/mnist; do
    if [ -n "$d" ] && [ -f "$d/train-images-idx3-ubyte.gz" ]; then data="$d"; break; fi
  done
fi
if [ -z "$data" ] || [ ! -f "$data/t10k-labels-idx1-ubyte.gz" ]; then
  say "no MNIST IDX files found (give --data DIR, or set DLM_DATA; see /work/shared/data/README.md)"; exit 1
fi
data="$(cd "$data" && pwd)"

java=java
for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; do
  if [ -n "$j" ] && [ -x "$j" ]; then java="$j"; break; fi
done

say "building dlmc (if needed)"
"$root/dlmc" check "$root/examples/$example" >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 2. The runs -------------------------------------------------------------------------------
# The OpenBLAS settings for NumPy and PyTorch; the caller's environment is left alone otherwise.
inherited=""
for v in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS OMP_NUM_THREADS LD_LIBRARY_PATH; do
  [ -n "${!v:-}" ] && inherited+=" $v=${!v}"
done
# Which kernels: OpenBLAS's own choice (asked with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset),
# unless it is narrower than the CPU's flags allow; then the widest kernel the CPU supports, after a
# trial run (blas_core.py; the decision and the CPU model go to the report).
coretype="$("$PY" "$helpers/blas_core.py" plan "$OPENBLAS_DIR/libopenblas.so.0" --json "$work/blas-plan.json")" \
  || { say "could not decide OpenBLAS's kernel (blas_core.py failed); OpenBLAS picks its own"; coretype=""; }
say "OpenBLAS kernel: $("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["reason"])' "$work/blas-plan.json" 2>/dev/null || echo '?')"
# --avx2: every side as on an AVX2-only CPU (see --help); the plan in the report says so.
dlm_jvm_avx2=()
if [ "$avx2" = 1 ]; then
  grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo || { say "--avx2: this CPU has no AVX2 and FMA"; exit 2; }
  coretype=Haswell
  dlm_jvm_avx2=(-XX:UseAVX=2)
  export DLM_JAVA_OPTS="${DLM_JAVA_OPTS:+$DLM_JAVA_OPTS }-XX:UseAVX=2"
  "$PY" - "$work/blas-plan.json" <<'PYEOF'
import json, sys
path = sys.argv[1]
try:
    plan = json.load(open(path))
except (OSError, ValueError):
    plan = {"cpu_model": "?"}
plan.update(expected="Haswell", forced="Haswell",
            reason="--avx2: AVX2 kernels forced, to measure as on an AVX2-only CPU (OpenBLAS's own choice here: "
                   + str(plan.get("detected") or "?") + ")")
json.dump(plan, open(path, "w"))
PYEOF
  say "--avx2: DLM with -XX:UseAVX=2, OpenBLAS with Haswell kernels, PyTorch with ATEN_CPU_CAPABILITY=avx2"
fi
blas_env() { # blas_env THREADS: the env command for OpenBLAS with THREADS threads and the chosen kernel
  blas=(env -u OPENBLAS_L2_SIZE -u OPENBLAS_CORETYPE ${coretype:+OPENBLAS_CORETYPE="$coretype"}
        OPENBLAS_NUM_THREADS="$1" OMP_NUM_THREADS="$1" LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
  [ "$avx2" = 0 ] || blas+=(ATEN_CPU_CAPABILITY=avx2)
}

failures=0
measure() { # measure NAME CMD… — runs CMD under /usr/bin/time -v; NAME.out/.err/.time in $work
  local name="$1"; shift
  local t0=$SECONDS
  if /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    say "  done in $((SECONDS - t0)) s"
  else
    say "  FAILED ($name); the end of its output:"
    tail -n 20 "$work/$name.err" "$work/$name.out" >&2 || true
    touch "$work/$name.failed"
    failures=$((failures + 1))
    return 1
  fi
}
py_trainer() { # py_trainer NAME THREADS SCRIPT [VAR=VALUE…] — one Python trainer; its last stdout line is its JSON
  local name="$1" threads="$2" script="$3"; shift 3
  say "$name: $script, $threads thread(s), $epochs epoch(s)${*:+, $*}"
  local args=(--data "$data" --epochs "$epochs" --threads "$threads" --batch-size "$batch")
  [ -z "$limit" ] || args+=(--limit "$limit")
  blas_env "$threads"
  measure "$name" "${blas[@]}" "$@" "$PY" "$helpers/$script" "${args[@]}" && tail -n 1 "$work/$name.out" >"$work/$name.json" || true
}

# --- GEMM: NumPy/OpenBLAS and DLM on the model's shapes, measured the same way ---------------------
# Both sides: the same shapes and layouts, the median of 7 samples after a warm-up (gemm_numpy.py,
# dlm.bench.GemmFigures). The machine's speed drifts by tens of percent from minute to minute, so
# the two alternate, $gemm_rounds rounds of (NumPy, DLM) per thread count, and the report compares
# each side's best round (the least disturbed one), showing the spread too.
bench_jar() { # builds bench/target/benchmarks.jar when missing or older than the sources
  local jar="$bench/target/benchmarks.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/runtime/src" "$bench/src" -newer "$jar" -name '*.java' -print -quit 2>/dev/null)" ]; then
    say "building the benchmarks (mvn -pl bench -am package)"
    (cd "$root" && JAVA_HOME="$(dirname "$(dirname "$java")")" mvn -q -B -pl bench -am package -DskipTests >"$work/bench-build.log" 2>&1) \
      || { say "  the benchmark build failed; see the end of its log:"; tail -n 20 "$work/bench-build.log" >&2; }
  fi
  [ -f "$jar" ]
}
jar="$bench/target/benchmarks.jar"
have_jar=0
if [ "$gemm_rounds" -gt 0 ] || [ "$jmh" = 1 ]; then
  if bench_jar; then have_jar=1; else touch "$work/dlm-gemm.missing"; fi
fi
echo "$gemm_rounds" >"$work/gemm-rounds"
for r in $(seq 1 "$gemm_rounds"); do # (none with --gemm-rounds 0)
  for t in 1 2; do
    say "gemm round $r/$gemm_rounds, $t thread(s): NumPy, then DLM"
    blas_env "$t"
    measure "gemm-$t-$r" "${blas[@]}" "$PY" "$helpers/gemm_numpy.py" && tail -n 1 "$work/gemm-$t-$r.out" >"$work/gemm-$t-$r.json" || true
    if [ "$have_jar" = 1 ]; then
      measure "dlm-gemm-$t-$r" "$java" --add-modules jdk.incubator.vector -XX:+UseParallelGC ${dlm_jvm_avx2[@]+"${dlm_jvm_avx2[@]}"} \
        -cp "$jar" dlm.bench.GemmFigures --threads "$t" \
        && tail -n 1 "$work/dlm-gemm-$t-$r.out" >"$work/dlm-gemm-$t-$r.json" || true
    fi
  done
done
if [ "$jmh" = 1 ] && [ "$have_jar" = 1 ]; then
  say "gemm: DLM's JMH GEMM benchmarks ($jar)"
  measure dlm-jmh "$java" -jar "$jar" 'Gemm' -f 1 -wi 2 -i 3 -w 1 -r 1 -rf json -rff "$work/dlm-jmh.json" || rm -f "$work/dlm-jmh.json"
fi

dlm_args=(train "$root/examples/$example" --data "$data" --epochs "$epochs")
[ -z "$limit" ] || dlm_args+=(--limit "$limit")
backend_note="dlmc's default backend"
if [ -n "$backend" ]; then
  # dlmc checks --backend before anything else: a run with --epochs 0 fails at once, naming the
  # backend only when it does not know it.
  if "$root/dlmc" train "$root/examples/$example" --backend "$backend" --epochs 0 >"$work/backend.err" 2>&1 \
     || ! grep -qi 'error:.*backend' "$work/backend.err"; then
    dlm_args+=(--backend "$backend"); backend_note="--backend $backend"
  else
    backend_note="dlmc's default backend (it rejected --backend $backend: $(grep -m1 -i 'error:.*backend' "$work/backend.err"))"
  fi
fi

# The trainers, $rounds rounds one after the other (the report takes each trainer's best round:
# the machine's speed drifts between runs, and more for two-thread runs than for one-thread ones).
echo "$rounds" >"$work/train-rounds"
echo "$model" >"$work/model"
for r in $(seq 1 "$rounds"); do
  say "training round $r/$rounds"
  [ "$model" != mlp ] || py_trainer "numpy-1-$r" 1 numpy_mnist.py
  py_trainer "torch-1-$r" 1 "$torch_script"
  py_trainer "torch-2-$r" 2 "$torch_script"
  # libgomp's threads spin while they wait; on 2 busy vCPUs that can cost 10x. Passive waiting:
  py_trainer "torch-2p-$r" 2 "$torch_script" OMP_WAIT_POLICY=PASSIVE
  say "dlm-$r: dlmc train, $backend_note, $epochs epoch(s)"
  measure "dlm-$r" "$root/dlmc" "${dlm_args[@]}" --json "$work/dlm-$r.json" || rm -f "$work/dlm-$r.json"
done

# --- 3. The report -----------------------------------------------------------------------------
deb_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPU; load average before the runs $load_before, after $(cut -d' ' -f1-3 /proc/loadavg);" \
       "DLM $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"
  if [ "$model" = mlp ]; then optimizer="Adam 1e-3"; else optimizer="RMSprop 1e-3 (rho 0.9, eps 1e-7)"; fi
  echo "Real MNIST from $data (60,000 train / 10,000 test)${limit:+, training on the first $limit images only}; $epochs epoch(s), batch $batch, $optimizer"
  echo "DLM: $backend_note; $("$java" -version 2>&1 | head -n1)${DLM_JAVA_OPTS:+; DLM_JAVA_OPTS=$DLM_JAVA_OPTS}"
  [ "$avx2" = 0 ] || echo "--avx2: every side measured as on an AVX2-only CPU on this AVX-512 CPU: DLM's JVMs with -XX:UseAVX=2 (256-bit vectors, 16 vector registers), OpenBLAS with OPENBLAS_CORETYPE=Haswell, PyTorch with ATEN_CPU_CAPABILITY=avx2"
  echo "PyTorch $(deb_version python3-torch), NumPy $(deb_version python3-numpy), OpenBLAS $(deb_version libopenblas0-pthread) (Debian packages; $("$PY" -V))," \
       "Debian's OpenBLAS: LD_LIBRARY_PATH=$OPENBLAS_DIR, OPENBLAS_L2_SIZE unset, $([ -n "$coretype" ] && echo "OPENBLAS_CORETYPE=$coretype" || echo "OPENBLAS_CORETYPE unset"), OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = the thread count," \
       "in the benchmark commands only (inherited:${inherited:- nothing})"
  [ "$model" = mlp ] || echo "PyTorch runs the convnet channels-first (NCHW, its native layout), DLM channels-last (NHWC, Keras's)"
  echo "PyTorch mirrors Keras's defaults (glorot-uniform kernels, zero biases, Adam eps 1e-7, reshuffled every epoch); its loss is F.cross_entropy on the pre-softmax logits (the same value); PyTorch's Adam puts eps outside the bias correction of v, Keras (and the NumPy version) inside — a negligible difference"
  echo "The runs are sequential, in $rounds round(s) of all trainers; this machine kind is shared and noisy (tens of percent between minutes, more for two-thread runs), so each trainer's best round is compared and every round is listed"
} >"$work/notes.txt"

mkdir -p "$(dirname "$out")"
"$PY" "$helpers/report.py" "$work" | tee "$out"
say "report written to $out"
[ "$failures" = 0 ] || { say "$failures run(s) failed"; exit 1; }
