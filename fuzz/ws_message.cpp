// WebSocket / Unix-socket JSON messages: parseClientMessage and the control
// params validator behind it, then every reply built from what was parsed.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

#include "control/messages.hpp"
#include "fuzz_support.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto msg = control::parseClientMessage(text);
  fuzz::require(msg.reqId.is_null() || msg.reqId.is_string() || msg.reqId.is_number(),
                "reqId is null, a string or a number");
  if (!msg.request) {
    const auto reply = control::makeErrorMessage(msg.request.error(), msg.reqId);
    fuzz::require(!msg.request.error().code.empty(), "an error has a code");
    (void)reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
  }
  std::visit(
      [&](auto&& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, control::ControlRequest>) {
          const auto applied = control::applyPatch(control::ControlParams{}, r.patch);
          fuzz::require(applied.bpm >= control::kMinBpm && applied.bpm <= control::kMaxBpm,
                        "an accepted bpm is in range");
          fuzz::require(std::isfinite(applied.intensity) && std::isfinite(applied.masterVolume),
                        "accepted gains are finite");
          // What the server acknowledges must be valid input again.
          const auto back = control::parseControlParams(control::toJson(applied));
          (void)back;
          (void)control::makeAck(msg.reqId, applied).dump();
        } else if constexpr (std::is_same_v<T, control::SubscribeRequest>) {
          if (r.room) fuzz::require(r.room->size() <= 4 * control::kMaxRoomChars, "room bounded");
          if (r.batchMs)
            fuzz::require(*r.batchMs >= 0 && *r.batchMs <= control::kMaxBatchMs, "batchMs range");
        } else if constexpr (std::is_same_v<T, control::ClientReportRequest>) {
          fuzz::require(
              r.tier >= 0 && static_cast<std::size_t>(r.tier) < control::clientTiers().size(),
              "tier indexes clientTiers()");
        }
      },
      msg.request.value());
  return 0;
}
