// POST /upload bodies: the multipart/form-data parser. The input is a
// Content-Type line, then the body. The body is fed twice, whole and in pieces
// of a size picked by the input: a streaming parser must not care where the
// network split it, so both runs must agree on everything.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "net/upload_multipart.hpp"

using namespace auralis;

namespace {

struct Outcome {
  bool ok = true;
  std::string code;
  std::string file;
  bool done = false;
  bool sawFile = false;
  std::string fileName;
};

Outcome run(const std::string& boundary, std::string_view body, std::size_t chunk) {
  net::MultipartParser parser(boundary);
  Outcome out;
  const auto sink = [&](std::string_view bytes) -> Status {
    out.file.append(bytes);
    // The upload route refuses big files through its sink the same way.
    if (out.file.size() > 1 << 20) return makeError("too_large", "over 1 MiB");
    return Ok{};
  };
  while (!body.empty() && out.ok) {
    const auto piece = body.substr(0, chunk);
    body.remove_prefix(piece.size());
    if (auto s = parser.feed(piece, sink); !s) {
      out.ok = false;
      out.code = s.error().code;
    }
  }
  out.done = parser.done();
  out.sawFile = parser.sawFile();
  out.fileName = parser.fileName();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t chunk = 1 + data[0] % 32;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  auto boundary = net::MultipartParser::boundaryOf(input.substr(0, nl));
  (void)net::headerParam(input.substr(0, nl), "boundary");
  if (!boundary) return 0;
  const std::string_view body = input.substr(nl + 1);
  const Outcome whole = run(boundary.value(), body, body.size() + 1);
  const Outcome pieces = run(boundary.value(), body, chunk);
  if (whole.ok && pieces.ok) {
    fuzz::require(whole.file == pieces.file, "same file bytes however the body is split");
    fuzz::require(whole.done == pieces.done, "same end however the body is split");
    fuzz::require(whole.sawFile == pieces.sawFile, "same parts however the body is split");
    fuzz::require(whole.fileName == pieces.fileName, "same file name however split");
  } else if (whole.ok != pieces.ok) {
    // Only the file size limit may be met in one run and not the other... it cannot:
    // the same bytes reach the sink. Any other difference is a bug.
    fuzz::require(false, "the same verdict however the body is split");
  }
  fuzz::require(whole.file.size() <= body.size(), "file bytes come from the body");
  return 0;
}
