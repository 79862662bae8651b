// One cuSOLVER SVD call of a column-major m x n device matrix, values only or with vectors, with its
// workspace sized once and reused (a batch loop runs many equal-shaped matrices through one solver).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "gpu_linalg.h"
#include "session.h"

namespace ws::cuda {

template <typename T>
class SvdSolver {
 public:
  // U (m x ucols) and V (n x vcols) are needed only with vectors; econ: ucols = vcols = min(m, n).
  // The pointers are those of the first run (the workspace queries take them).
  SvdSolver(Session& s, SvdRoutine routine, bool vectors, bool econ, int m, int n, T* A, T* S, T* U, T* V);
  // A is overwritten. U and V may be null without vectors. d_info: one device int.
  void run(T* A, T* S, T* U, T* V, int* d_info);
  const std::string& name() const { return name_; }

 private:
  Session& s_;
  SvdRoutine routine_;
  int jobz_, econ_, m_, n_;
  std::unique_ptr<DeviceBuffer<char>> work_;
  std::size_t work_bytes_ = 0;
  std::vector<char> host_work_;
  std::string name_;
};

SvdRoutine pick(SvdRoutine requested, std::size_t min_dim);

}  // namespace ws::cuda
