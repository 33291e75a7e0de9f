// HttpSession: one HTTP connection. Reads requests with header/body limits and a
// timeout, asks the Router for the answer, writes it (from memory, or from disk
// for file bodies), and hands /ws upgrades to a WsSession.
#include <algorithm>
#include <limits>

#include "net/server_impl.hpp"

namespace auralis::net {
namespace {

/// A Beast File that exposes one byte range of a file: size() is the range's
/// length and reading starts at its offset, so basic_file_body streams exactly
/// that range from disk (Boost 1.74's file_body has no offset of its own).
class RangeFile {
 public:
  using native_handle_type = beast::file::native_handle_type;

  RangeFile() = default;
  RangeFile(RangeFile&&) = default;
  RangeFile& operator=(RangeFile&&) = default;

  /// Opens `path` for reading positioned at `offset`, limited to `length` bytes.
  void openRange(const std::string& path, std::uint64_t offset, std::uint64_t length,
                 beast::error_code& ec) {
    file_.open(path.c_str(), beast::file_mode::scan, ec);
    if (!ec) file_.seek(offset, ec);
    length_ = length;
  }

  native_handle_type native_handle() const { return file_.native_handle(); }
  void native_handle(native_handle_type fd) { file_.native_handle(fd); }
  bool is_open() const { return file_.is_open(); }
  void close(beast::error_code& ec) { file_.close(ec); }
  void open(char const* path, beast::file_mode mode, beast::error_code& ec) {
    file_.open(path, mode, ec);
    length_ = ec ? 0 : file_.size(ec);
  }
  std::uint64_t size(beast::error_code& ec) const {
    ec = {};
    return length_;
  }
  std::uint64_t pos(beast::error_code& ec) const { return file_.pos(ec); }
  void seek(std::uint64_t offset, beast::error_code& ec) { file_.seek(offset, ec); }
  std::size_t read(void* buffer, std::size_t n, beast::error_code& ec) const {
    return file_.read(buffer, n, ec);
  }
  std::size_t write(void const* buffer, std::size_t n, beast::error_code& ec) {
    return file_.write(buffer, n, ec);
  }

 private:
  beast::file file_;
  std::uint64_t length_ = 0;
};

using RangeFileBody = http::basic_file_body<RangeFile>;

/// How long a connection over the per-IP limit may take to send its request.
constexpr std::chrono::seconds kOverLimitWait{2};

}  // namespace

/// A file response in flight: the message and its serializer live together.
struct FileTransfer {
  std::shared_ptr<http::response<RangeFileBody>> res;
  http::response_serializer<RangeFileBody> sr;
  explicit FileTransfer(std::shared_ptr<http::response<RangeFileBody>> r)
      : res(std::move(r)), sr(*res) {}
};

HttpSession::HttpSession(Server::Impl& server, tcp::socket&& socket,
                         std::optional<std::shared_ptr<void>> slot)
    : server_(server),
      stream_(std::move(socket)),
      slot_(slot ? std::move(*slot) : nullptr),
      overLimit_(!slot) {}

void HttpSession::run() {
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&HttpSession::read, shared_from_this()));
}

void HttpSession::read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.config.maxHeaderBytes));
  // Beast checks Content-Length against the limit at header time; the limit
  // depends on the route, so it is set in onHeader (upload_session.cpp). Not
  // boost::none: Boost 1.74 compares `len > none` as true and refuses every body.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  // One deadline for the whole header (a client trickling bytes gains nothing),
  // which is also how long an idle keep-alive connection is kept.
  // Over the per-IP limit, the 503 waits only briefly for the request it answers:
  // a flood of idle connections must not hold descriptors for long.
  stream_.expires_after(overLimit_ ? std::min(server_.config.headerTimeout, kOverLimitWait)
                                   : server_.config.headerTimeout);
  // Headers first: an upload route takes the body from there (upload_session.cpp).
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::onHeader, shared_from_this()));
}

