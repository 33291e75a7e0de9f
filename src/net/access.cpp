#include "net/access.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "control/messages.hpp"

namespace auralis::net {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

constexpr std::string_view kCookieName = "auralis_token";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "http://Host:8000/" -> "host:8000"; "" when it is not an http(s) origin.
std::string authorityOf(std::string_view origin) {
  const std::string o = lower(trim(origin));
  std::string_view rest(o);
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else {
    return {};
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  return std::string(rest);
}

std::string stripTrailingSlash(std::string_view s) {
  std::string out = lower(trim(s));
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // Digests have a fixed length, so neither the length of the secret nor the
  // position of the first difference shows in the time taken.
  std::array<unsigned char, SHA256_DIGEST_LENGTH> da{};
  std::array<unsigned char, SHA256_DIGEST_LENGTH> db{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db.data());
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

AccessPolicy::AccessPolicy(AccessConfig config) : config_(std::move(config)) {
  for (auto& o : config_.allowedOrigins) o = stripTrailingSlash(o);
}

bool AccessPolicy::canControl(std::string_view token) const {
  if (config_.controlToken.empty()) return true;
  return !token.empty() && constantTimeEquals(token, config_.controlToken);
}

bool AccessPolicy::canListen(std::string_view token) const {
  if (!listeningProtected()) return true;
  if (token.empty()) return false;
  // Both comparisons always run: which token matched does not show in the time.
  const bool listen =
      !config_.listenToken.empty() && constantTimeEquals(token, config_.listenToken);
  const bool control =
      !config_.controlToken.empty() && constantTimeEquals(token, config_.controlToken);
  return listen || control;
}

bool AccessPolicy::originAllowed(std::string_view origin, std::string_view host) const {
  if (trim(origin).empty()) return true;  // not a browser: tokens decide
  const std::string o = stripTrailingSlash(origin);
  for (const auto& allowed : config_.allowedOrigins) {
    if (allowed == "*" || allowed == o) return true;
  }
  // The server's own origin: the page was loaded from the host the request names.
  const std::string authority = authorityOf(origin);
  return !authority.empty() && authority == lower(trim(host));
}

std::optional<AccessDenied> AccessPolicy::checkHttp(const HttpRequest& request) const {
  const std::string_view target(request.target);
  const std::string_view path = target.substr(0, target.find('?'));
  if (isWrite(request.method)) {
    if (!originAllowed(request.header("Origin"), request.header("Host"))) {
      return AccessDenied{403, makeError("forbidden",
                                         "requests from a page of another origin may not change "
                                         "anything here (server.allowed_origins)")};
    }
    if (!canControl(presentedToken(request))) {
      return AccessDenied{401,
                          makeError(control::codes::kUnauthorized,
                                    "this server needs Authorization: Bearer <token> to change "
                                    "anything (server.control_token)")};
    }
    return std::nullopt;
  }
  if (path == "/health" || canListenRequest(request)) return std::nullopt;
  return AccessDenied{401, makeError(control::codes::kUnauthorized,
                                     "this server needs Authorization: Bearer <token> or ?token= "
                                     "(server.listen_token)")};
}

std::string AccessPolicy::presentedToken(const HttpRequest& request) {
  const std::string auth = request.header("Authorization");
  if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
    return std::string(trim(std::string_view(auth).substr(7)));
  }
  const std::string_view target(request.target);
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    if (kv.starts_with("token=")) {
      auto decoded = Router::percentDecode(kv.substr(6));
      return decoded ? *decoded : std::string();
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

std::string AccessPolicy::cookieToken(const HttpRequest& request) {
  const std::string header = request.header("Cookie");
  std::string_view cookies(header);
  while (!cookies.empty()) {
    const auto semi = cookies.find(';');
    const std::string_view pair = trim(cookies.substr(0, semi));
    if (pair.starts_with(kCookieName) && pair.size() > kCookieName.size() &&
        pair[kCookieName.size()] == '=') {
      auto decoded = Router::percentDecode(pair.substr(kCookieName.size() + 1));
      return decoded ? *decoded : std::string();
    }
    if (semi == std::string_view::npos) break;
    cookies.remove_prefix(semi + 1);
  }
  return {};
}

bool AccessPolicy::canListenRequest(const HttpRequest& request) const {
  if (!listeningProtected()) return true;
  const std::string cookie = cookieToken(request);
  return canListen(presentedToken(request)) || (!cookie.empty() && canListen(cookie));
}

std::string AccessPolicy::listenCookie(const HttpRequest& request) const {
  if (!listeningProtected() || isWrite(request.method)) return {};
  const std::string_view target(request.target);
  if (target.find("token=") == std::string_view::npos) return {};
  HttpRequest queryOnly;
  queryOnly.target = request.target;
  const std::string token = presentedToken(queryOnly);
  if (token.empty() || !canListen(token)) return {};
  std::string value;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const unsigned char c : token) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      value += static_cast<char>(c);
    } else {
      value += '%';
      value += kHex[c >> 4];
      value += kHex[c & 15];
    }
  }
  return std::string(kCookieName) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
}

bool AccessPolicy::isWrite(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string redactTarget(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    const auto amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = kv.find('=');
    const std::string name = lower(kv.substr(0, eq));
    if (eq != std::string_view::npos && (name == "token" || name == "access_token")) {
      out.append(kv.substr(0, eq + 1)).append("REDACTED");
    } else {
      out.append(kv);
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

std::vector<std::string> splitList(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace auralis::net
