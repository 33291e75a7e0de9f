// UploadRoute: how the app accepts request bodies too large to hold in memory
// (POST /upload). The server reads the headers, checks the declared length,
// then streams the body, piece by piece, into an UploadSink the app opened for
// it (multipart/form-data is unpacked on the way: only the `file` field's bytes
// reach the sink). When the body is complete the sink is told to finish and
// answers later, from its worker; when the client goes away first, the sink is
// destroyed unfinished and must leave nothing behind.
//
// Thread rules: open() and write() run on an io thread (the connection's
// strand) and must stay cheap (a file write, a hash update); finish() must hand
// anything heavy to a worker and call `done` exactly once, from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "net/router.hpp"

namespace auralis::net {

class UploadSink {
 public:
  /// Destroyed without finish() (client gone, limit hit): remove the partial file.
  virtual ~UploadSink() = default;
  /// io strand: the next bytes of the file, in order. An Error ends the upload
  /// with uploadHttpStatus(error).
  virtual Status write(std::string_view bytes) = 0;
  /// io strand, once, after the last write(): `name` is the file name the
  /// client gave ("" when none). `done` takes the response, from any thread.
  /// The server destroys the sink as soon as finish() returns, so the sink
  /// moves whatever its job needs (the file) into the job.
  virtual void finish(std::string name, std::function<void(HttpResponse)> done) = 0;
};

struct UploadRoute {
  /// The exact path (no prefix match), e.g. "/upload"; only POST streams.
  std::string path = "/upload";
  /// Largest file accepted: a Content-Length above it is refused with 413
  /// before any of the body is read; a body that grows past it is cut off.
  std::uint64_t maxBytes = 1ULL << 30;
  /// io strand: a sink for the request described by `headers` (body empty).
  std::function<Result<std::unique_ptr<UploadSink>>(const HttpRequest& headers)> open;
};

/// The HTTP status of an upload error code: too_large 413, bad_request and
/// empty_body 400, unsupported_media_type 415, not_decodable and no_audio 422,
/// disk_full 507, not_found 404, method_not_allowed 405, shutting_down 503,
/// anything else 500. Any thread.
int uploadHttpStatus(const Error& error);

}  // namespace auralis::net
