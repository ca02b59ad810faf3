#!/usr/bin/env bash
# Full-size training runs of the chapter's examples on real data (minutes, not part of `mvn verify`).
# Checks the chapter's targets for examples/mnist.dlm (after 5 epochs: train accuracy >= 0.985,
# test accuracy >= 0.975) and the book's for examples/mnist_convnet.dlm (test accuracy >= 0.990),
# the tabular examples' (CSV files under examples/data, seeded 80/20 splits): boston_housing test
# MAE <= 3.0, breast_cancer test accuracy >= 0.95, iris >= 0.93, digits >= 0.95; Keras's training
# toolkit on Fashion-MNIST (fashion_mnist_regularized) test accuracy >= 0.89; mnist_folder's (1,000
# MNIST test images as PNGs, made by scripts/make-mnist-folder.sh when missing) >= 0.95;
# multi_output's (two inputs, two outputs) test price MAE <= 0.3 and kind accuracy >= 0.9; and
# reports the others. Usage:
#   scripts/train-examples.sh [--data DIR] [--backend jit|interp] [EXAMPLE…]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
args=()
data=()
examples=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) args+=("$1" "$2"); data=(--data "$2"); shift 2 ;;
    --backend) args+=("$1" "$2"); shift 2 ;;
    *) examples+=("$1"); shift ;;
  esac
done
[ ${#examples[@]} -gt 0 ] || examples=(mnist mnist_from_scratch fashion_mnist fashion_mnist_regularized mnist_convnet boston_housing breast_cancer iris digits mnist_folder multi_output)
out="$(mktemp -d)"
status=0
for ex in "${examples[@]}"; do
  echo "== examples/$ex.dlm"
  if [ "$ex" = mnist_folder ] && [ ! -d "$here/examples/data/mnist_folder" ]; then
    "$here/scripts/make-mnist-folder.sh" "${data[@]}"
  fi
  "$here/dlmc" train "$here/examples/$ex.dlm" --json "$out/$ex.json" "${args[@]}"
  python3 - "$out/$ex.json" "$ex" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1])); ex = sys.argv[2]
last = r["epochs"][-1]
secs = [e["seconds"] for e in r["epochs"]]
metric = next(k for k in last if k not in ("epoch", "loss", "seconds"))
test = {"accuracy": "test_acc"}.get(metric, "test_" + metric)
print(f"{ex}: {len(secs)} epochs, train {metric} {last[metric]:.4f}, test {metric} {r[test]:.4f}, "
      f"seconds/epoch {sorted(secs)[len(secs)//2]:.1f} (median)")
if ex == "mnist" and not (last["accuracy"] >= 0.985 and r["test_acc"] >= 0.975):
    print("mnist: below the chapter's targets (train >= 0.985, test >= 0.975)"); sys.exit(1)
if ex == "mnist_convnet" and not r["test_acc"] >= 0.990:
    print("mnist_convnet: below the book's target (test >= 0.990)"); sys.exit(1)
targets = {"breast_cancer": 0.95, "iris": 0.93, "digits": 0.95, "fashion_mnist_regularized": 0.89, "mnist_folder": 0.95}
if ex in targets and not r[test] >= targets[ex]:
    print(f"{ex}: below the target (test {metric} >= {targets[ex]})"); sys.exit(1)
if ex == "boston_housing" and not r[test] <= 3.0:
    print("boston_housing: above the target (test MAE <= 3.0)"); sys.exit(1)
if ex == "multi_output":
    print(f"multi_output: test price MAE {r['test_price_meanAbsoluteError']:.4f}, test kind accuracy {r['test_kind_accuracy']:.4f}")
    if not (r["test_price_meanAbsoluteError"] <= 0.3 and r["test_kind_accuracy"] >= 0.9):
        print("multi_output: below its targets (test price MAE <= 0.3, test kind accuracy >= 0.9)"); sys.exit(1)
PY
done
exit $status
