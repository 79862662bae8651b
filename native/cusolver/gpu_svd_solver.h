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
  // U (m x ucols) and V (n x vcols) are needed only with vectors (null otherwise); econ: ucols = vcols =
  // min(m, n).
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
  // gesvdj without vectors still gets U and V buffers: NVIDIA does not document that it accepts null
  // ones (CUDA.jl passes null only to Xgesvdp), so the call never relies on it.
  std::unique_ptr<DeviceBuffer<T>> jacobi_u_, jacobi_v_;
};

SvdRoutine pick(SvdRoutine requested, std::size_t min_dim);

// The column-major m x n problem cuSOLVER solves for a row-major rows x cols A: A^T (m = cols, uploaded
// as is), or, when the routine is Xgesvdp and A^T is wide, A itself (m = rows, transposed on the host):
// Xgesvdp is only ever given m >= n.
struct Problem {
  std::size_t m, n;
  bool flipped;
};

inline Problem problem_for(SvdRoutine r, std::size_t rows, std::size_t cols) {
  const bool flip = r == SvdRoutine::Gesvdp && cols < rows;
  return flip ? Problem{rows, cols, true} : Problem{cols, rows, false};
}

// Uploads `count` contiguous rows x cols matrices as their problems (each transposed when flipped).
template <typename T>
void upload_problem(DeviceBuffer<T>& dA, const T* a, std::size_t count, std::size_t rows, std::size_t cols,
                    bool flipped);

}  // namespace ws::cuda
