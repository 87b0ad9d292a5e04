// Deterministic randomness for the synthetic data generator.
//
// Output must be byte-identical on every machine and library version, so nothing here
// uses <random> distributions or libm's transcendental functions (whose last bit may
// differ between C libraries). The generator is xoshiro256** seeded through splitmix64;
// exp and log are computed from IEEE basic operations only (+ - * / and sqrt are
// correctly rounded everywhere), which is plenty accurate for drawing synthetic data.
#pragma once

// No fused multiply-add: a*b+c rounded once instead of twice would change the last bit on
// machines with FMA, and a last bit can flip a comparison, hence a row. Every generator
// source includes this header before defining its functions.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace pathways::gen {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A well-mixed 64-bit key from several values (seed, stream name, person index...).
inline uint64_t mix_key(std::initializer_list<uint64_t> parts) {
  uint64_t state = 0x6A09E667F3BCC909ULL;
  uint64_t h = 0;
  for (uint64_t p : parts) {
    state ^= p + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h = splitmix64(state);
  }
  return h;
}

// exp(x) for |x| <= 700 from basic operations: x = k ln2 + r, |r| <= ln2/2, Taylor series.
double det_exp(double x);
// Natural logarithm of x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), atanh series.
double det_log(double x);
// 1 / (1 + exp(-x)).
inline double logistic(double x) { return 1.0 / (1.0 + det_exp(-x)); }

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) w = splitmix64(x);
  }

  // xoshiro256**.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }

  // Uniform integer in [lo, hi] (inclusive), by a 128-bit multiply (bias < 2^-60).
  int64_t range(int64_t lo, int64_t hi) {
    const auto span = static_cast<uint64_t>(hi - lo) + 1;
    const auto wide = static_cast<unsigned __int128>(next()) * span;
    return lo + static_cast<int64_t>(wide >> 64);
  }

  // Standard normal (Marsaglia's polar method).
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }

  // Poisson with a small mean (Knuth's multiplication method; mean <= ~30).
  int poisson(double mean);

  // Index drawn with probability proportional to weights[i].
  size_t pick(const double* weights, size_t n);
  size_t pick(std::initializer_list<double> weights) { return pick(weights.begin(), weights.size()); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace pathways::gen
