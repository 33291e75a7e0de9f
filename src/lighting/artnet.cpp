#include "lighting/artnet.hpp"

#include <algorithm>
#include <cstring>

namespace auralis::lighting::artnet {

namespace {

constexpr std::array<std::uint8_t, 8> kId{'A', 'r', 't', '-', 'N', 'e', 't', 0};

template <std::size_t N>
void header(std::array<std::uint8_t, N>& p, std::uint16_t op) {
  std::copy(kId.begin(), kId.end(), p.begin());
  p[8] = static_cast<std::uint8_t>(op & 0xFF);  // OpCode is little-endian
  p[9] = static_cast<std::uint8_t>(op >> 8);
}

void copyText(std::uint8_t* dst, std::size_t size, std::string_view text) {
  const auto n = std::min(text.size(), size - 1);  // always NUL-terminated
  std::memcpy(dst, text.data(), n);
}

}  // namespace

std::vector<std::uint8_t> encodeDmx(std::uint16_t portAddress, std::uint8_t sequence,
                                    std::span<const std::uint8_t> data) {
  std::size_t length = std::min<std::size_t>(data.size(), 512);
  length = std::max<std::size_t>(length + (length & 1U), 2);
  std::vector<std::uint8_t> p(18 + length, 0);
  std::copy(kId.begin(), kId.end(), p.begin());
  p[8] = static_cast<std::uint8_t>(kOpDmx & 0xFF);
  p[9] = static_cast<std::uint8_t>(kOpDmx >> 8);
  p[10] = 0;  // ProtVerHi
  p[11] = kProtocolVersion;
  p[12] = sequence;
  p[13] = 0;                                                     // Physical
  p[14] = static_cast<std::uint8_t>(portAddress & 0xFF);         // SubUni
  p[15] = static_cast<std::uint8_t>((portAddress >> 8) & 0x7F);  // Net
  p[16] = static_cast<std::uint8_t>(length >> 8);                // LengthHi (big-endian)
  p[17] = static_cast<std::uint8_t>(length & 0xFF);
  std::copy_n(data.begin(), std::min(data.size(), length), p.begin() + 18);
  return p;
}

std::array<std::uint8_t, 14> encodeSync() {
  std::array<std::uint8_t, 14> p{};
  header(p, kOpSync);
  p[11] = kProtocolVersion;
  return p;  // Aux1, Aux2 = 0
}

std::optional<std::uint16_t> opCode(std::span<const std::uint8_t> packet) {
  if (packet.size() < 10 || !std::equal(kId.begin(), kId.end(), packet.begin()))
    return std::nullopt;
  return static_cast<std::uint16_t>(packet[8] | (packet[9] << 8));
}

std::array<std::uint8_t, kPollReplySize> encodePollReply(const PollReplyInfo& info) {
  std::array<std::uint8_t, kPollReplySize> p{};
  header(p, kOpPollReply);
  std::copy(info.ip.begin(), info.ip.end(), p.begin() + 10);
  p[14] = static_cast<std::uint8_t>(info.port & 0xFF);  // Port is little-endian
  p[15] = static_cast<std::uint8_t>(info.port >> 8);
  p[16] = 0;                                                               // VersInfoH
  p[17] = 1;                                                               // VersInfoL
  p[18] = static_cast<std::uint8_t>((info.firstPortAddress >> 8) & 0x7F);  // NetSwitch
  p[19] = static_cast<std::uint8_t>((info.firstPortAddress >> 4) & 0x0F);  // SubSwitch
  p[20] = 0xFF;  // OemHi/Oem: 0x00FF "unknown" OEM
  p[21] = 0xFF;
  p[23] = 0xD0;  // Status1: indicators normal, Port-Address programmed from network/config
  copyText(&p[26], 18, info.shortName);
  copyText(&p[44], 64, info.longName);
  copyText(&p[108], 64, info.nodeReport);
  const int ports = std::clamp(info.universes, 0, 4);
  p[172] = 0;  // NumPortsHi
  p[173] = static_cast<std::uint8_t>(ports);
  for (int i = 0; i < ports; ++i) {
    const auto k = static_cast<std::size_t>(i);
    p[174 + k] = 0x80;  // PortTypes: can output DMX512 from the network
    p[182 + k] = 0x80;  // GoodOutput: data is being transmitted
    p[186 + k] = 0;     // SwIn
    p[190 + k] = static_cast<std::uint8_t>((info.firstPortAddress + i) & 0x0F);  // SwOut
  }
  p[200] = 0x01;                                               // Style: StController
  std::copy(info.ip.begin(), info.ip.end(), p.begin() + 207);  // BindIp
  p[211] = 1;                                                  // BindIndex: the root device
  p[212] = 0x08;  // Status2: 15-bit Port-Address supported
  return p;
}

}  // namespace auralis::lighting::artnet
