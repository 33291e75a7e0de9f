#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fake_controller.hpp"
#include "net/router.hpp"

using namespace auralis::net;
namespace fs = std::filesystem;

namespace {
struct Fixture {
  fs::path root;
  FakeController controller;
  int applied = 0;
  std::unique_ptr<Router> router;
  Fixture() {
    // One directory per process: ctest runs the cases of this file in parallel.
    const fs::path base =
        fs::path(AURALIS_BINARY_DIR) / ("net_router_test-" + std::to_string(::getpid()));
    fs::remove_all(base);
    root = base / "web";
    fs::create_directories(root / "js");
    std::ofstream(root / "index.html") << "<html>auralis</html>";
    std::ofstream(root / "js" / "app.js") << "console.log(1)";
    std::ofstream(root / "style.css") << "body{}";
    std::ofstream(base / "secret.txt") << "SECRET";
    fs::create_symlink(base / "secret.txt", root / "link.txt");
    RouterHooks hooks;
    hooks.controller = &controller;
    hooks.prometheusText = [] { return std::string("# TYPE x counter\nx 1\n"); };
    hooks.metricsJson = [] { return nlohmann::json{{"x", 1}}; };
    hooks.onApplied = [this](const auralis::control::ControlParams&) { ++applied; };
    router = std::make_unique<Router>(RouterConfig{root, ""}, hooks);
  }
  HttpResponse get(const std::string& target) const {
    HttpRequest r;
    r.target = target;
    return router->handle(r);
  }
  HttpResponse post(const std::string& target, const std::string& body) const {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    return router->handle(r);
  }
};
std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}
}  // namespace

TEST_CASE("health, status, metrics and schema endpoints") {
  Fixture f;
  auto h = f.get("/health");
  CHECK(h.status == 200);
  CHECK(h.contentType == "application/json");
  CHECK(nlohmann::json::parse(h.body)["status"] == "ok");
  f.controller.degraded = true;
  auto d = nlohmann::json::parse(f.get("/health").body);
  CHECK(d["status"] == "degraded");
  CHECK(d["reason"] == "audio device lost");
  auto s = nlohmann::json::parse(f.get("/api/v1/status").body);
  CHECK(s["type"] == "status");
  CHECK(s["params"]["bpm"] == 90.0);
  auto m = f.get("/metrics");
  CHECK(m.status == 200);
  CHECK(m.contentType.starts_with("text/plain; version=0.0.4"));
  CHECK(m.body.find("x 1") != std::string::npos);
  CHECK(nlohmann::json::parse(f.get("/api/v1/metrics").body)["x"] == 1);
  auto schema = nlohmann::json::parse(f.get("/api/v1/schema?x=1").body);
  CHECK(schema["$defs"]["params"]["properties"]["bpm"]["maximum"] == 200.0);
  CHECK(schema["$defs"]["clientMessage"]["oneOf"].size() ==
        8);  // + client_report, auth, playback, midi
  CHECK(f.get("/api/v1/nothing").status == 404);
}

TEST_CASE("GET and POST /api/v1/control share validation and error codes") {
  Fixture f;
  CHECK(nlohmann::json::parse(f.get("/api/v1/control").body)["params"]["intensity"] == 0.5);
  auto ok = f.post("/api/v1/control", R"({"bpm":120,"key":"E minor"})");
  CHECK(ok.status == 200);
  CHECK(nlohmann::json::parse(ok.body)["applied"]["bpm"] == 120.0);
  CHECK(f.applied == 1);
  auto bad = f.post("/api/v1/control", R"({"bpm":"fast"})");
  CHECK(bad.status == 400);
  auto e = nlohmann::json::parse(bad.body)["error"];
  CHECK(e["code"] == "invalid_param");
  CHECK(e["field"] == "bpm");
  CHECK(nlohmann::json::parse(f.post("/api/v1/control", "{nope").body)["error"]["code"] ==
        "bad_json");
  CHECK(nlohmann::json::parse(f.post("/api/v1/control", R"({"volume":1})").body)["error"]["code"] ==
        "unknown_param");
  // All or nothing: the refused requests changed nothing.
  CHECK(f.controller.current().bpm == doctest::Approx(120));
  CHECK(f.controller.applies.load() == 1);
  HttpRequest del;
  del.method = "DELETE";
  del.target = "/api/v1/control";
  auto r = f.router->handle(del);
  CHECK(r.status == 405);
  CHECK(header(r, "Allow") == "GET, HEAD, POST");
}

TEST_CASE("a control token is required when configured") {
  FakeController c;
  RouterHooks hooks;
  hooks.controller = &c;
  Router router(RouterConfig{"/nonexistent", "s3cret"}, hooks);
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/control";
  r.body = R"({"bpm":100})";
  auto denied = router.handle(r);
  CHECK(denied.status == 401);
  CHECK(nlohmann::json::parse(denied.body)["error"]["code"] == "unauthorized");
  r.headers.emplace_back("authorization", "Bearer s3cret");
  CHECK(router.handle(r).status == 200);
}

