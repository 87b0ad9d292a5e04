#include "auth/password.h"

#include <sodium.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "auth/utf8.h"

namespace pathways {

namespace {

constexpr size_t kMinPasswordChars = 12;
constexpr size_t kMaxPasswordBytes = 256;

const unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
const size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// Bounds the hash computations running at once (each takes kMemLimit of memory).
class HashSlots {
 public:
  HashSlots() : free_(std::max(2u, std::thread::hardware_concurrency())) {}
  void acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  unsigned free_;
};

struct HashSlot {
  HashSlot() { slots().acquire(); }
  ~HashSlot() { slots().release(); }
  static HashSlots& slots() {
    static HashSlots s;
    return s;
  }
};

}  // namespace

void ensure_sodium() {
  // sodium_init() is itself thread-safe; the static makes later calls free.
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing failed: not enough memory");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  ensure_sodium();
  // The hash is read as a C string of at most crypto_pwhash_STRBYTES bytes.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& hash) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

std::string password_problem(std::string_view password, std::string_view username) {
  if (password.size() > kMaxPasswordBytes)
    return fmt::format("the password is too long: at most {} bytes", kMaxPasswordBytes);
  const auto chars = utf8_length(password);
  if (!chars) return "the password is not valid UTF-8 text";
  if (has_control_character(password)) return "the password contains a control character (such as a tab or newline)";
  if (*chars < kMinPasswordChars)
    return fmt::format("the password is too short: at least {} characters", kMinPasswordChars);
  if (!username.empty()) {
    const std::string p = ascii_lower(password), u = ascii_lower(username);
    if (p == u) return "the password must not be the username";
    if (p.find(u) != std::string::npos) return "the password must not contain the username";
  }
  return "";
}

std::string random_token(size_t bytes) {
  ensure_sodium();
  if (bytes == 0) throw std::invalid_argument("random_token(): zero bytes");
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw.data(), raw.size());
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string token_digest(std::string_view token) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  ensure_sodium();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pathways
