// Unix-socket lines: the line assembler (split anywhere, over-long lines
// skipped) and the handler that answers each line, with a fake controller and
// a real event bus. The first byte picks the read sizes, as a client's writes
// would split the stream.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "control/event_bus.hpp"
#include "fuzz_support.hpp"
#include "net/ipc_lines.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  constexpr std::size_t kMaxLine = 2048;

  static fuzz::FakeController controller;
  control::EventBus bus;
  net::IpcHooks hooks;
  hooks.controller = &controller;
  hooks.bus = &bus;
  hooks.extra = [](const nlohmann::json& m) -> std::optional<nlohmann::json> {
    if (m.is_object() && m.value("type", "") == "voice") return nlohmann::json{{"type", "ok"}};
    return std::nullopt;
  };
  std::shared_ptr<control::Subscription> events;
  net::LineAssembler lines(kMaxLine);
  std::size_t handled = 0;
  const auto onLine = [&](std::string_view text) {
    fuzz::require(text.size() <= kMaxLine, "a handled line is under the limit");
    fuzz::require(text.find('\n') == std::string_view::npos, "a line holds no newline");
    std::string reply;
    try {
      reply = net::handleIpcLine(hooks, events, text, [] {});
    } catch (const std::exception&) {
      // The server answers `internal` for these; the parser should not throw at all.
      fuzz::require(false, "handleIpcLine does not throw");
    }
    fuzz::require(!reply.empty() && reply.back() == '\n', "every line gets a reply line");
    ++handled;
  };
  while (!stream.empty()) {
    const auto piece = stream.substr(0, chunk);
    lines.feed(piece, onLine, [] {});
    fuzz::require(lines.pending() <= kMaxLine, "the pending line stays bounded");
    stream.remove_prefix(piece.size());
  }
  if (events) {
    control::Event e;
    while (events->tryPop(e)) {
    }
  }
  return 0;
}