void HttpSession::onRead(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return close();
  if (ec == http::error::body_limit) {
    return sendError(413, makeError("too_large", "request body too large"));
  }
  if (ec == http::error::header_limit) {
    return sendError(431, makeError("too_large", "request headers too large"));
  }
  if (ec) return close();  // timeout, reset, malformed: nothing useful to say
  http::request<http::string_body> req = parser_->release();
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (websocket::is_upgrade(req) && path == "/ws") return upgrade(std::move(req), target);
  HttpRequest in;
  in.method = std::string(req.method_string());
  in.target = target;
  for (const auto& field : req) {
    in.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  in.body = std::move(req.body());
  HttpResponse out = server_.router->handle(in);
  if (const auto cookie = server_.access.listenCookie(in); !cookie.empty() && out.status < 400)
    out.headers.emplace_back("Set-Cookie", cookie);
  const bool head = req.method() == http::verb::head;
  if (out.file) return sendFile(out, req.keep_alive(), req.version(), head);
  send(out, req.keep_alive(), req.version(), head);
}

void HttpSession::upgrade(http::request<http::string_body>&& req, const std::string& target) {
  if (server_.stopping.load() ||
      server_.clients.load() >= static_cast<std::size_t>(server_.config.maxClients)) {
    server_.rejected.fetch_add(1);
    return sendError(503, makeError(control::codes::kTooManyClients,
                                    "the server has its maximum of " +
                                        std::to_string(server_.config.maxClients) +
                                        " clients; try again later"));
  }
  const std::string origin(req[http::field::origin]);
  if (!server_.access.originAllowed(origin, std::string(req[http::field::host]))) {
    // Cross-site WebSocket hijacking: a page elsewhere must not drive this server.
    return sendError(403, makeError("forbidden",
                                    "WebSocket connections from this origin are not "
                                    "allowed (server.allowed_origins)"));
  }
  HttpRequest credentials;
  credentials.target = target;
  credentials.headers.emplace_back("Authorization", std::string(req[http::field::authorization]));
  credentials.headers.emplace_back("Cookie", std::string(req[http::field::cookie]));
  const std::string token = AccessPolicy::presentedToken(credentials);
  const bool authorized = server_.access.canControl(token);  // never by cookie (CSRF)
  const bool listening = server_.access.canListenRequest(credentials);
  stream_.expires_never();  // the WebSocket sets its own timeouts
  auto ws = std::make_shared<WsSession>(server_, stream_.release_socket(), authorized, listening,
                                        std::move(slot_));
  {
    std::lock_guard lock(server_.sessionsMutex);
    std::erase_if(server_.sessions, [](const auto& w) { return w.expired(); });
    server_.sessions.push_back(ws);
  }
  ws->run(std::move(req));
}

void HttpSession::sendError(int status, const Error& e) {
  send(errorResponse(status, e), false, 11, false);
}

void HttpSession::send(const HttpResponse& r, bool keepAlive, unsigned version, bool head) {
  auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(r.status), version);
  res->set(http::field::server, "auralis");
  res->set(http::field::content_type, r.contentType);
  for (const auto& [k, v] : r.headers) res->set(k, v);
  res->body() = r.body;
  res->keep_alive(keepAlive);
  res->prepare_payload();
  if (head) res->body().clear();  // HEAD: the headers of GET, no body
  stream_.expires_after(server_.config.requestTimeout);
  http::async_write(stream_, *res,
                    [self = shared_from_this(), res, keepAlive](beast::error_code ec, std::size_t) {
                      if (ec || !keepAlive) return self->close();
                      self->read();
                    });
}

void HttpSession::sendFile(const HttpResponse& r, bool keepAlive, unsigned version, bool head) {
  const FileBody& f = *r.file;
  if (head) {
    // The headers a GET would get, with its Content-Length, and no body.
    auto res = std::make_shared<http::response<http::empty_body>>(
        static_cast<http::status>(r.status), version);
    res->set(http::field::server, "auralis");
    res->set(http::field::content_type, r.contentType);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->content_length(f.length);
    res->keep_alive(keepAlive);
    stream_.expires_after(server_.config.requestTimeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keepAlive](beast::error_code ec, std::size_t) {
          if (ec || !keepAlive) return self->close();
          self->read();
        });
    return;
  }
  RangeFile file;
  beast::error_code ec;
  file.openRange(f.path.string(), f.offset, f.length, ec);
  if (ec) {
    return send(errorResponse(404, makeError("not_found", "no such file")), keepAlive, version,
                false);
  }
  auto res =
      std::make_shared<http::response<RangeFileBody>>(static_cast<http::status>(r.status), version);
  res->set(http::field::server, "auralis");
  res->set(http::field::content_type, r.contentType);
  for (const auto& [k, v] : r.headers) res->set(k, v);
  res->body().reset(std::move(file), ec);
  res->keep_alive(keepAlive);
  res->prepare_payload();
  // Written piece by piece with the timeout re-armed each time: a large
  // download may take long, but a reader that stops is cut off after one
  // request timeout without progress.
  writeFilePiece(std::make_shared<FileTransfer>(std::move(res)), keepAlive);
}

void HttpSession::writeFilePiece(std::shared_ptr<FileTransfer> t, bool keepAlive) {
  stream_.expires_after(server_.config.requestTimeout);
  http::async_write_some(
      stream_, t->sr, [self = shared_from_this(), t, keepAlive](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        if (!t->sr.is_done()) return self->writeFilePiece(t, keepAlive);
        if (!keepAlive) return self->close();
        self->read();
      });
}

void HttpSession::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace auralis::net
