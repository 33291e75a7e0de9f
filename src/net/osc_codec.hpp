// OSC 1.0 packets <-> plain values. liblo decodes and encodes single messages
// (lo_message_deserialise / lo_message_serialise); bundles are unwrapped here
// because liblo only parses them inside its own server, which we do not use
// (liblo 0.31's server cannot bind one address, so the UDP socket is ours).
//
// Public interface
//   OscArg, OscMessage        a decoded message: address, type tags, arguments
//   decodeOscPacket(bytes)    a datagram -> its messages (a bundle gives several)
//   encodeOscMessage(msg)     a message -> the bytes of one datagram
//
// Thread rules: free functions on plain values; any non-real-time thread (they
// allocate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace auralis::net {

/// One argument. `type` is the OSC type tag; numbers of every width (i h f d)
/// are widened to double, strings and symbols (s S) to text, T/F to bool; N, I
/// and the types we never interpret (b m t c r) carry no value.
struct OscArg {
  char type = 'N';
  std::variant<std::monostate, double, std::string, bool> value;

  bool isNumber() const { return std::holds_alternative<double>(value); }
  bool isText() const { return std::holds_alternative<std::string>(value); }
  bool isBool() const { return std::holds_alternative<bool>(value); }
};

struct OscMessage {
  std::string address;
  std::vector<OscArg> args;

  /// The type tags, e.g. "fs". Any thread.
  std::string types() const;
};

/// Largest datagram we read or write; bigger ones are malformed for us.
inline constexpr std::size_t kMaxOscPacket = 8192;

/// Decodes one datagram: a message, or a bundle (nested bundles included, up to
/// 8 deep) whose elements are all well formed. Any fault refuses the whole
/// packet with code "malformed". Any non-real-time thread.
Result<std::vector<OscMessage>> decodeOscPacket(std::span<const std::uint8_t> packet);

/// Encodes one message (numbers are written with the type tag they carry:
/// i as int32, h as int64, f as float32, d as float64). Any non-real-time thread.
Result<std::vector<std::uint8_t>> encodeOscMessage(const OscMessage& message);

/// Convenience constructors for outgoing arguments.
OscArg oscFloat(double v);
OscArg oscInt(std::int32_t v);
OscArg oscDouble(double v);
OscArg oscString(std::string v);

}  // namespace auralis::net
