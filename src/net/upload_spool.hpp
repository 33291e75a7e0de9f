// UploadSpool: one upload on its way to disk. Bytes are appended to a temporary
// file as they arrive, hashed with SHA-256 on the way (Sha256, OpenSSL EVP) and
// counted against a size limit, so an upload is never held in memory and its
// digest is ready the moment the last byte lands. A spool that is destroyed
// without release() removes its file: an aborted upload leaves nothing behind.
//
// Thread rules: not thread-safe; one thread at a time (the io strand while the
// body streams, then the worker that decodes it). Never the audio thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace auralis::net {

/// Streaming SHA-256 (OpenSSL's EVP interface; we do not write our own hash).
class Sha256 {
 public:
  /// Any thread. Throws std::runtime_error when OpenSSL cannot set up SHA-256.
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  /// The digest of everything fed, as 64 lower-case hex digits. Ends the hash.
  std::string hexDigest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

class UploadSpool {
 public:
  /// A new temporary file in `dir` (created if missing) accepting at most
  /// `maxBytes`. Errors: `disk_full` (ENOSPC), `store_error` otherwise.
  static Result<std::unique_ptr<UploadSpool>> create(const std::filesystem::path& dir,
                                                     std::uint64_t maxBytes);
  /// For tests: writes to an already open `fd` (closed by the spool, never removed).
  static std::unique_ptr<UploadSpool> wrap(int fd, std::uint64_t maxBytes);
  ~UploadSpool();
  UploadSpool(const UploadSpool&) = delete;
  UploadSpool& operator=(const UploadSpool&) = delete;

  /// Appends `bytes`. Errors: `too_large` once the total would pass the limit,
  /// `disk_full` on ENOSPC (or EDQUOT, EFBIG), `store_error` on any other write error.
  Status write(std::string_view bytes);
  /// Closes the file and ends the hash: call once, after the last write().
  Status close();

  /// After close(): the SHA-256 of the bytes written (64 hex digits).
  const std::string& sha256() const { return digest_; }
  std::uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }
  /// The file is the caller's now (moved or removed by it); the spool forgets it.
  void release() { remove_ = false; }

 private:
  UploadSpool(int fd, std::filesystem::path path, std::uint64_t maxBytes, bool remove);

  int fd_ = -1;
  std::filesystem::path path_;
  std::uint64_t maxBytes_ = 0;
  std::uint64_t size_ = 0;
  bool remove_ = false;
  Sha256 hash_;
  std::string digest_;
};

}  // namespace auralis::net
