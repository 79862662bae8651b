{
  # node-gyp build of the same sources as CMakeLists.txt. prebuildify drives this one to make the
  # prebuilt linux-x64 binary: OpenBLAS is linked statically (libopenblas.a) and the two libgfortran
  # symbols it needs come from native/core/gfortran_shim.c, so the .node depends on libc/libstdc++ only.
  "variables": {
    "openblas_static%": "<!(node scripts/find-openblas.mjs static)"
  },
  "targets": [
    {
      "target_name": "weightscope",
      "sources": [
        "native/core/batch.cc",
        "native/core/blas_control.cc",
        "native/core/decode.cc",
        "native/core/digest.cc",
        "native/core/eig.cc",
        "native/core/file_range.cc",
        "native/core/ggml_quants.cc",
        "native/core/pool.cc",
        "native/core/quant_grid.cc",
        "native/core/quant_packed.cc",
        "native/core/scheduler.cc",
        "native/core/svd.cc",
        "native/core/sync_scope.cc",
        "native/core/gfortran_shim.c",
        "native/binding/addon.cc",
        "native/binding/call_options.cc",
        "native/binding/env_state.cc",
        "native/binding/errors.cc",
        "native/binding/job.cc",
        "native/binding/matrix_arg.cc",
        "native/binding/native_array.cc",
        "native/binding/ops.cc",
        "native/binding/tensor_ops.cc",
        "native/binding/ggml_ops.cc",
        "native/binding/quant_op.cc",
        "native/binding/digest_op.cc",
        "native/binding/test_hooks.cc",
        "native/binding/cuda_probe.cc",
        "native/cusolver/loader.cc",
        "native/cusolver/status.cc",
        "native/cusolver/session.cc",
        "native/cusolver/gpu_svd_solver.cc",
        "native/cusolver/gpu_svd.cc",
        "native/cusolver/gpu_eig.cc",
        "native/cusolver/gpu_batch.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "WEIGHTSCOPE_STATIC_OPENBLAS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden", "-O3"],
      "cflags": ["-O3"],
      "libraries": ["<(openblas_static)", "-lpthread", "-lm", "-ldl"],
      "ldflags": ["-Wl,--exclude-libs,ALL"]
    }
  ]
}
