#include <doctest/doctest.h>

#include <string>

#include "net/upload_multipart.hpp"

using auralis::Ok;
using auralis::Status;
using auralis::net::headerParam;
using auralis::net::MultipartParser;

namespace {

/// A body with a text field, the file part (which holds look-alike boundary
/// text and CRLFs), and another field after it.
std::string sampleBody(const std::string& boundary, const std::string& file) {
  return "preamble to ignore\r\n--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"take 1.wav\"\r\n"
         "Content-Type: audio/wav\r\n\r\n" +
         file + "\r\n--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--" + boundary +
         "--\r\nepilogue";
}

struct Outcome {
  std::string file;
  bool ok = true;
  bool done = false;
  bool sawFile = false;
  std::string name;
};

Outcome parseInPieces(const std::string& boundary, const std::string& body, std::size_t split1,
                      std::size_t split2) {
  MultipartParser p(boundary);
  Outcome o;
  auto sink = [&o](std::string_view b) -> Status {
    o.file.append(b);
    return Ok{};
  };
  const std::size_t a = std::min(split1, body.size());
  const std::size_t b = std::min(std::max(split2, a), body.size());
  for (auto piece : {body.substr(0, a), body.substr(a, b - a), body.substr(b)})
    if (!p.feed(piece, sink)) o.ok = false;
  o.done = p.done();
  o.sawFile = p.sawFile();
  o.name = p.fileName();
  return o;
}

}  // namespace

TEST_CASE("upload multipart: boundary from the Content-Type") {
  CHECK(MultipartParser::boundaryOf("multipart/form-data; boundary=abc").value() == "abc");
  CHECK(MultipartParser::boundaryOf("Multipart/Form-Data; charset=x; boundary=\"a b\"").value() ==
        "a b");
  CHECK_FALSE(MultipartParser::boundaryOf("multipart/form-data").ok());
  CHECK_FALSE(MultipartParser::boundaryOf("application/json; boundary=x").ok());
  CHECK(headerParam("form-data; name=\"file\"; filename=\"a\\\"b.wav\"", "filename") == "a\"b.wav");
  CHECK(headerParam("form-data; name=file", "name") == "file");
  CHECK(headerParam("form-data; name=\"x\"", "filename").empty());
}

TEST_CASE("upload multipart: the file part survives every pair of split points") {
  const std::string boundary = "----b0undary";
  // Bytes that resemble the delimiter without being it, and binary zeros.
  std::string file = "RIFF\r\n----b0undar\r\n--\r\n--b0undary";
  file.push_back('\0');
  file += "tail\r";
  const std::string body = sampleBody(boundary, file);
  for (std::size_t i = 0; i <= body.size(); ++i) {
    for (std::size_t j = i; j <= body.size(); j += 3) {
      const Outcome o = parseInPieces(boundary, body, i, j);
      REQUIRE(o.ok);
      REQUIRE(o.done);
      REQUIRE(o.sawFile);
      REQUIRE(o.name == "take 1.wav");
      REQUIRE(o.file == file);
    }
  }
}

TEST_CASE("upload multipart: byte-at-a-time feed and a part with no headers") {
  const std::string boundary = "xyz";
  const std::string body =
      "--xyz\r\n\r\nanonymous\r\n--xyz\r\nContent-Disposition: form-data; name=file\r\n\r\n"
      "0123456789\r\n--xyz--";
  MultipartParser p(boundary);
  std::string got;
  for (char c : body)
    REQUIRE(p.feed(std::string_view(&c, 1), [&got](std::string_view b) -> Status {
      got.append(b);
      return Ok{};
    }));
  CHECK(p.done());
  CHECK(got == "0123456789");
  CHECK(p.fileName().empty());
}

TEST_CASE("upload multipart: no file field, an unclosed body, oversized headers") {
  auto noop = [](std::string_view) -> Status { return Ok{}; };
  MultipartParser a("b");
  REQUIRE(a.feed("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--", noop));
  CHECK(a.done());
  CHECK_FALSE(a.sawFile());

  MultipartParser b("b");
  REQUIRE(b.feed("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc", noop));
  CHECK(b.sawFile());
  CHECK_FALSE(b.done());

  MultipartParser c("b");
  const std::string huge = "--b\r\nX-Pad: " + std::string(MultipartParser::kMaxHeaderBytes, 'a');
  const Status s = c.feed(huge, noop);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "bad_request");
}

TEST_CASE("upload multipart: an error from the sink stops the parse") {
  MultipartParser p("b");
  const Status s =
      p.feed("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" +
                 std::string(100, 'z') + "\r\n--b--",
             [](std::string_view) -> Status { return auralis::makeError("too_large", "limit"); });
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "too_large");
}