TEST_CASE("static files: content types, caching, index") {
  Fixture f;
  auto index = f.get("/");
  CHECK(index.status == 200);
  REQUIRE(index.file);  // sent from disk by the server, not read into memory
  CHECK(index.file->path == f.root / "index.html");
  CHECK(index.file->offset == 0);
  CHECK(index.file->length == std::string("<html>auralis</html>").size());
  CHECK(header(index, "Accept-Ranges") == "bytes");
  CHECK(index.contentType == "text/html; charset=utf-8");
  CHECK(header(index, "Cache-Control") == "no-cache");
  auto js = f.get("/js/app.js?v=3");
  CHECK(js.status == 200);
  CHECK(js.contentType == "text/javascript; charset=utf-8");
  CHECK(header(js, "Cache-Control") == "public, max-age=3600");
  CHECK(f.get("/style.css").contentType == "text/css; charset=utf-8");
  CHECK(f.get("/js/").status == 404);  // no index.html there, no listing
  CHECK(f.get("/missing.html").status == 404);
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/style.css";
  auto h = f.router->handle(head);
  CHECK(h.status == 200);
  CHECK(h.body.empty());
}

TEST_CASE("directory traversal is refused in every spelling") {
  Fixture f;
  for (const char* t :
       {"/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/%252e%252e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/js/..\\..\\secret.txt",
        "//etc/passwd", "/%2fetc%2fpasswd", "/index.html%00.js", "/%00", "/link.txt",
        "/./index.html", "/%", "/%zz", "/%2"}) {
    INFO(t);
    auto r = f.get(t);
    CHECK(r.status == 404);
    CHECK(r.body.find("SECRET") == std::string::npos);
    CHECK(r.body.find("root:") == std::string::npos);
  }
}

TEST_CASE("Range headers: parsing") {
  CHECK(parseRange("bytes=0-9", 100).kind == RangeKind::Partial);
  CHECK(parseRange("bytes=10-", 100).first == 10);
  CHECK(parseRange("bytes=10-", 100).last == 99);
  CHECK(parseRange("bytes=-10", 100).first == 90);
  CHECK(parseRange("bytes=-1000", 100).first == 0);  // more than the file: all of it
  CHECK(parseRange("bytes=50-5000", 100).last == 99);
  CHECK(parseRange("bytes=100-", 100).kind == RangeKind::Unsatisfiable);
  CHECK(parseRange("bytes=-0", 100).kind == RangeKind::Unsatisfiable);
  CHECK(parseRange("bytes=0-", 0).kind == RangeKind::Unsatisfiable);
  // Malformed, other units and multiple ranges are ignored: the whole file.
  for (const char* h : {"bytes=9-1", "bytes=a-b", "items=0-1", "bytes=0-1,5-6", "bytes=", "0-1",
                        "bytes=--1", "bytes=1-2-3", "bytes=18446744073709551616-"}) {
    INFO(h);
    CHECK(parseRange(h, 100).kind == RangeKind::Whole);
  }
}

TEST_CASE("static files answer Range requests with 206, 416 and Content-Range") {
  Fixture f;
  HttpRequest r;
  r.target = "/style.css";  // "body{}", 6 bytes
  r.headers.emplace_back("Range", "bytes=1-3");
  auto part = f.router->handle(r);
  CHECK(part.status == 206);
  CHECK(header(part, "Content-Range") == "bytes 1-3/6");
  REQUIRE(part.file);
  CHECK(part.file->offset == 1);
  CHECK(part.file->length == 3);
  CHECK(part.contentType == "text/css; charset=utf-8");
  r.headers.back().second = "bytes=6-";
  auto none = f.router->handle(r);
  CHECK(none.status == 416);
  CHECK(header(none, "Content-Range") == "bytes */6");
  CHECK_FALSE(none.file);
  r.headers.back().second = "bytes=-2";
  auto tail = f.router->handle(r);
  CHECK(tail.status == 206);
  CHECK(header(tail, "Content-Range") == "bytes 4-5/6");
  // fileResponse serves any file (ExtraRoutes use it for recordings).
  HttpRequest plain;
  auto whole = fileResponse(plain, f.root / "js" / "app.js", "text/plain");
  CHECK(whole.status == 200);
  REQUIRE(whole.file);
  CHECK(whole.file->length == std::string("console.log(1)").size());
  CHECK(fileResponse(plain, f.root / "nope.bin", "x").status == 404);
}

TEST_CASE("pathUnder splits a feature's path and refuses look-alike prefixes") {
  auralis::net::HttpRequest r;
  r.target = "/api/v1/recordings/abc/stop?x=1";
  CHECK(auralis::net::pathUnder(r, "/api/v1/recordings") ==
        std::optional<std::string_view>("/abc/stop"));
  r.target = "/api/v1/recordings";
  CHECK(auralis::net::pathUnder(r, "/api/v1/recordings") == std::optional<std::string_view>(""));
  r.target = "/api/v1/recordingsX";
  CHECK_FALSE(auralis::net::pathUnder(r, "/api/v1/recordings"));
  r.target = "/api/v1/presets";
  CHECK_FALSE(auralis::net::pathUnder(r, "/api/v1/recordings"));
}
