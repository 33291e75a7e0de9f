// Result<T>: the non-real-time error channel (g++ 12 has no std::expected).
// Real-time code never throws and never builds an Error; it clamps and counts.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace auralis {

/// A refusal a user can act on: a stable machine-readable `code`, a sentence for
/// people, and the offending field or key where there is one.
struct Error {
  std::string code;
  std::string message;
  std::string field;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation that yields nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

inline Error makeError(std::string code, std::string message, std::string field = {}) {
  return Error{std::move(code), std::move(message), std::move(field)};
}

}  // namespace auralis
