#include "net/osc_codec.hpp"

#include <lo/lo.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

namespace auralis::net {

namespace {

/// `v` as integer type T, clamped to its range (NaN -> 0). An int64 near its maximum
/// widens to a double of 2^63, which a plain cast cannot hold (found by fuzz/osc_packet).
template <typename T>
T saturate(double v) {
  if (!(v == v)) return 0;
  constexpr double kLow = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double kHigh = static_cast<double>(std::numeric_limits<T>::max());
  if (v <= kLow) return std::numeric_limits<T>::min();
  if (v >= kHigh) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

constexpr int kMaxBundleDepth = 8;
constexpr char kBundleTag[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};

Error malformed(std::string why) {
  return makeError("malformed", "malformed OSC packet: " + why);
}

struct MessageDeleter {
  void operator()(lo_message m) const { lo_message_free(m); }
};
using MessagePtr = std::unique_ptr<std::remove_pointer_t<lo_message>, MessageDeleter>;

std::uint32_t readBigEndian32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

Result<OscMessage> decodeMessage(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 4 || bytes.size() % 4 != 0) return malformed("size is not a multiple of 4");
  if (bytes[0] != '/') return malformed("address does not start with '/'");
  const void* nul = std::memchr(bytes.data(), 0, bytes.size());
  if (nul == nullptr) return malformed("address is not terminated");
  OscMessage out;
  out.address.assign(reinterpret_cast<const char*>(bytes.data()),
                     static_cast<const std::uint8_t*>(nul) - bytes.data());
  // liblo validates padding, the type tag string and every argument's size.
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  int result = 0;
  MessagePtr m(lo_message_deserialise(copy.data(), copy.size(), &result));
  if (!m || result != 0)
    return malformed("liblo refused it (error " + std::to_string(result) + ")");
  const int argc = lo_message_get_argc(m.get());
  const char* types = lo_message_get_types(m.get());
  lo_arg** argv = lo_message_get_argv(m.get());
  for (int k = 0; k < argc; ++k) {
    OscArg arg;
    arg.type = types[k];
    // liblo's argument pointers point into the packet, 4-byte aligned: copy the
    // bytes out rather than read a 64-bit member in place (undefined behaviour).
    // Its pointer array itself can be only 4-byte aligned (found by fuzz/osc_packet),
    // so the pointer is copied out too.
    const void* at = nullptr;
    std::memcpy(&at, reinterpret_cast<const unsigned char*>(argv) + k * sizeof(lo_arg*), sizeof at);
    auto read = [&](auto value) {
      std::memcpy(&value, at, sizeof value);
      return value;
    };
    switch (arg.type) {
      case LO_INT32:
        arg.value = static_cast<double>(read(std::int32_t{}));
        break;
      case LO_INT64:
        arg.value = static_cast<double>(read(std::int64_t{}));
        break;
      case LO_FLOAT:
        arg.value = static_cast<double>(read(0.0F));
        break;
      case LO_DOUBLE:
        arg.value = read(0.0);
        break;
      case LO_STRING:
      case LO_SYMBOL:
        arg.value = std::string(static_cast<const char*>(at));
        break;
      case LO_TRUE:
        arg.value = true;
        break;
      case LO_FALSE:
        arg.value = false;
        break;
      default:
        break;  // N, I, blobs, MIDI, timetags, chars: carried without a value
    }
    out.args.push_back(std::move(arg));
  }
  return out;
}

Status decodeInto(std::span<const std::uint8_t> bytes, int depth, std::vector<OscMessage>& out) {
  if (bytes.size() >= 16 && std::memcmp(bytes.data(), kBundleTag, sizeof kBundleTag) == 0) {
    if (depth >= kMaxBundleDepth) return malformed("bundles nested too deep");
    std::size_t at = 16;  // tag and time tag (elements run as soon as they arrive)
    while (at < bytes.size()) {
      if (bytes.size() - at < 4) return malformed("truncated bundle element size");
      const std::uint32_t size = readBigEndian32(bytes.data() + at);
      at += 4;
      if (size == 0 || size % 4 != 0 || size > bytes.size() - at)
        return malformed("bundle element size out of bounds");
      if (auto r = decodeInto(bytes.subspan(at, size), depth + 1, out); !r) return r;
      at += size;
    }
    return Ok{};
  }
  auto message = decodeMessage(bytes);
  if (!message) return message.error();
  out.push_back(std::move(message).value());
  return Ok{};
}

}  // namespace

std::string OscMessage::types() const {
  std::string t;
  for (const auto& a : args) t.push_back(a.type);
  return t;
}

Result<std::vector<OscMessage>> decodeOscPacket(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return malformed("empty datagram");
  if (packet.size() > kMaxOscPacket) return malformed("datagram larger than 8192 bytes");
  std::vector<OscMessage> out;
  if (auto r = decodeInto(packet, 0, out); !r) return r.error();
  return out;
}

Result<std::vector<std::uint8_t>> encodeOscMessage(const OscMessage& message) {
  if (message.address.empty() || message.address[0] != '/')
    return makeError("invalid_param", "an OSC address starts with '/'", "address");
  MessagePtr m(lo_message_new());
  if (!m) return makeError("internal", "lo_message_new failed");
  for (const auto& a : message.args) {
    const double* number = std::get_if<double>(&a.value);
    int rc = 0;
    switch (a.type) {
      case LO_INT32:
        rc = lo_message_add_int32(m.get(), number ? saturate<std::int32_t>(*number) : 0);
        break;
      case LO_INT64:
        rc = lo_message_add_int64(m.get(), number ? saturate<std::int64_t>(*number) : 0);
        break;
      case LO_FLOAT:
        rc = lo_message_add_float(m.get(), number ? static_cast<float>(*number) : 0.0F);
        break;
      case LO_DOUBLE:
        rc = lo_message_add_double(m.get(), number ? *number : 0.0);
        break;
      case LO_STRING: {
        const auto* text = std::get_if<std::string>(&a.value);
        rc = lo_message_add_string(m.get(), text ? text->c_str() : "");
        break;
      }
      case LO_TRUE:
        rc = lo_message_add_true(m.get());
        break;
      case LO_FALSE:
        rc = lo_message_add_false(m.get());
        break;
      case LO_NIL:
        rc = lo_message_add_nil(m.get());
        break;
      default:
        return makeError("invalid_param", std::string("cannot encode OSC type '") + a.type + "'");
    }
    if (rc != 0) return makeError("internal", "liblo could not add an argument");
  }
  std::size_t size = 0;
  void* data = lo_message_serialise(m.get(), message.address.c_str(), nullptr, &size);
  if (data == nullptr) return makeError("internal", "lo_message_serialise failed");
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  std::vector<std::uint8_t> out(bytes, bytes + size);
  std::free(data);  // liblo allocates the serialised form with malloc
  return out;
}

OscArg oscFloat(double v) {
  return OscArg{'f', v};
}
OscArg oscInt(std::int32_t v) {
  return OscArg{'i', static_cast<double>(v)};
}
OscArg oscDouble(double v) {
  return OscArg{'d', v};
}
OscArg oscString(std::string v) {
  return OscArg{'s', std::move(v)};
}

}  // namespace auralis::net
