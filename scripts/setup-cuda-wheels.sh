#!/usr/bin/env bash
# Optional: installs NVIDIA's CUDA 13 runtime, cuSOLVER and cuBLAS pip wheels into .venv-cuda/ (about
# 1.3 GB) so test/17-cuda-loader.test.ts can check that weightscope finds those libraries and resolves
# every symbol it needs. No GPU is needed for that test; without the wheels it is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-cuda
.venv-cuda/bin/pip install -q nvidia-cusolver nvidia-cublas nvidia-cuda-runtime
ls .venv-cuda/lib/python3*/site-packages/nvidia/*/lib
