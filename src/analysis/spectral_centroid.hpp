// Spectral centroid: the magnitude-weighted mean frequency of a signal, the
// usual one-number proxy for "brightness". Tests use it to check that the
// ensemble sounds brighter at high intensity.
//
// Method: Hann-windowed frames of `frameSize` samples, hop frameSize/2; per
// frame, centroid = sum(f_k * |X_k|) / sum(|X_k|) over bins 0..N/2; the result
// is the mean over frames whose RMS is above `silenceDb` (silent frames have
// no meaningful centroid and would drag the mean toward the noise floor).
// With magnitudes (not power), white noise has a flat expected spectrum and a
// centroid of rate/4.
//
// Thread rules: pure functions; any non-audio thread (they allocate).
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace auralis::analysis {

/// In-place radix-2 complex FFT (forward, unnormalized). `data.size()` must be
/// a power of two; throws std::invalid_argument otherwise. Any non-audio thread.
void fftInPlace(std::vector<std::complex<double>>& data);

/// Mean spectral centroid in Hz of a mono signal (see the header comment).
/// Returns 0 when no frame is louder than `silenceDb` (dBFS RMS) or the signal
/// is shorter than one frame. `frameSize` must be a power of two >= 16.
/// Any non-audio thread.
double meanSpectralCentroid(std::span<const float> mono, double sampleRate,
                            std::size_t frameSize = 2048, double silenceDb = -60.0);

}  // namespace auralis::analysis
