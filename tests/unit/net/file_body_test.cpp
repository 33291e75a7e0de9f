// File bodies over a real socket: the whole file, byte ranges (206), an
// unsatisfiable range (416), HEAD, and keep-alive after a file response.
#pragma GCC diagnostic ignored "-Wnull-dereference"  // Asio, see src/net/server_impl.hpp

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <fstream>

#include "control/event_bus.hpp"
#include "fake_controller.hpp"
#include "net/server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

TEST_CASE("file bodies: whole, ranges, 416, HEAD, keep-alive") {
  const fs::path root =
      fs::path(AURALIS_BINARY_DIR) / ("net_file_body_test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  std::string data(300000, '\0');  // larger than any single socket write
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  std::ofstream(root / "big.wav", std::ios::binary) << data;

  FakeController controller;
  auralis::control::EventBus bus;
  auralis::net::ServerConfig cfg;
  cfg.port = 0;
  cfg.webRoot = root;
  auralis::net::ServerHooks hooks;
  hooks.controller = &controller;
  hooks.bus = &bus;
  auralis::net::Server server(cfg, hooks);
  REQUIRE(server.start().ok());

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket s(ioc);
  asio::connect(s, resolver.resolve("127.0.0.1", std::to_string(server.port())));
  beast::flat_buffer buf;
  auto request = [&](http::verb verb, const char* range) {
    http::request<http::empty_body> req{verb, "/big.wav", 11};
    req.set(http::field::host, "127.0.0.1");
    if (range != nullptr) req.set(http::field::range, range);
    http::write(s, req);  // keep-alive: every request on the same connection
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    parser.skip(verb == http::verb::head);
    http::read(s, buf, parser);
    return parser.release();
  };

  auto whole = request(http::verb::get, nullptr);
  CHECK(whole.result_int() == 200);
  CHECK(whole.body() == data);
  CHECK(whole[http::field::accept_ranges] == "bytes");
  CHECK(whole[http::field::content_type] == "audio/wav");

  auto part = request(http::verb::get, "bytes=1000-1999");
  CHECK(part.result_int() == 206);
  CHECK(part[http::field::content_range] == "bytes 1000-1999/300000");
  CHECK(part.body() == data.substr(1000, 1000));

  auto tail = request(http::verb::get, "bytes=-10");
  CHECK(tail.result_int() == 206);
  CHECK(tail.body() == data.substr(data.size() - 10));

  auto beyond = request(http::verb::get, "bytes=300000-");
  CHECK(beyond.result_int() == 416);
  CHECK(beyond[http::field::content_range] == "bytes */300000");

  auto head = request(http::verb::head, nullptr);
  CHECK(head.result_int() == 200);
  CHECK(head[http::field::content_length] == "300000");
  CHECK(head.body().empty());

  // The connection still serves after all of that.
  auto again = request(http::verb::get, "bytes=0-0");
  CHECK(again.result_int() == 206);
  CHECK(again.body() == data.substr(0, 1));

  server.stop();
  fs::remove_all(root);
}
