#pragma once
// Derived values the loader checks and the app needs at start-up (lcore roles, mbuf pool size).

#include "mipgate/config/config.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace mipgate::config {

/// Highest lcore id accepted (RTE_MAX_LCORE - 1 in Debian's DPDK 22.11 build).
inline constexpr unsigned max_lcore_id = 127;
/// Per-lcore mempool cache the app creates its mbuf pool with; counted by mbufs_needed().
inline constexpr unsigned mempool_cache_size = 256;

/// Parses an EAL `-l` list ("0-1", "0,2,4", "0-3,8"): ids 0..max_lcore_id, no spaces, no repeats.
/// Returns the ids ascending (the lowest is EAL's main lcore, our control lcore), or nullopt.
/// Any thread; allocates; never blocks.
std::optional<std::vector<unsigned>> parse_lcore_list(std::string_view text);

/// Highest CPU id accepted in system.signer_cpus (CPU_SETSIZE - 1 with glibc).
inline constexpr unsigned max_cpu_id = 1023;

/// Parses a CPU list in the same syntax ("1", "0-1", "0,2-3"): ids 0..max_cpu_id, no spaces, no
/// repeats. Returns the ids ascending, or nullopt. Any thread; allocates; never blocks.
std::optional<std::vector<unsigned>> parse_cpu_list(std::string_view text);

/// Smallest mbuf pool that cannot run dry: every port's RX and TX descriptors, each lcore's mempool
/// cache plus one burst in flight, and a full worker→control ring.
/// Any thread; allocates nothing; never blocks.
unsigned long mbufs_needed(const config& c);

} // namespace mipgate::config
