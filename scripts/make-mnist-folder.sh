#!/usr/bin/env bash
# Makes examples/data/mnist_folder (the image folder of examples/mnist_folder.dlm): the first 1,000
# MNIST test images as 28x28 gray PNGs in one subfolder per digit, through `dlmc show --folder`
# (the MNIST files from --data DIR, $DLM_DATA or ~/.dlm/datasets, else downloaded with checksums).
# Usage: scripts/make-mnist-folder.sh [--data DIR] [--count N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
args=()
count=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --data) args+=("$1" "$2"); shift 2 ;;
    --count) count="$2"; shift 2 ;;
    *) echo "usage: scripts/make-mnist-folder.sh [--data DIR] [--count N]" >&2; exit 2 ;;
  esac
done
out="$here/examples/data/mnist_folder"
rm -rf "$out"
"$here/dlmc" show mnist --split test --count "$count" --folder "$out" "${args[@]}"
