// Router: HTTP request -> response, with no sockets, so every endpoint can be
// unit-tested and fuzzed in-process. The Beast server (server.cpp) only moves
// bytes; everything a client sees over HTTP is decided here.
//
// Endpoints (docs/protocol.md): GET /health, GET /api/v1/status, GET|POST
// /api/v1/control, GET /api/v1/metrics, GET /metrics, GET /api/v1/schema, and
// static files from the web root (GET/HEAD) with no way out of it.
//
// Thread rules: handle() is const and thread-safe given thread-safe hooks; the
// server calls it from any of its io threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/controller.hpp"

namespace auralis::net {

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and optional query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// The first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

/// A response body sent from disk (never read into memory): `length` bytes of
/// `path` starting at `offset`.
struct FileBody {
  std::filesystem::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// When set, the server sends this file range as the body and ignores `body`.
  std::optional<FileBody> file;
};

/// The outcome of reading a Range header against a resource of a known size.
enum class RangeKind : std::uint8_t { Whole, Partial, Unsatisfiable };
struct ByteRange {
  RangeKind kind = RangeKind::Whole;
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive (Partial only)
};

/// Reads `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` against `size` bytes.
/// An absent, malformed, non-bytes or multi-range header yields Whole (RFC 9110
/// lets a server ignore Range); a range starting at or past the end yields
/// Unsatisfiable. Any thread.
ByteRange parseRange(std::string_view header, std::uint64_t size);

/// A response that serves `file` from disk with `contentType`, honouring the
/// request's Range header: 200 with the whole file, 206 with Content-Range, or
/// 416 with `Content-Range: bytes */size`; always `Accept-Ranges: bytes`. 404
/// when the file cannot be opened. For ExtraRoutes (recordings downloads) too.
/// Any io thread.
HttpResponse fileResponse(const HttpRequest& request, const std::filesystem::path& file,
                          std::string contentType);

/// An endpoint a feature adds from the app (recordings, sources, presets, OSC
/// namespace, ...) without touching the router: it answers the requests whose
/// path starts with `pathPrefix` and returns nullopt to let the router go on.
/// Called on an io thread: it must not block for long (hand heavy work to a worker).
struct ExtraRoute {
  std::string pathPrefix;
  std::function<std::optional<HttpResponse>(const HttpRequest&)> handle;
};

struct RouterHooks {
  control::Controller* controller = nullptr;
  std::function<std::string()> prometheusText;
  std::function<nlohmann::json()> metricsJson;
  /// Server facts merged into status replies (client counts, ...).
  std::function<nlohmann::json()> serverStatus;
  /// Fields merged into status replies at the top level (version, stream, rooms).
  std::function<nlohmann::json()> statusExtras;
  /// Called after a successful POST /api/v1/control (the server broadcasts status).
  std::function<void(const control::ControlParams&)> onApplied;
  /// Tried in order before the built-in /api/ 404 and the static files.
  std::vector<ExtraRoute> extraRoutes;
};

struct RouterConfig {
  std::filesystem::path webRoot = "web";
  /// When non-empty, POST /api/v1/control needs "Authorization: Bearer <token>".
  std::string controlToken;
};

class Router {
 public:
  Router(RouterConfig config, RouterHooks hooks);
  /// Any io thread.
  HttpResponse handle(const HttpRequest& request) const;

  /// Percent-decodes a URL path; nullopt-like empty optional on malformed escapes.
  static std::optional<std::string> percentDecode(std::string_view in);
  /// The file under `root` that `urlPath` names, or empty when the path is unsafe
  /// (traversal, NUL, backslash, encoded escapes, symlinks out of the root).
  static std::filesystem::path resolveStatic(const std::filesystem::path& root,
                                             std::string_view urlPath);
  /// Content type by file extension.
  static std::string contentTypeFor(const std::filesystem::path& file);

 private:
  std::optional<HttpResponse> extraRoute(const HttpRequest& request, std::string_view path) const;
  HttpResponse status() const;
  HttpResponse health() const;
  HttpResponse postControl(const HttpRequest& request) const;
  HttpResponse staticFile(const HttpRequest& request, std::string_view path) const;

  RouterConfig config_;
  RouterHooks hooks_;
  std::filesystem::path canonicalRoot_;
};

/// What follows `prefix` in the request's path (query left out): "" or "/rest", or
/// nullopt when the path is not under the prefix ("/api/v1/recordingsX" is not under
/// "/api/v1/recordings"). For ExtraRoute handlers.
std::optional<std::string_view> pathUnder(const HttpRequest& request, std::string_view prefix);

/// A JSON response (application/json, not cached); invalid UTF-8 in strings is replaced.
HttpResponse jsonResponse(int status, const nlohmann::json& body);
/// A JSON error response {"error":{"code","message","field"}}.
HttpResponse errorResponse(int status, const Error& error);

/// The JSON Schema (2020-12) of every WebSocket message and the control params.
nlohmann::json protocolSchema();

}  // namespace auralis::net
