// Where frames go: "HOST[:PORT][@DELAY_MS]" for Art-Net or sACN, resolved once.
// The delay holds this output's frames back so lights line up with speakers (or
// with listeners further down a stream).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace auralis::lighting {

enum class Protocol : std::uint8_t { ArtNet, Sacn };

struct OutputTarget {
  Protocol protocol = Protocol::ArtNet;
  std::string host = "127.0.0.1";
  std::uint16_t port = 6454;
  double delayMs = 0.0;   // 0..2000
  sockaddr_in address{};  // resolved
};

/// Parses and resolves a target spec; the port defaults to the protocol's.
/// `forBind` also accepts port 0 (any free port). Errors (code invalid_param)
/// name the spec and what is accepted.
Result<OutputTarget> parseOutputTarget(std::string_view spec, Protocol protocol,
                                       bool forBind = false);

}  // namespace auralis::lighting
