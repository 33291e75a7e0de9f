// Art-Net 4 packets (Artistic Licence's protocol, UDP port 6454): ArtDmx, ArtSync,
// and ArtPollReply in answer to ArtPoll. Pure encoders/decoders, no sockets.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace auralis::lighting::artnet {

inline constexpr std::uint16_t kPort = 6454;
inline constexpr std::uint16_t kOpPoll = 0x2000;
inline constexpr std::uint16_t kOpPollReply = 0x2100;
inline constexpr std::uint16_t kOpDmx = 0x5000;
inline constexpr std::uint16_t kOpSync = 0x5200;
inline constexpr std::uint8_t kProtocolVersion = 14;
inline constexpr std::size_t kPollReplySize = 239;

/// ArtDmx for the 15-bit Port-Address `portAddress` (Net, Sub-Net, Universe).
/// `sequence` 1..255 (0 disables reordering at the receiver). The data length is
/// padded to an even number between 2 and 512 as the specification requires.
std::vector<std::uint8_t> encodeDmx(std::uint16_t portAddress, std::uint8_t sequence,
                                    std::span<const std::uint8_t> data);

/// ArtSync: tells receivers to output the universes sent since the last sync.
std::array<std::uint8_t, 14> encodeSync();

/// The OpCode of an Art-Net packet, or nullopt when `packet` is not Art-Net.
std::optional<std::uint16_t> opCode(std::span<const std::uint8_t> packet);

struct PollReplyInfo {
  std::array<std::uint8_t, 4> ip{127, 0, 0, 1};
  std::uint16_t port = kPort;
  std::string_view shortName = "Auralis";
  std::string_view longName = "Auralis audio-reactive lighting";
  std::string_view nodeReport = "#0001 [0000] Auralis running";
  /// The first Port-Address sent and how many universes (up to 4 are listed).
  std::uint16_t firstPortAddress = 0;
  int universes = 1;
};

/// ArtPollReply describing this controller.
std::array<std::uint8_t, kPollReplySize> encodePollReply(const PollReplyInfo& info);

}  // namespace auralis::lighting::artnet
