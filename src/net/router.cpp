#include "net/router.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "control/messages.hpp"
#include "net/access.hpp"

namespace auralis::net {
namespace fs = std::filesystem;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

HttpResponse methodNotAllowed(std::string allow) {
  HttpResponse r =
      errorResponse(405, makeError("method_not_allowed", "method not allowed; use " + allow));
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string_view> pathUnder(const HttpRequest& request, std::string_view prefix) {
  std::string_view path(request.target);
  path = path.substr(0, path.find('?'));
  if (!path.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = path.substr(prefix.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return rest;
}

HttpResponse jsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.contentType = "application/json";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

HttpResponse errorResponse(int status, const Error& error) {
  return jsonResponse(status, control::makeHttpError(error));
}

Router::Router(RouterConfig config, RouterHooks hooks)
    : config_(std::move(config)), hooks_(std::move(hooks)) {
  std::error_code ec;
  canonicalRoot_ = fs::canonical(config_.webRoot, ec);
  if (ec) canonicalRoot_.clear();  // no web root: static requests get 404
}

std::optional<std::string> Router::percentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;  // a truncated escape
    const int hi = hexValue(in[i + 1]);
    const int lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

fs::path Router::resolveStatic(const fs::path& root, std::string_view urlPath) {
  if (root.empty()) return {};
  auto decoded = percentDecode(urlPath);
  if (!decoded) return {};
  const std::string& p = *decoded;
  // Refuse anything that still looks encoded (double encoding), NUL, backslash,
  // and any "." or ".." segment. What is left is a plain relative path.
  if (p.empty() || p[0] != '/') return {};
  if (p.find('%') != std::string::npos || p.find('\0') != std::string::npos ||
      p.find('\\') != std::string::npos) {
    return {};
  }
  std::string rel;
  std::stringstream segments(p.substr(1));
  for (std::string seg; std::getline(segments, seg, '/');) {
    if (seg.empty()) continue;
    if (seg == "." || seg == "..") return {};
    rel += (rel.empty() ? "" : "/") + seg;
  }
  fs::path candidate = rel.empty() ? root / "index.html" : root / rel;
  std::error_code ec;
  if (fs::is_directory(candidate, ec)) candidate /= "index.html";
  const fs::path real = fs::canonical(candidate, ec);
  if (ec || !fs::is_regular_file(real, ec)) return {};
  // A symlink may point outside the root; the canonical path must stay inside.
  auto [rootEnd, realIt] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (rootEnd != root.end()) return {};
  return real;
}

std::string Router::contentTypeFor(const fs::path& file) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".wasm", "application/wasm"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
      {".ogg", "audio/ogg"},
      {".opus", "audio/ogg"},
      {".mp3", "audio/mpeg"},
  };
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

HttpResponse Router::handle(const HttpRequest& request) const {
  try {
    std::string_view target = request.target;
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string& m = request.method;
    const bool get = m == "GET" || m == "HEAD";
    HttpResponse r;
    if (auto extra = extraRoute(request, path)) {
      r = std::move(*extra);
    } else if (path == "/health") {
      r = get ? health() : methodNotAllowed("GET, HEAD");
    } else if (path == "/api/v1/status") {
      r = get ? status() : methodNotAllowed("GET, HEAD");
    } else if (path == "/api/v1/control") {
      if (get) {
        r = jsonResponse(200, {{"params", control::toJson(hooks_.controller->current())}});
      } else if (m == "POST") {
        r = postControl(request);
      } else {
        r = methodNotAllowed("GET, HEAD, POST");
      }
    } else if (path == "/api/v1/metrics") {
      r = get ? jsonResponse(200,
                             hooks_.metricsJson ? hooks_.metricsJson() : nlohmann::json::object())
              : methodNotAllowed("GET, HEAD");
    } else if (path == "/metrics") {
      if (get) {
        r.contentType = "text/plain; version=0.0.4; charset=utf-8";
        r.headers.emplace_back("Cache-Control", "no-store");
        r.body = hooks_.prometheusText ? hooks_.prometheusText() : std::string();
      } else {
        r = methodNotAllowed("GET, HEAD");
      }
    } else if (path == "/api/v1/schema") {
      r = get ? jsonResponse(200, protocolSchema()) : methodNotAllowed("GET, HEAD");
    } else if (path.starts_with("/api/")) {
      r = errorResponse(404, makeError("not_found", "no such endpoint"));
    } else {
      r = get ? staticFile(request, path) : methodNotAllowed("GET, HEAD");
    }
    if (m == "HEAD") r.body.clear();  // the server keeps Content-Length of GET
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
  } catch (const std::exception& e) {
    return errorResponse(500, makeError(control::codes::kInternal, e.what()));
  }
}

std::optional<HttpResponse> Router::extraRoute(const HttpRequest& request,
                                               std::string_view path) const {
  for (const auto& route : hooks_.extraRoutes) {
    if (!path.starts_with(route.pathPrefix) || !route.handle) continue;
    if (auto r = route.handle(request)) return r;
  }
  return std::nullopt;
}

HttpResponse Router::health() const {
  nlohmann::json engine = hooks_.controller->engineStatus();
  if (!engine.is_object()) engine = nlohmann::json::object();
  if (!engine.contains("status")) engine["status"] = "ok";
  return jsonResponse(200, engine);
}

HttpResponse Router::status() const {
  nlohmann::json j =
      control::makeStatus(hooks_.controller->current(), hooks_.controller->engineStatus());
  if (hooks_.serverStatus) j["server"] = hooks_.serverStatus();
  if (hooks_.statusExtras) j.update(hooks_.statusExtras());
  return jsonResponse(200, j);
}

HttpResponse Router::postControl(const HttpRequest& request) const {
  // The server checks every write before routing (net/access.hpp); this keeps the
  // router safe on its own (unit tests, fuzzing, any other front end).
  if (!AccessPolicy({config_.controlToken, {}, false, {}})
           .canControl(AccessPolicy::presentedToken(request))) {
    return errorResponse(401, makeError(control::codes::kUnauthorized,
                                        "this server needs Authorization: Bearer <token>"));
  }
  nlohmann::json body;
  if (auto parsed = control::parseJsonText(request.body, body); !parsed.ok()) {
    return errorResponse(400, parsed.error());
  }
  auto patch = control::parseControlParams(body);
  if (!patch.ok()) return errorResponse(400, patch.error());
  const control::ControlParams applied = hooks_.controller->apply(patch.value());
  if (hooks_.onApplied) hooks_.onApplied(applied);
  return jsonResponse(200, {{"applied", control::toJson(applied)}});
}

HttpResponse Router::staticFile(const HttpRequest& request, std::string_view path) const {
  const fs::path file = resolveStatic(canonicalRoot_, path);
  if (file.empty()) return errorResponse(404, makeError("not_found", "no such file"));
  HttpResponse r = fileResponse(request, file, contentTypeFor(file));
  if (r.status == 200 || r.status == 206) {
    // HTML is revalidated on every load so a new build is picked up; other
    // assets may be cached for an hour.
    const bool html = r.contentType.starts_with("text/html");
    r.headers.emplace_back("Cache-Control", html ? "no-cache" : "public, max-age=3600");
  }
  return r;
}

}  // namespace auralis::net
