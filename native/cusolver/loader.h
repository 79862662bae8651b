// Finds and loads libcudart, libcusolver and libcublas with dlopen (CUDA 12 and 13 sonames), resolves
// the symbols the GPU backend needs, and queries the driver and devices. Nothing here needs CUDA at
// build time; on a machine without it the probe says exactly which step failed.
#pragma once
#include <string>
#include <vector>

#include "cuda_api.h"

namespace ws::cuda {

struct Device {
  int index = 0;
  std::string name;
  double memory_total = -1, memory_free = -1;  // -1: unknown (free memory is read for device 0 only)
  int cc_major = 0, cc_minor = 0;
};

struct ProbeResult {
  bool available = false;
  std::string reason;       // why not, when !available
  std::string stage;        // 'library' | 'symbols' | 'driver' | 'device' | 'ok'
  std::string cudart_path, cusolver_path, cublas_path;
  std::vector<std::string> missing_symbols;
  std::vector<std::string> tried;  // every path tried, for the error message
  int runtime_version = 0, driver_version = 0, cusolver_version = 0, cublas_version = 0;
  std::vector<Device> devices;
};

// dirs: folders to search in order; an empty string means "by soname through the system loader".
// The result is computed once per process (libraries stay loaded); later calls return it.
const ProbeResult& probe(const std::vector<std::string>& dirs);

// The resolved entry points once probe() found the libraries, a driver and a device; nullptr otherwise.
const Api* api();

}  // namespace ws::cuda
