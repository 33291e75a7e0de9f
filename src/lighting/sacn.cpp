#include "lighting/sacn.hpp"

#include <algorithm>
#include <cstring>
#include <random>

namespace auralis::lighting::sacn {

namespace {

void put16(std::vector<std::uint8_t>& p, std::size_t at, std::uint16_t v) {
  p[at] = static_cast<std::uint8_t>(v >> 8);
  p[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
}

void put32(std::vector<std::uint8_t>& p, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

/// PDU "flags and length": the high nibble 0x7, then the length from `at` to the end.
void flagsLength(std::vector<std::uint8_t>& p, std::size_t at) {
  put16(p, at, static_cast<std::uint16_t>(0x7000 | ((p.size() - at) & 0x0FFF)));
}

}  // namespace

std::vector<std::uint8_t> encodeData(const Source& source, std::uint16_t universe,
                                     std::uint8_t sequence, std::span<const std::uint8_t> data) {
  const std::size_t slots = std::min<std::size_t>(data.size(), 512);
  std::vector<std::uint8_t> p(kHeaderSize + slots, 0);
  // Root layer
  put16(p, 0, 0x0010);  // preamble size
  put16(p, 2, 0x0000);  // postamble size
  static constexpr char kAcnId[12] = {'A', 'S', 'C', '-', 'E', '1', '.', '1', '7', 0, 0, 0};
  std::memcpy(&p[4], kAcnId, sizeof kAcnId);
  flagsLength(p, 16);
  put32(p, 18, 0x00000004);  // VECTOR_ROOT_E131_DATA
  std::copy(source.cid.begin(), source.cid.end(), p.begin() + 22);
  // Framing layer
  flagsLength(p, 38);
  put32(p, 40, 0x00000002);  // VECTOR_E131_DATA_PACKET
  std::memcpy(&p[44], source.name.data(), std::min<std::size_t>(source.name.size(), 63));
  p[108] = source.priority;
  put16(p, 109, 0);  // synchronization address: none
  p[111] = sequence;
  p[112] = 0;  // options
  put16(p, 113, universe);
  // DMP layer
  flagsLength(p, 115);
  p[117] = 0x02;                                         // VECTOR_DMP_SET_PROPERTY
  p[118] = 0xA1;                                         // address and data type
  put16(p, 119, 0);                                      // first property address
  put16(p, 121, 1);                                      // address increment
  put16(p, 123, static_cast<std::uint16_t>(slots + 1));  // property values incl. start code
  p[125] = 0;                                            // DMX512 start code
  std::copy_n(data.begin(), slots, p.begin() + kHeaderSize);
  return p;
}

std::array<std::uint8_t, 16> randomCid() {
  std::random_device rd;
  std::array<std::uint8_t, 16> id{};
  for (auto& b : id) b = static_cast<std::uint8_t>(rd());
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0F) | 0x40);  // version 4
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

}  // namespace auralis::lighting::sacn
