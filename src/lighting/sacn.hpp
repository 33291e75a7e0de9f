// sACN (ANSI E1.31, streaming DMX over ACN) data packets, UDP port 5568. A pure
// encoder: root layer, framing layer, DMP layer, big-endian throughout.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace auralis::lighting::sacn {

inline constexpr std::uint16_t kPort = 5568;
inline constexpr std::size_t kHeaderSize = 126;  // through the DMX start code

struct Source {
  std::array<std::uint8_t, 16> cid{};  // component identifier (a UUID), fixed per process
  std::string_view name = "Auralis";
  std::uint8_t priority = 100;
};

/// A data packet for `universe` (1..63999) carrying `data` (up to 512 slots).
std::vector<std::uint8_t> encodeData(const Source& source, std::uint16_t universe,
                                     std::uint8_t sequence, std::span<const std::uint8_t> data);

/// A random version-4 UUID for Source::cid.
std::array<std::uint8_t, 16> randomCid();

}  // namespace auralis::lighting::sacn
