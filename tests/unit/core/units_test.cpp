#include <doctest/doctest.h>

#include "core/result.hpp"
#include "core/units.hpp"

using namespace auralis;

TEST_CASE("unit conversions") {
  CHECK(toSamples(Seconds(0.5), Hz(48000)).value == 24000);
  CHECK(toSeconds(Samples(44100), Hz(44100)).value == doctest::Approx(1.0));
  CHECK(beatDuration(Bpm(120)).value == doctest::Approx(0.5));
  CHECK(midiToHz(69).value == doctest::Approx(440.0));
  CHECK(midiToHz(81).value == doctest::Approx(880.0));
  CHECK(dbToGain(Db(-6.0206)) == doctest::Approx(0.5).epsilon(1e-4));
  CHECK(gainToDb(0.1).value == doctest::Approx(-20.0));
}

TEST_CASE("Result carries a value or an error") {
  Result<int> good = 5;
  CHECK(good.ok());
  CHECK(good.value() == 5);
  Result<int> bad = makeError("invalid_param", "bpm must be in [40, 200]", "bpm");
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().code == "invalid_param");
  CHECK(bad.error().field == "bpm");
}
