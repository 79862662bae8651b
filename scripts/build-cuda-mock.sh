#!/usr/bin/env bash
# Builds test/cuda/mock_cuda.cc, the CPU stand-in for the CUDA libraries that the GPU tests run against
# on machines without a GPU, into DIR (default test/output/cuda-mock) under the sonames the loader
# looks for. Needs g++ and OpenBLAS (libopenblas-dev), as the addon's own build does.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-test/output/cuda-mock}"
mkdir -p "$out"
openblas_dir=""
for d in /usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/aarch64-linux-gnu/openblas-pthread; do
  [ -e "$d/libopenblas.so" ] && openblas_dir="$d" && break
done
${CXX:-g++} -std=c++17 -O1 -g -shared -fPIC -Wall -Wno-unused-parameter test/cuda/mock_cuda.cc \
  -o "$out/libcudart.so.13" ${openblas_dir:+-L"$openblas_dir"} -lopenblas
ln -sf libcudart.so.13 "$out/libcusolver.so.12"
ln -sf libcudart.so.13 "$out/libcublas.so.13"
echo "$out"
