#include "analysis/real_fft.hpp"

#include <kiss_fftr.h>

#include <new>
#include <stdexcept>

namespace auralis::analysis {

// std::complex<float> and kiss_fft_cpx are both two packed floats (r, i), which
// the standard guarantees for std::complex; the casts below rely on it.
static_assert(sizeof(std::complex<float>) == sizeof(kiss_fft_cpx));

struct RealFft::Plans {
  kiss_fftr_cfg forward = nullptr;
  kiss_fftr_cfg inverse = nullptr;
};

void RealFft::Deleter::operator()(Plans* p) const noexcept {
  if (p->forward != nullptr) kiss_fftr_free(p->forward);
  if (p->inverse != nullptr) kiss_fftr_free(p->inverse);
  delete p;
}

RealFft::RealFft(std::size_t size) : size_(size) {
  if (size < 4 || size % 2 != 0) throw std::invalid_argument("RealFft: size must be even, >= 4");
  plans_.reset(new Plans{});
  plans_->forward = kiss_fftr_alloc(static_cast<int>(size), 0, nullptr, nullptr);
  plans_->inverse = kiss_fftr_alloc(static_cast<int>(size), 1, nullptr, nullptr);
  if (plans_->forward == nullptr || plans_->inverse == nullptr) throw std::bad_alloc();
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

void RealFft::forward(std::span<const float> in, std::span<std::complex<float>> out) noexcept {
  if (in.size() < size_ || out.size() < bins()) return;
  kiss_fftr(plans_->forward, in.data(), reinterpret_cast<kiss_fft_cpx*>(out.data()));
}

void RealFft::inverse(std::span<const std::complex<float>> in, std::span<float> out) noexcept {
  if (in.size() < bins() || out.size() < size_) return;
  kiss_fftri(plans_->inverse, reinterpret_cast<const kiss_fft_cpx*>(in.data()), out.data());
}

}  // namespace auralis::analysis
