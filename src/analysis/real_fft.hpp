// RealFft: a forward/inverse real FFT of one fixed size (kissfft underneath).
// Plans are built in the constructor (allocates); forward()/inverse() never
// allocate and are safe on any thread that owns the instance.
//
// Thread rules: one thread at a time per instance.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <span>

namespace auralis::analysis {

class RealFft {
 public:
  /// Any non-audio thread. `size` must be even and >= 4; throws
  /// std::invalid_argument otherwise, std::bad_alloc when kissfft cannot allocate.
  explicit RealFft(std::size_t size);
  ~RealFft();
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  /// Owner thread; real-time safe. `in` has size() samples, `out` size()/2+1 bins
  /// (unnormalised: a full-scale sine of amplitude A gives |X| = A*size/2).
  void forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept;
  /// Owner thread; real-time safe. Inverse of forward() times size().
  void inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept;

  std::size_t size() const noexcept { return size_; }
  std::size_t bins() const noexcept { return size_ / 2 + 1; }

 private:
  struct Plans;
  struct Deleter {
    void operator()(Plans* p) const noexcept;
  };
  std::size_t size_ = 0;
  std::unique_ptr<Plans, Deleter> plans_;
};

}  // namespace auralis::analysis
