#include "net/upload_multipart.hpp"

#include <algorithm>
#include <cctype>

namespace auralis::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error malformed(const std::string& why) {
  return makeError("bad_request", "malformed multipart/form-data body: " + why);
}

}  // namespace

std::string headerParam(std::string_view value, std::string_view param) {
  const std::string wanted = lower(param);
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = value.substr(pos + 1);
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return {};
    const std::string name = lower(trim(rest.substr(0, eq)));
    rest = trim(rest.substr(eq + 1));
    std::string v;
    std::size_t consumed = 0;
    if (!rest.empty() && rest.front() == '"') {
      // Quoted string: backslash escapes one character.
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        v.push_back(rest[i]);
      }
      consumed = std::min(i + 1, rest.size());
    } else {
      consumed = std::min(rest.find(';'), rest.size());
      v = std::string(trim(rest.substr(0, consumed)));
    }
    if (name == wanted) return v;
    const std::size_t next = rest.find(';', consumed);
    if (next == std::string_view::npos) return {};
    pos = static_cast<std::size_t>(rest.data() + next - value.data());
  }
  return {};
}

Result<std::string> MultipartParser::boundaryOf(std::string_view contentType) {
  if (!lower(contentType).starts_with("multipart/form-data"))
    return makeError("bad_request", "the Content-Type is not multipart/form-data");
  std::string b = headerParam(contentType, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (b.empty() || b.size() > 70)
    return makeError("bad_request", "multipart/form-data needs a boundary of 1 to 70 characters");
  return b;
}

MultipartParser::MultipartParser(std::string boundary)
    : delimiter_("\r\n--" + std::move(boundary)), buffer_("\r\n") {
  // The leading CRLF lets the first boundary, which may open the body without
  // one, be found by the same search as every later delimiter.
}

Status MultipartParser::feed(std::string_view bytes, const DataSink& sink) {
  if (state_ == State::Epilogue) return Ok{};  // the epilogue is ignored
  buffer_.append(bytes);
  bool progressed = true;
  while (progressed && state_ != State::Epilogue) {
    progressed = false;
    if (auto s = step(sink, progressed); !s) return s;
  }
  if (state_ == State::Epilogue) buffer_.clear();
  return Ok{};
}

Status MultipartParser::step(const DataSink& sink, bool& progressed) {
  switch (state_) {
    case State::Preamble: {
      const std::size_t at = buffer_.find(delimiter_);
      if (at == std::string::npos) {
        // Keep only what may be the start of the delimiter.
        if (buffer_.size() >= delimiter_.size())
          buffer_.erase(0, buffer_.size() - (delimiter_.size() - 1));
        return Ok{};
      }
      buffer_.erase(0, at + delimiter_.size());
      state_ = State::AfterDelimiter;
      progressed = true;
      return Ok{};
    }
    case State::AfterDelimiter: {
      // "--" closes the body; otherwise optional whitespace, then CRLF.
      if (buffer_.size() >= 2 && buffer_.compare(0, 2, "--") == 0) {
        state_ = State::Epilogue;
        progressed = true;
        return Ok{};
      }
      const std::size_t eol = buffer_.find("\r\n");
      if (eol == std::string::npos) {
        if (buffer_.size() > 256) return malformed("no line end after a boundary");
        return Ok{};
      }
      if (!trim(std::string_view(buffer_).substr(0, eol)).empty())
        return malformed("text after a boundary");
      buffer_.erase(0, eol + 2);
      state_ = State::Headers;
      progressed = true;
      return Ok{};
    }
    case State::Headers: {
      // A part with no headers starts with the blank line straight away.
      std::size_t end = buffer_.starts_with("\r\n") ? 0 : buffer_.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (buffer_.size() > kMaxHeaderBytes) return malformed("part headers too large");
        return Ok{};
      }
      if (end > kMaxHeaderBytes) return malformed("part headers too large");
      startPart(std::string_view(buffer_).substr(0, end));
      buffer_.erase(0, end == 0 ? 2 : end + 4);
      state_ = State::Data;
      progressed = true;
      return Ok{};
    }
    case State::Data: {
      const std::size_t at = buffer_.find(delimiter_);
      const std::size_t safe = at != std::string::npos ? at
                               : buffer_.size() >= delimiter_.size()
                                   ? buffer_.size() - (delimiter_.size() - 1)
                                   : 0;
      if (safe > 0 && inFile_) {
        if (auto s = sink(std::string_view(buffer_).substr(0, safe)); !s) return s;
      }
      if (at == std::string::npos) {
        buffer_.erase(0, safe);
        return Ok{};
      }
      buffer_.erase(0, at + delimiter_.size());
      inFile_ = false;
      state_ = State::AfterDelimiter;
      progressed = true;
      return Ok{};
    }
    case State::Epilogue:
      return Ok{};
  }
  return Ok{};
}

void MultipartParser::startPart(std::string_view headers) {
  inFile_ = false;
  std::size_t pos = 0;
  while (pos <= headers.size()) {
    std::size_t eol = headers.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = headers.size();
    const std::string_view line = headers.substr(pos, eol - pos);
    pos = eol + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (lower(trim(line.substr(0, colon))) != "content-disposition") continue;
    const std::string_view value = trim(line.substr(colon + 1));
    // Only the first `file` field is the upload; later ones are skipped.
    if (headerParam(value, "name") == "file" && !sawFile_) {
      inFile_ = true;
      sawFile_ = true;
      fileName_ = headerParam(value, "filename");
    }
  }
}

}  // namespace auralis::net
