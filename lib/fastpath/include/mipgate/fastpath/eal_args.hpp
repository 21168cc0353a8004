#pragma once
// EAL command line derived from config.system and the ports (no DPDK calls: unit-testable).

#include "mipgate/config/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mipgate::fastpath {

/// argv for rte_eal_init, argv[0] = `prog`: -l, -m, --no-huge + --no-shconf without hugepages,
/// --no-pci unless a port is a PCI device (then -a for each), --file-prefix (`prefix_override`,
/// else system.file_prefix, else "mipgate-<pid>"), --vdev per vdev port, then system.eal_args.
/// Control thread before EAL init; allocates.
std::vector<std::string> build_eal_args(const config::config& cfg, std::string_view prog,
                                        std::string_view prefix_override, int pid);

} // namespace mipgate::fastpath
