#include "gpu_svd_solver.h"

#include <algorithm>

#include "../core/transpose.h"
#include "status.h"

namespace ws::cuda {

SvdRoutine pick(SvdRoutine requested, std::size_t min_dim) {
  if (requested != SvdRoutine::Auto) return requested;
  return min_dim <= kJacobiMaxDim ? SvdRoutine::Gesvdj : SvdRoutine::Gesvdp;
}

namespace {

template <typename T>
auto gesvdj_fns(const Api& a) {
  if constexpr (std::is_same_v<T, float>)
    return std::make_pair(a.cusolverDnSgesvdj_bufferSize, a.cusolverDnSgesvdj);
  else
    return std::make_pair(a.cusolverDnDgesvdj_bufferSize, a.cusolverDnDgesvdj);
}

}  // namespace

template <typename T>
SvdSolver<T>::SvdSolver(Session& s, SvdRoutine routine, bool vectors, bool econ, int m, int n, T* A, T* S, T* U,
                        T* V)
    : s_(s),
      routine_(routine),
      jobz_(vectors ? kEigModeVector : kEigModeNoVector),
      econ_(econ ? 1 : 0),
      m_(m),
      n_(n) {
  const bool single = std::is_same_v<T, float>;
  if (routine_ == SvdRoutine::Gesvdj) {
    name_ = single ? "cusolverDnSgesvdj" : "cusolverDnDgesvdj";
    if (!vectors) {
      const std::size_t p = static_cast<std::size_t>(std::min(m, n));
      s_.require_free((static_cast<std::size_t>(m) + n) * p * sizeof(T), "gesvdj's U and V");
      jacobi_u_ = std::make_unique<DeviceBuffer<T>>(s_, static_cast<std::size_t>(m) * p, "U");
      jacobi_v_ = std::make_unique<DeviceBuffer<T>>(s_, static_cast<std::size_t>(n) * p, "V");
      econ_ = 1;
      U = jacobi_u_->get();
      V = jacobi_v_->get();
    }
    int lwork = 0;
    const std::string bs = name_ + "_bufferSize";
    check_cusolver(gesvdj_fns<T>(s_.api).first(s_.solver, EigMode(jobz_), econ_, m_, n_, A, m_, S, U, m_, V, n_,
                                               &lwork, s_.gesvdj),
                   bs.c_str());
    work_bytes_ = static_cast<std::size_t>(std::max(lwork, 1)) * sizeof(T);
  } else {
    name_ = single ? "cusolverDnXgesvdp(f32)" : "cusolverDnXgesvdp(f64)";
    std::size_t host_bytes = 0;
    const DataType t = data_type<T>();
    check_cusolver(s_.api.cusolverDnXgesvdp_bufferSize(s_.solver, s_.params, EigMode(jobz_), econ_, m_, n_, t, A, m_,
                                                       t, S, t, U, m_, t, V, n_, t, &work_bytes_, &host_bytes),
                   "cusolverDnXgesvdp_bufferSize");
    host_work_.resize(std::max<std::size_t>(host_bytes, 1));
    work_bytes_ = std::max<std::size_t>(work_bytes_, 1);
  }
  s_.require_free(work_bytes_, (name_ + " workspace").c_str());
  work_ = std::make_unique<DeviceBuffer<char>>(s_, work_bytes_, "the SVD workspace");
}

template <typename T>
void SvdSolver<T>::run(T* A, T* S, T* U, T* V, int* d_info) {
  if (routine_ == SvdRoutine::Gesvdj) {
    if (jacobi_u_) {
      U = jacobi_u_->get();
      V = jacobi_v_->get();
    }
    const int lwork = static_cast<int>(work_bytes_ / sizeof(T));
    check_cusolver(gesvdj_fns<T>(s_.api).second(s_.solver, EigMode(jobz_), econ_, m_, n_, A, m_, S, U, m_, V, n_,
                                                reinterpret_cast<T*>(work_->get()), lwork, d_info, s_.gesvdj),
                   name_.c_str());
  } else {
    const DataType t = data_type<T>();
    double err_sigma = 0;
    check_cusolver(s_.api.cusolverDnXgesvdp(s_.solver, s_.params, EigMode(jobz_), econ_, m_, n_, t, A, m_, t, S, t, U,
                                            m_, t, V, n_, t, work_->get(), work_bytes_, host_work_.data(),
                                            host_work_.size(), d_info, &err_sigma),
                   "cusolverDnXgesvdp");
  }
}

template <typename T>
void upload_problem(DeviceBuffer<T>& dA, const T* a, std::size_t count, std::size_t rows, std::size_t cols,
                    bool flipped) {
  const std::size_t size = rows * cols;
  if (!flipped) return dA.upload(a, size * count);
  Buffer<T> t(size * count);
  for (std::size_t i = 0; i < count; ++i) transpose_into(t.data() + i * size, a + i * size, rows, cols);
  dA.upload(t.data(), size * count);
}

template class SvdSolver<float>;
template class SvdSolver<double>;
template void upload_problem<float>(DeviceBuffer<float>&, const float*, std::size_t, std::size_t, std::size_t, bool);
template void upload_problem<double>(DeviceBuffer<double>&, const double*, std::size_t, std::size_t, std::size_t,
                                     bool);

}  // namespace ws::cuda
