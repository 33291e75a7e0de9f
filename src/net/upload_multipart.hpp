// MultipartParser: a streaming multipart/form-data reader (RFC 7578) for
// POST /upload. It is fed the request body in pieces of any size, split
// anywhere, and hands on the bytes of the part named `file` as they become
// known, keeping back only what could still be the start of a boundary, so an
// upload of any size passes through a small fixed window and is never held whole.
//
// Thread rules: not thread-safe; one io strand owns an instance.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace auralis::net {

class MultipartParser {
 public:
  /// Receives the next bytes of the `file` part; an Error stops the parse.
  using DataSink = std::function<Status(std::string_view)>;

  /// Any thread: the boundary parameter of a multipart/form-data Content-Type
  /// (quoted or not); an Error (`bad_request`) when the type is not multipart
  /// or names no boundary.
  static Result<std::string> boundaryOf(std::string_view contentType);

  /// `boundary` as boundaryOf() returned it.
  explicit MultipartParser(std::string boundary);

  /// Feeds the next body bytes. Errors: `bad_request` for a malformed body
  /// (part headers over 16 KiB, no boundary where one must be), or whatever
  /// `sink` returned.
  Status feed(std::string_view bytes, const DataSink& sink);

  /// True once the closing boundary has been read.
  bool done() const { return state_ == State::Epilogue; }
  /// True once a part named `file` has started.
  bool sawFile() const { return sawFile_; }
  /// The `filename` of the `file` part's Content-Disposition ("" when none).
  const std::string& fileName() const { return fileName_; }

  /// The most part-header bytes accepted before the body is refused.
  static constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

 private:
  enum class State { Preamble, AfterDelimiter, Headers, Data, Epilogue };

  Status step(const DataSink& sink, bool& progressed);
  void startPart(std::string_view headers);

  std::string delimiter_;  // "\r\n--" + boundary
  std::string buffer_;     // bytes not yet consumed
  State state_ = State::Preamble;
  bool inFile_ = false;  // the current part is the `file` field
  bool sawFile_ = false;
  std::string fileName_;
};

/// Any thread: parameter `param` of a header value such as Content-Disposition
/// (`form-data; name="file"; filename="a.wav"`), unquoted; "" when absent.
std::string headerParam(std::string_view value, std::string_view param);

}  // namespace auralis::net
