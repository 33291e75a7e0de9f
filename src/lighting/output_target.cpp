#include "lighting/output_target.hpp"

#include <arpa/inet.h>
#include <netdb.h>

#include <charconv>
#include <cstring>

#include "lighting/artnet.hpp"
#include "lighting/sacn.hpp"

namespace auralis::lighting {

namespace {

Error bad(std::string_view spec, const std::string& why) {
  return makeError("invalid_param",
                   "lighting target \"" + std::string(spec) + "\": " + why +
                       " (expected HOST[:PORT][@DELAY_MS], e.g. 127.0.0.1:6454@40)");
}

}  // namespace

Result<OutputTarget> parseOutputTarget(std::string_view spec, Protocol protocol, bool forBind) {
  OutputTarget t;
  t.protocol = protocol;
  t.port = protocol == Protocol::ArtNet ? artnet::kPort : sacn::kPort;
  std::string_view rest = spec;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    const auto text = rest.substr(at + 1);
    double ms = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size() || !(ms >= 0.0 && ms <= 2000.0))
      return bad(spec, "the delay must be 0..2000 ms");
    t.delayMs = ms;
    rest = rest.substr(0, at);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    const auto text = rest.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size() || (port == 0 && !forBind) ||
        port > 65535)
      return bad(spec, "the port must be 1..65535");
    t.port = static_cast<std::uint16_t>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return bad(spec, "the host is missing");
  t.host = std::string(rest);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(t.host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr)
    return bad(spec, "the host does not resolve to an IPv4 address");
  std::memcpy(&t.address, found->ai_addr, sizeof(sockaddr_in));
  freeaddrinfo(found);
  t.address.sin_port = htons(t.port);
  return t;
}

}  // namespace auralis::lighting
