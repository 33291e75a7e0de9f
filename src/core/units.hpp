// Strong unit types shared by every module, so a frequency cannot be passed where
// a duration is expected. Each is a thin wrapper over a double (or int64 for sample
// counts); arithmetic that mixes units goes through the named helpers below.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>

namespace auralis {

template <class Tag, class Rep = double>
struct Quantity {
  Rep value{};
  constexpr Quantity() = default;
  constexpr explicit Quantity(Rep v) : value(v) {}
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity operator+(Quantity o) const { return Quantity(value + o.value); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value - o.value); }
  constexpr Quantity operator*(Rep k) const { return Quantity(value * k); }
};

using Hz = Quantity<struct HzTag>;
using Seconds = Quantity<struct SecondsTag>;
using Db = Quantity<struct DbTag>;
using Bpm = Quantity<struct BpmTag>;
/// A count of sample frames, or a position on the engine's sample clock.
using Samples = Quantity<struct SamplesTag, std::int64_t>;

constexpr Samples toSamples(Seconds s, Hz rate) {
  return Samples(static_cast<std::int64_t>(std::llround(s.value * rate.value)));
}
constexpr Seconds toSeconds(Samples n, Hz rate) {
  return Seconds(static_cast<double>(n.value) / rate.value);
}
/// One beat at the given tempo.
constexpr Seconds beatDuration(Bpm tempo) { return Seconds(60.0 / tempo.value); }

inline float dbToGain(Db db) { return static_cast<float>(std::pow(10.0, db.value / 20.0)); }
inline Db gainToDb(double gain) { return Db(20.0 * std::log10(gain > 1e-12 ? gain : 1e-12)); }

/// Equal-tempered frequency of a MIDI note (A4 = 69 = 440 Hz).
inline Hz midiToHz(double note) { return Hz(440.0 * std::exp2((note - 69.0) / 12.0)); }

}  // namespace auralis
