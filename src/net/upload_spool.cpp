#include "net/upload_spool.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace auralis::net {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not start a SHA-256 digest");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  if (!bytes.empty()) EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}

std::string Sha256::hexDigest() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, out, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 0x0F]);
  }
  return hex;
}

namespace {

Error ioError(int err, const std::string& what) {
  // EFBIG: the file outgrew what the file system (or RLIMIT_FSIZE) allows: no room either.
  if (err == ENOSPC || err == EDQUOT || err == EFBIG)
    return makeError("disk_full", "no space left on the device while " + what);
  return makeError("store_error", what + ": " + std::strerror(err));
}

}  // namespace

UploadSpool::UploadSpool(int fd, std::filesystem::path path, std::uint64_t maxBytes, bool remove)
    : fd_(fd), path_(std::move(path)), maxBytes_(maxBytes), remove_(remove) {}

Result<std::unique_ptr<UploadSpool>> UploadSpool::create(const std::filesystem::path& dir,
                                                         std::uint64_t maxBytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ioError(ec.value(), "creating " + dir.string());
  std::string pattern = (dir / "upload-XXXXXX").string();
  const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return ioError(errno, "creating a temporary file in " + dir.string());
  return std::unique_ptr<UploadSpool>(new UploadSpool(fd, pattern, maxBytes, true));
}

std::unique_ptr<UploadSpool> UploadSpool::wrap(int fd, std::uint64_t maxBytes) {
  return std::unique_ptr<UploadSpool>(new UploadSpool(fd, {}, maxBytes, false));
}

UploadSpool::~UploadSpool() {
  if (fd_ >= 0) ::close(fd_);
  if (remove_) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
}

Status UploadSpool::write(std::string_view bytes) {
  if (fd_ < 0) return makeError("store_error", "the upload file is closed");
  if (bytes.size() > maxBytes_ - size_)
    return makeError("too_large", "the upload is larger than the limit of " +
                                      std::to_string(maxBytes_) + " bytes (uploads.max_bytes)");
  hash_.update(bytes);
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ioError(errno, "writing the upload");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
  return Ok{};
}

Status UploadSpool::close() {
  if (fd_ < 0) return makeError("store_error", "the upload file is already closed");
  digest_ = hash_.hexDigest();
  const int fd = fd_;
  fd_ = -1;
  // Delayed allocation can report ENOSPC only at close.
  if (::close(fd) != 0) return ioError(errno, "closing the upload");
  return Ok{};
}

}  // namespace auralis::net
