#include <doctest/doctest.h>

#include "net/access.hpp"

using namespace auralis::net;

namespace {

HttpRequest request(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("access: constant-time comparison is still a comparison") {
  CHECK(constantTimeEquals("s3cret", "s3cret"));
  CHECK_FALSE(constantTimeEquals("s3cret", "s3creT"));
  CHECK_FALSE(constantTimeEquals("s3cret", "s3cret "));
  CHECK_FALSE(constantTimeEquals("s3cret", ""));
  CHECK(constantTimeEquals("", ""));
  CHECK_FALSE(constantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST_CASE("access: the presented token comes from Bearer, else the query") {
  CHECK(AccessPolicy::presentedToken(request("GET", "/ws?token=abc")) == "abc");
  CHECK(AccessPolicy::presentedToken(request("GET", "/ws?x=1&token=a%2Bb")) == "a+b");
  CHECK(AccessPolicy::presentedToken(request("GET", "/ws?notoken=abc")).empty());
  CHECK(AccessPolicy::presentedToken(request("GET", "/", {{"authorization", "Bearer  xyz "}})) ==
        "xyz");
  // The scheme is case-insensitive and a tab is a blank too (found by fuzz_http_router).
  CHECK(AccessPolicy::presentedToken(request("POST", "/", {{"Authorization", "bearer \txyz"}})) ==
        "xyz");
  CHECK(
      AccessPolicy::presentedToken(request("GET", "/", {{"Authorization", "Basic xyz"}})).empty());
}

TEST_CASE("access: writes need the control token, reads stay open by default") {
  const AccessPolicy p({"ctl", "", false, {}});
  CHECK(p.controlProtected());
  CHECK_FALSE(p.listeningProtected());
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH"}) {
    auto denied = p.checkHttp(request(m, "/api/v1/presets/x"));
    REQUIRE(denied);
    CHECK(denied->status == 401);
    CHECK(denied->error.code == "unauthorized");
    CHECK_FALSE(p.checkHttp(request(m, "/upload?token=ctl")));
    CHECK_FALSE(p.checkHttp(request(m, "/upload", {{"Authorization", "Bearer ctl"}})));
    CHECK(p.checkHttp(request(m, "/upload", {{"Authorization", "Bearer ct"}})));
  }
  CHECK_FALSE(p.checkHttp(request("GET", "/api/v1/status")));
  CHECK_FALSE(p.checkHttp(request("HEAD", "/index.html")));
}

TEST_CASE("access: protected listening takes either token, /health stays open") {
  const AccessPolicy p({"ctl", "lst", false, {}});
  CHECK(p.listeningProtected());
  CHECK(p.checkHttp(request("GET", "/api/v1/status")));
  CHECK_FALSE(p.checkHttp(request("GET", "/api/v1/status?token=lst")));
  CHECK_FALSE(p.checkHttp(request("GET", "/metrics", {{"Authorization", "Bearer ctl"}})));
  CHECK_FALSE(p.checkHttp(request("GET", "/health")));
  CHECK(p.canListen("lst"));
  CHECK_FALSE(p.canControl("lst"));  // the listen token never controls
  CHECK(p.checkHttp(request("POST", "/api/v1/control?token=lst")));
  const AccessPolicy onlyControl({"ctl", "", true, {}});
  CHECK(onlyControl.canListen("ctl"));
  CHECK_FALSE(onlyControl.canListen("lst"));
  CHECK_FALSE(onlyControl.canListen(""));
}

TEST_CASE("access: origins: own origin, listed ones, or none") {
  const AccessPolicy p({"", "", false, {"https://show.example.org/"}});
  CHECK(p.originAllowed("", "127.0.0.1:8000"));
  CHECK(p.originAllowed("http://127.0.0.1:8000", "127.0.0.1:8000"));
  CHECK(p.originAllowed("HTTPS://Stage.local", "stage.local"));
  CHECK(p.originAllowed("https://show.example.org", "127.0.0.1:8000"));
  CHECK_FALSE(p.originAllowed("http://evil.example", "127.0.0.1:8000"));
  CHECK_FALSE(p.originAllowed("http://127.0.0.1:9999", "127.0.0.1:8000"));
  CHECK_FALSE(p.originAllowed("null", "127.0.0.1:8000"));
  CHECK_FALSE(p.originAllowed("file://", "127.0.0.1:8000"));
  auto denied = p.checkHttp(request(
      "POST", "/api/v1/control", {{"Origin", "http://evil.example"}, {"Host", "127.0.0.1:8000"}}));
  REQUIRE(denied);
  CHECK(denied->status == 403);
  CHECK(denied->error.code == "forbidden");
  // A foreign page may still read what is open to all (it cannot read the answer anyway).
  CHECK_FALSE(p.checkHttp(request("GET", "/api/v1/status", {{"Origin", "http://evil.example"}})));
  const AccessPolicy any({"", "", false, {"*"}});
  CHECK(any.originAllowed("http://evil.example", "127.0.0.1:8000"));
}

TEST_CASE("access: token query parameters are redacted for logs") {
  CHECK(redactTarget("/ws?token=abc&x=1") == "/ws?token=REDACTED&x=1");
  CHECK(redactTarget("/ws?x=1&Token=abc") == "/ws?x=1&Token=REDACTED");
  CHECK(redactTarget("/a?access_token=z") == "/a?access_token=REDACTED");
  CHECK(redactTarget("/ws") == "/ws");
  CHECK(redactTarget("/ws?tokens=1") == "/ws?tokens=1");
}

TEST_CASE("access: origin lists split on commas") {
  CHECK(splitList(" http://a , https://b,,") == std::vector<std::string>{"http://a", "https://b"});
  CHECK(splitList("").empty());
}

TEST_CASE("access: a page opened with ?token= gets a listening cookie, never control") {
  const AccessPolicy p({"ctl", "l;st", false, {}});
  const std::string cookie = p.listenCookie(request("GET", "/?token=l%3Bst"));
  CHECK(cookie == "auralis_token=l%3Bst; Path=/; HttpOnly; SameSite=Strict");
  CHECK(p.listenCookie(request("GET", "/?token=wrong")).empty());
  CHECK(p.listenCookie(request("POST", "/api/v1/control?token=ctl")).empty());
  CHECK(AccessPolicy({"ctl", "", false, {}}).listenCookie(request("GET", "/?token=ctl")).empty());
  const auto withCookie = [](std::string method, std::string value) {
    return request(std::move(method), "/app.js", {{"Cookie", "a=1; auralis_token=" + value}});
  };
  CHECK(AccessPolicy::cookieToken(withCookie("GET", "l%3Bst")) == "l;st");
  CHECK_FALSE(p.checkHttp(withCookie("GET", "l%3Bst")));
  CHECK(p.checkHttp(withCookie("GET", "nope")));
  CHECK(p.checkHttp(withCookie("POST", "ctl")));  // a cookie never controls (CSRF)
}
