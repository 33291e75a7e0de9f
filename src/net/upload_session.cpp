// HttpSession, the streamed-body half: after the headers of a request for an
// UploadRoute, the body is read in 64 KiB pieces through a buffer_body parser
// and passed to the app's UploadSink (unpacking multipart/form-data on the
// way), so an upload of any size costs one buffer. The declared length is
// checked before any of the body is read; the request timeout is re-armed per
// piece, so a slow but moving upload lives while a stalled one is cut off.
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include "net/server_impl.hpp"
#include "net/upload_multipart.hpp"

namespace auralis::net {

int uploadHttpStatus(const Error& e) {
  if (e.code == "too_large") return 413;
  if (e.code == "bad_request" || e.code == "empty_body") return 400;
  if (e.code == "unsupported_media_type") return 415;
  if (e.code == "not_decodable" || e.code == "no_audio") return 422;
  if (e.code == "disk_full") return 507;
  if (e.code == "not_found") return 404;
  if (e.code == "method_not_allowed") return 405;
  if (e.code == "shutting_down") return 503;
  return 500;
}

struct HttpSession::Upload {
  std::optional<http::request_parser<http::buffer_body>> parser;
  std::unique_ptr<UploadSink> sink;
  std::optional<MultipartParser> multipart;
  std::string name;
  std::uint64_t fileBytes = 0;  // bytes handed to the sink
  std::uint64_t bodyBytes = 0;  // bytes of the body as sent
  std::uint64_t bodyLimit = 0;
  Clock::time_point started = Clock::now();
  bool keepAlive = false;
  unsigned version = 11;
  std::array<char, 64 * 1024> piece{};
};

namespace {

std::string lowerCopy(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string str(beast::string_view v) {
  return std::string(v.data(), v.size());
}

/// Room for the multipart framing around the file: boundaries and part headers.
constexpr std::uint64_t kMultipartSlack = 64 * 1024;

}  // namespace

void HttpSession::onHeader(beast::error_code ec, std::size_t n) {
  if (ec) return onRead(ec, n);
  const auto& req = parser_->get();
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (overLimit_) {
    return sendError(503, makeError(control::codes::kTooManyClients,
                                    "this address has its maximum of " +
                                        std::to_string(server_.config.maxConnectionsPerIp) +
                                        " connections (server.max_connections_per_ip)"));
  }
  // Access is decided on the headers, before any of the body is read (the /ws
  // upgrade decides in HttpSession::upgrade: it may authenticate later).
  if (!(websocket::is_upgrade(req) && path == "/ws")) {
    HttpRequest head;
    head.method = std::string(req.method_string());
    head.target = target;
    for (const auto& field : req)
      head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    if (auto denied = server_.access.checkHttp(head)) {
      return sendError(denied->status, denied->error);
    }
  }
  stream_.expires_after(server_.config.requestTimeout);  // the body's own deadline
  if (req.method() == http::verb::post) {
    for (const auto& route : server_.hooks.uploadRoutes) {
      if (route.path == path && route.open) return startUpload(route);
    }
  }
  // Every other request: the body is read whole, within maxBodyBytes.
  const auto length = parser_->content_length();
  if (length && *length > server_.config.maxBodyBytes)
    return sendError(413, makeError("too_large", "request body too large"));
  parser_->body_limit(server_.config.maxBodyBytes);  // chunked bodies count down from here
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::onRead, shared_from_this()));
}

void HttpSession::startUpload(const UploadRoute& route) {
  auto up = std::make_shared<Upload>();
  const auto& req = parser_->get();
  up->keepAlive = req.keep_alive();
  up->version = req.version();
  upload_ = up;  // failUpload answers with this request's version

  const std::string type = lowerCopy(str(req[http::field::content_type]));
  const bool multipart = type.starts_with("multipart/form-data");
  if (multipart) {
    auto boundary = MultipartParser::boundaryOf(str(req[http::field::content_type]));
    if (!boundary) return failUpload(boundary.error());
    up->multipart.emplace(std::move(boundary.value()));
  } else if (!(type.empty() || type.starts_with("application/octet-stream") ||
               type.starts_with("audio/") || type.starts_with("video/"))) {
    return failUpload(makeError("unsupported_media_type",
                                "POST /upload takes application/octet-stream, audio/*, video/* or "
                                "multipart/form-data, not '" +
                                    type + "'"));
  }
  up->bodyLimit = route.maxBytes + (multipart ? kMultipartSlack : 0);
  if (const auto length = parser_->content_length()) {
    // Refused before the body is read: the client learns at once.
    if (*length > up->bodyLimit)
      return failUpload(makeError("too_large", "the upload (" + std::to_string(*length) +
                                                   " bytes) is larger than the limit of " +
                                                   std::to_string(route.maxBytes) +
                                                   " bytes (uploads.max_bytes)"));
    if (*length == 0) return failUpload(makeError("empty_body", "the upload is empty"));
  }

  const std::string fromQuery = queryParam(str(req.target()), "filename");
  if (auto decoded = Router::percentDecode(fromQuery)) up->name = *decoded;
  if (up->name.empty() && !multipart)
    up->name = headerParam(str(req[http::field::content_disposition]), "filename");

  HttpRequest headers;
  headers.method = "POST";
  headers.target = std::string(req.target());
  for (const auto& field : req)
    headers.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  auto sink = route.open(headers);
  if (!sink) return failUpload(sink.error());
  up->sink = std::move(sink.value());

  const bool expectContinue = lowerCopy(str(req[http::field::expect])) == "100-continue";
  up->parser.emplace(std::move(*parser_));
  // Counted here, against bodyLimit (not boost::none: see HttpSession::read).
  up->parser->body_limit(std::numeric_limits<std::uint64_t>::max());
  if (!expectContinue) return readUpload();
  auto cont =
      std::make_shared<http::response<http::empty_body>>(http::status::continue_, up->version);
  stream_.expires_after(server_.config.requestTimeout);
  http::async_write(stream_, *cont,
                    [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->upload_.reset();  // the sink removes its partial file
                        return self->close();
                      }
                      self->readUpload();
                    });
}

