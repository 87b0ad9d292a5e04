// Splitting a loop over people across the machine's cores.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace pathways {

// Calls fn(thread_index, begin, end) on contiguous ranges covering [0, n), one per
// thread, and waits for all of them. Small inputs run on the calling thread.
template <typename Fn>
unsigned parallel_ranges(size_t n, Fn&& fn, unsigned threads = 0, size_t min_per_thread = 25000) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, n / min_per_thread)));
  if (threads <= 1) {
    fn(0u, size_t{0}, n);
    return 1;
  }
  std::vector<std::thread> pool;
  const size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const size_t b = t * chunk, e = std::min(n, b + chunk);
    pool.emplace_back([&fn, t, b, e] { fn(t, b, e); });
  }
  for (auto& th : pool) th.join();
  return threads;
}

}  // namespace pathways
