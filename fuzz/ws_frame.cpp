// The binary audio frame: the AUR1 header parser (what a client or a relay reads)
// and the server's encoder round trip, including the WebSocket frame header the
// wire cache writes in front of a batch.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "fuzz_require.hpp"
#include "net/ws_wire.hpp"
#include "stream/frame.hpp"

using namespace auralis;

namespace {

/// The payload length an RFC 6455 frame header announces (what a browser reads).
std::uint64_t announcedLength(std::span<const std::uint8_t> h, std::size_t used) {
  const unsigned len7 = h[1] & 0x7Fu;
  if (len7 < 126) {
    fuzz::require(used == 2, "7-bit length in 2 bytes");
    return len7;
  }
  std::uint64_t n = 0;
  const std::size_t bytes = len7 == 126 ? 2 : 8;
  fuzz::require(used == 2 + bytes, "extended length size");
  for (std::size_t i = 0; i < bytes; ++i) n = (n << 8) | h[2 + i];
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  if (auto header = stream::parseHeader(in)) {
    fuzz::require(size >= stream::kHeaderSize, "a parsed header has 32 bytes");
    fuzz::require(header->payloadLength == size - stream::kHeaderSize,
                  "payload length matches the message");
    const auto frame = stream::makeFrame(*header, 0, in.subspan(stream::kHeaderSize));
    fuzz::require(frame->wire.size() == size, "frame size");
    fuzz::require(std::memcmp(frame->wire.data() + stream::kHeaderSize, data + stream::kHeaderSize,
                              size - stream::kHeaderSize) == 0,
                  "payload copied");
    auto fromWire = stream::parseHeader(frame->wire);
    fuzz::require(fromWire.has_value() && *fromWire == *header, "frame header round trip");

    const stream::FramePtr frames[] = {frame, frame};
    const auto msg = net::buildWireMessage(frames);
    fuzz::require(msg != nullptr && msg->payloadBytes == 2 * size, "wire payload size");
    const std::size_t headerBytes = msg->bytes.size() - msg->payloadBytes;
    fuzz::require(msg->bytes[0] == 0x82, "FIN + binary opcode");
    fuzz::require((msg->bytes[1] & 0x80u) == 0, "server frames are not masked");
    fuzz::require(announcedLength(msg->bytes, headerBytes) == msg->payloadBytes,
                  "announced length");
  }
  // The length encoding on its own, for lengths the frames above never reach.
  if (size >= 8) {
    std::uint64_t n = 0;
    std::memcpy(&n, data, sizeof n);
    n &= 0x0000FFFFFFFFFFFFull;  // keep lengths a size_t can hold everywhere
    std::array<std::uint8_t, 10> h{};
    const std::size_t used = net::writeBinaryFrameHeader(static_cast<std::size_t>(n), h);
    fuzz::require(announcedLength(h, used) == n, "length encoding round trip");
  }
  return 0;
}
