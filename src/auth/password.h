// Passwords and secret tokens, on libsodium.
//
// Passwords are hashed with Argon2id (crypto_pwhash_str_alg, ALG_ARGON2ID13) at libsodium's
// INTERACTIVE limits: 2 passes over 64 MiB, about 0.1 s on one core. That is the cost
// libsodium recommends for interactive sign-in, and what the OWASP password storage cheat
// sheet's Argon2id minimum (19 MiB, 2 passes) exceeds comfortably. Memory is the dearer
// resource on a small server, so at most max(2, cores) hash computations run at once;
// further callers wait (a flood of sign-in attempts cannot exhaust memory). The parameters
// are stored in each hash ("$argon2id$v=19$m=65536,t=2,p=1$..."), so raising them later
// leaves old hashes verifiable; password_needs_rehash() says when one should be replaced.
//
// Tokens are 32 random bytes from the system CSPRNG (randombytes_buf), URL-safe base64
// without padding, so they go into cookies and forms unescaped. The store only ever keeps
// a token's SHA-256 digest.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pathways {

// Initialises libsodium (sodium_init) once per process; thread-safe and cheap after the
// first call. Every function here calls it; throws std::runtime_error if it fails.
void ensure_sodium();

// An Argon2id hash string of `password` in the standard "$argon2id$..." encoding (with its
// own random salt). Throws std::runtime_error when the memory cannot be had.
std::string hash_password(std::string_view password);
// True when `hash` is a valid hash string and `password` matches it; false otherwise
// (including for a malformed hash).
bool verify_password(const std::string& hash, std::string_view password);
// True when `hash` was made with other parameters than hash_password() uses now.
bool password_needs_rehash(const std::string& hash);

// Why a new password is not acceptable, as a sentence for the user; "" when it is. Rules:
// at least 12 characters (code points), at most 256 bytes, valid UTF-8, no control
// characters, and neither equal to nor containing the username (ignoring ASCII case).
std::string password_problem(std::string_view password, std::string_view username);

// `bytes` random bytes (default 32: 256 bits), URL-safe base64 without padding.
std::string random_token(size_t bytes = 32);
// SHA-256 of `token` as 64 lower-case hex digits: what the store keeps instead of a token.
std::string token_digest(std::string_view token);
// Equal strings, compared in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace pathways
