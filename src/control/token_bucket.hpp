// TokenBucket: rate limiting for control surfaces (control messages per client).
// `rate` tokens per second refill up to `burst`; a request takes one token or is
// refused with `rate_limited`.
//
// Thread rules: not thread-safe; one per client, used on that client's strand.
#pragma once

#include <algorithm>
#include <chrono>

namespace auralis::control {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  /// A full bucket of `burst` tokens refilled at `ratePerSecond`.
  TokenBucket(double ratePerSecond, double burst, Clock::time_point now = Clock::now())
      : rate_(ratePerSecond), burst_(burst), tokens_(burst), last_(now) {}

  /// Takes `cost` tokens if available at time `now`; false (nothing taken) if not.
  bool tryTake(Clock::time_point now = Clock::now(), double cost = 1.0) {
    refill(now);
    if (tokens_ < cost) return false;
    tokens_ -= cost;
    return true;
  }

  /// Tokens available at `now` (refills first).
  double available(Clock::time_point now = Clock::now()) {
    refill(now);
    return tokens_;
  }

 private:
  void refill(Clock::time_point now) {
    if (now <= last_) return;  // a clock that went nowhere (or back) adds nothing
    const double dt = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + dt * rate_);
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace auralis::control
