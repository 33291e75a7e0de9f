// OSC datagrams: the packet decoder (messages and nested bundles), the address
// space that turns a message into control params, the shared validator, and
// the encoder round trip for what decoded.
#include <cstddef>
#include <cstdint>
#include <span>

#include "control/params.hpp"
#include "fuzz_support.hpp"
#include "net/osc_codec.hpp"
#include "net/osc_namespace.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = net::decodeOscPacket(std::span<const std::uint8_t>(data, size));
  if (!decoded) return 0;
  fuzz::require(size <= net::kMaxOscPacket, "no datagram over the limit decodes");
  for (const auto& msg : decoded.value()) {
    fuzz::require(msg.args.size() == msg.types().size(), "one type tag per argument");
    if (auto params = net::oscToControlParams(msg)) {
      auto patch = control::parseControlParams(params.value());
      if (patch) (void)control::applyPatch(control::ControlParams{}, patch.value());
    }
    // What we decoded we can send back; it decodes to the same address and types.
    if (auto bytes = net::encodeOscMessage(msg)) {
      auto again = net::decodeOscPacket(bytes.value());
      if (bytes.value().size() <= net::kMaxOscPacket) {
        fuzz::require(again.ok() && again.value().size() == 1, "re-encoded message decodes");
        fuzz::require(again.value()[0].address == msg.address, "address round trip");
      }
    }
  }
  return 0;
}