void HttpSession::readUpload() {
  auto& up = *upload_;
  up.parser->get().body().data = up.piece.data();
  up.parser->get().body().size = up.piece.size();
  up.parser->get().body().more = true;
  stream_.expires_after(server_.config.requestTimeout);
  http::async_read_some(stream_, buffer_, *up.parser,
                        beast::bind_front_handler(&HttpSession::onUploadPiece, shared_from_this()));
}

void HttpSession::onUploadPiece(beast::error_code ec, std::size_t) {
  if (ec == http::error::need_buffer) ec = {};
  if (ec) {
    // Client gone or timed out midway: dropping the sink removes its file.
    upload_.reset();
    return close();
  }
  auto& up = *upload_;
  const std::size_t n = up.piece.size() - up.parser->get().body().size;
  up.bodyBytes += n;
  // Slowloris on the body: each piece re-arms the timeout, so a byte now and
  // then would keep the connection forever; past one request timeout the
  // average rate must reach the minimum.
  const auto minRate = server_.config.uploadMinBytesPerSecond;
  const double elapsed = std::chrono::duration<double>(Clock::now() - up.started).count();
  if (minRate > 0 && !up.parser->is_done() &&
      elapsed > std::chrono::duration<double>(server_.config.requestTimeout).count() &&
      static_cast<double>(up.bodyBytes) < static_cast<double>(minRate) * elapsed) {
    upload_.reset();  // the sink removes its partial file
    return close();
  }
  if (up.bodyBytes > up.bodyLimit)
    return failUpload(makeError("too_large", "the upload is larger than the limit of " +
                                                 std::to_string(up.bodyLimit) +
                                                 " bytes (uploads.max_bytes)"));
  const std::string_view bytes(up.piece.data(), n);
  auto toSink = [&up](std::string_view b) -> Status {
    up.fileBytes += b.size();
    return up.sink->write(b);
  };
  if (n > 0) {
    Status s = up.multipart ? up.multipart->feed(bytes, toSink) : toSink(bytes);
    if (!s) return failUpload(s.error());
  }
  if (up.parser->is_done()) return finishUpload();
  readUpload();
}

void HttpSession::finishUpload() {
  auto up = upload_;
  if (up->multipart) {
    if (!up->multipart->sawFile())
      return failUpload(makeError("bad_request", "the multipart body has no field named 'file'"));
    if (!up->multipart->done())
      return failUpload(makeError("bad_request", "the multipart body has no closing boundary"));
    if (up->name.empty()) up->name = up->multipart->fileName();
  }
  if (up->fileBytes == 0) return failUpload(makeError("empty_body", "the upload is empty"));
  // Decoding may take a while: no timeout until the answer is ready.
  stream_.expires_never();
  auto self = shared_from_this();
  // The sink is destroyed right after finish(): it moves what it needs into its job.
  std::unique_ptr<UploadSink> sink = std::move(up->sink);
  sink->finish(std::move(up->name), [self, up](HttpResponse response) {
    asio::post(self->stream_.get_executor(), [self, up, response = std::move(response)] {
      self->upload_.reset();
      self->send(response, up->keepAlive, up->version, false);
    });
  });
}

void HttpSession::failUpload(const Error& e) {
  const unsigned version = upload_ ? upload_->version : 11;
  upload_.reset();  // the sink, if any, removes its partial file
  // Never keep-alive: the rest of the body may still be on its way.
  send(errorResponse(uploadHttpStatus(e), e), false, version, false);
}

}  // namespace auralis::net
