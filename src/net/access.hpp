// AccessPolicy: who may do what over HTTP and WebSocket (docs/security.md).
//
//   control    every write (POST, PUT, PATCH, DELETE: /api/v1/control, recordings,
//              presets, the lighting scene, sources, /upload) and WebSocket
//              `control` messages. Needs server.control_token when one is set.
//   listening  reads (GET/HEAD: status, metrics, static files, the /ws upgrade
//              and its audio). Open unless server.listen_token is set or
//              server.protect_listening is true; then the listen token or the
//              control token opens it. /health always stays open (probes).
//   origins    a browser page of another origin may neither write nor open /ws:
//              an Origin header must be the request's own origin (same Host) or
//              in server.allowed_origins; requests without Origin (curl, Python,
//              nginx health checks) pass.
//
// A token is presented as "Authorization: Bearer T" or a `token` query parameter
// (and on the WebSocket by a first message {"type":"auth","token":T}). Tokens are
// compared in constant time (their SHA-256 digests, so the length leaks nothing).
//
// Thread rules: an AccessPolicy is immutable after construction; every method is
// const and safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "net/router.hpp"

namespace auralis::net {

struct AccessConfig {
  /// Empty: control is open (allowed only on loopback; the app refuses otherwise).
  std::string controlToken;
  /// Non-empty: listening needs this token (or the control token).
  std::string listenToken;
  /// True: listening needs a token even when listenToken is empty (the control token).
  bool protectListening = false;
  /// Exact origins ("https://show.example.org", "http://10.0.0.5:8000") allowed
  /// besides the server's own; "*" allows any.
  std::vector<std::string> allowedOrigins;
};

/// A refusal: the HTTP status (401 or 403) and the error body.
struct AccessDenied {
  int status = 401;
  Error error;
};

class AccessPolicy {
 public:
  AccessPolicy() = default;
  explicit AccessPolicy(AccessConfig config);

  /// True when writes and WebSocket control need a token.
  bool controlProtected() const { return !config_.controlToken.empty(); }
  /// True when reads and the /ws upgrade need a token.
  bool listeningProtected() const {
    return config_.protectListening || !config_.listenToken.empty();
  }
  /// Whether `token` (empty: none presented) may control.
  bool canControl(std::string_view token) const;
  /// Whether `token` (empty: none presented) may listen.
  bool canListen(std::string_view token) const;
  /// Whether a request with this Origin header ("" when absent) to a server
  /// reached as `host` (the Host header) may write or open a WebSocket.
  bool originAllowed(std::string_view origin, std::string_view host) const;

  /// The decision for an HTTP request other than a /ws upgrade: nullopt to go on,
  /// else 403 `forbidden` (foreign Origin on a write) or 401 `unauthorized`.
  std::optional<AccessDenied> checkHttp(const HttpRequest& request) const;

  /// The token a request presents: the Bearer credential, else the `token` query
  /// parameter (percent-decoded), else "".
  static std::string presentedToken(const HttpRequest& request);
  /// True for the methods that change state: anything but GET, HEAD and OPTIONS.
  static bool isWrite(std::string_view method);
  /// The `auralis_token` cookie's value (percent-decoded), else "". A cookie
  /// only ever opens listening: a browser sends it with any request, forged or not.
  static std::string cookieToken(const HttpRequest& request);
  /// Whether a read (or the /ws upgrade) may listen: its token or its cookie.
  bool canListenRequest(const HttpRequest& request) const;
  /// The Set-Cookie value that lets a browser page opened with `?token=T` load
  /// its scripts and open /ws (HttpOnly, SameSite=Strict), or "" when the
  /// request is not such a page load.
  std::string listenCookie(const HttpRequest& request) const;

 private:
  AccessConfig config_;
};

/// Compares two secrets in time that depends on neither their contents nor their
/// lengths. Any thread.
bool constantTimeEquals(std::string_view a, std::string_view b);

/// `target` with the value of every `token` (and `access_token`) query parameter
/// replaced by "REDACTED", for anything that logs a request line. Any thread.
std::string redactTarget(std::string_view target);

/// Splits "a, b,c" into trimmed, non-empty items (server.allowed_origins). Any thread.
std::vector<std::string> splitList(std::string_view list);

}  // namespace auralis::net
