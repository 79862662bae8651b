#!/usr/bin/env bash
# Optional: installs NVIDIA's CUDA 13 runtime, cuSOLVER, cuBLAS and CRT-header pip wheels (about 1.3 GB)
# into a venv linked as .venv-cuda, so that test/17-cuda-loader.test.ts can check that weightscope finds
# those libraries and resolves every symbol it needs, and that native/cusolver/cuda_api.h matches NVIDIA's
# headers. No GPU is needed; without the wheels those tests are skipped.
#   usage: scripts/setup-cuda-wheels.sh [VENV_DIR]   (default .venv-cuda itself)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv-cuda}"
if [ ! -f "$venv/.weightscope-complete" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  # --retries 0: an index that cannot be reached (no network) is skipped at once instead of retried
  "$venv/bin/pip" install -q --retries 0 --timeout 10 nvidia-cusolver nvidia-cublas nvidia-cuda-runtime nvidia-cuda-crt
  touch "$venv/.weightscope-complete"
fi
if [ "$venv" != ".venv-cuda" ]; then ln -sfn "$(cd "$venv" && pwd)" .venv-cuda; fi
ls -d .venv-cuda/lib/python3*/site-packages/nvidia/*/lib
