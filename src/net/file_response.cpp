// Range requests and file responses (RFC 9110 §14): one byte range per request,
// served from disk by the server (HttpResponse::file), never read into memory.
#include <charconv>
#include <system_error>

#include "net/router.hpp"

namespace auralis::net {
namespace fs = std::filesystem;

namespace {

bool parseNumber(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

ByteRange parseRange(std::string_view header, std::uint64_t size) {
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return {};
  const std::string_view spec = trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return {};  // several ranges: send it all
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view a = trim(spec.substr(0, dash));
  const std::string_view b = trim(spec.substr(dash + 1));
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (a.empty()) {  // bytes=-n: the last n bytes
    if (!parseNumber(b, last)) return {};
    if (last == 0 || size == 0) return {RangeKind::Unsatisfiable, 0, 0};
    return {RangeKind::Partial, size - std::min(last, size), size - 1};
  }
  if (!parseNumber(a, first)) return {};
  if (b.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!parseNumber(b, last) || last < first) {
    return {};  // syntactically invalid: ignored, like no Range at all
  }
  if (first >= size) return {RangeKind::Unsatisfiable, 0, 0};
  return {RangeKind::Partial, first, std::min(last, size - 1)};
}

HttpResponse fileResponse(const HttpRequest& request, const fs::path& file,
                          std::string contentType) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(file, ec);
  if (ec || !fs::is_regular_file(file, ec)) {
    return errorResponse(404, makeError("not_found", "no such file"));
  }
  const std::string range = request.header("Range");
  const ByteRange r = range.empty() ? ByteRange{} : parseRange(range, size);
  if (r.kind == RangeKind::Unsatisfiable) {
    HttpResponse out = errorResponse(
        416, makeError("range_not_satisfiable", "the range starts past the end of the " +
                                                    std::to_string(size) + "-byte file"));
    out.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    out.headers.emplace_back("Accept-Ranges", "bytes");
    return out;
  }
  HttpResponse out;
  out.contentType = std::move(contentType);
  out.headers.emplace_back("Accept-Ranges", "bytes");
  if (r.kind == RangeKind::Partial) {
    out.status = 206;
    out.headers.emplace_back("Content-Range", "bytes " + std::to_string(r.first) + "-" +
                                                  std::to_string(r.last) + "/" +
                                                  std::to_string(size));
    out.file = FileBody{file, r.first, r.last - r.first + 1};
  } else {
    out.file = FileBody{file, 0, size};
  }
  return out;
}

}  // namespace auralis::net
