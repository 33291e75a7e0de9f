// HTTP requests through the router: Beast's request parser reads the fuzz bytes
// (as the server's session does), the result is routed by a Router over a
// temporary web root. Beast stays in this one file.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz_support.hpp"
#include "net/access.hpp"
#include "net/router.hpp"

using namespace auralis;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr const char* kToken = "s3cret";

void writeFile(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// A web root with a page, an asset, a subfolder, and a symlink and a file just
/// outside it that no request may reach.
struct Site {
  fs::path dir;
  fs::path web;
  fs::path recordings;
  fuzz::FakeController controller;
  std::unique_ptr<net::Router> router;

  Site() {
    std::string tmpl = (fs::temp_directory_path() / "auralis-fuzz-http-XXXXXX").string();
    dir = fs::path(::mkdtemp(tmpl.data()));
    web = fs::canonical(dir) / "web";
    recordings = fs::canonical(dir) / "recordings";
    writeFile(web / "index.html", "<!doctype html><title>auralis</title>");
    writeFile(web / "app.js", "console.log('auralis');");
    writeFile(web / "sub" / "index.html", "<p>sub</p>");
    writeFile(dir / "secret.txt", "outside the web root");
    writeFile(recordings / "r1.wav", std::string(1000, 'x'));
    std::error_code ec;
    fs::create_symlink(dir / "secret.txt", web / "escape.txt", ec);

    net::RouterHooks hooks;
    hooks.controller = &controller;
    hooks.prometheusText = [] { return std::string("auralis_up 1\n"); };
    hooks.metricsJson = [] { return nlohmann::json{{"up", 1}}; };
    hooks.serverStatus = [] { return nlohmann::json{{"clients", 0}}; };
    const fs::path recs = recordings;
    hooks.extraRoutes.push_back(
        {"/api/v1/recordings",
         [recs](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
           auto rest = net::pathUnder(r, "/api/v1/recordings");
           if (!rest) return std::nullopt;
           if (*rest == "/r1") return net::fileResponse(r, recs / "r1.wav", "audio/wav");
           return net::errorResponse(404, makeError("not_found", "no such recording"));
         }});
    net::RouterConfig config;
    config.webRoot = web;
    config.controlToken = kToken;
    router = std::make_unique<net::Router>(config, std::move(hooks));
  }
  ~Site() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

bool under(const fs::path& file, const fs::path& root) {
  auto [r, f] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return r == root.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Site site;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  boost::beast::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec || used == 0) break;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) return 0;
  const auto& req = parser.get();
  net::HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req)
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  request.body = req.body();

  const net::HttpResponse response = site.router->handle(request);
  fuzz::require(response.status >= 200 && response.status < 600, "an HTTP status");
  fuzz::require(response.status != 500, "no internal error on any request");
  if (response.file) {
    std::error_code fsError;
    const fs::path file = fs::canonical(response.file->path, fsError);
    fuzz::require(!fsError, "a file body names an existing file");
    fuzz::require(under(file, site.web) || under(file, site.recordings),
                  "files come from the web root or a route's own folder");
    const auto fileSize = fs::file_size(file);
    fuzz::require(response.file->offset + response.file->length <= fileSize,
                  "a range stays inside the file");
  }
  if (request.method == "POST" && response.status == 200 &&
      net::pathUnder(request, "/api/v1/control")) {
    // However the path is spelled, a control write went through the access check
    // with the token. How a token may be presented (a case-insensitive Bearer
    // with blanks around the token, or ?token=) is access_test.cpp's business.
    fuzz::require(net::AccessPolicy::presentedToken(request) == kToken,
                  "control writes need the token");
  }
  const auto range = net::parseRange(request.header("Range"), 1000);
  if (range.kind == net::RangeKind::Partial)
    fuzz::require(range.first <= range.last && range.last < 1000, "a partial range is inside");
  return 0;
}
