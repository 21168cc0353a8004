// Every shipped port profile in drivers-cfg/ must load with no diagnostics at all.
#include "mipgate/config/load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

fs::path profiles_dir() {
    const char* d = std::getenv("MIPGATE_DRIVERS_CFG");
    return d != nullptr ? fs::path(d) : fs::path("drivers-cfg");
}

TEST(drivers_cfg, every_profile_loads_cleanly) {
    fs::path dir = profiles_dir();
    ASSERT_TRUE(fs::is_directory(dir)) << dir << " (set MIPGATE_DRIVERS_CFG)";
    std::set<std::string> seen;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".yaml") {
            continue;
        }
        seen.insert(e.path().filename().string());
        auto r = mipgate::config::load_file(e.path().string());
        std::string why;
        for (const auto& d : r.errors) {
            why += d.str() + "\n";
        }
        for (const auto& d : r.warnings) {
            why += "warning: " + d.str() + "\n";
        }
        EXPECT_TRUE(r.cfg.has_value()) << why;
        EXPECT_TRUE(r.errors.empty() && r.warnings.empty()) << why;
    }
    for (const char* want : {"virtual-ring.yaml", "virtual-pcap.yaml", "virtual-memif.yaml", "af-packet-veth.yaml",
                             "ixgbe.yaml", "i40e.yaml", "ice.yaml", "mlx5.yaml"}) {
        EXPECT_EQ(seen.count(want), 1u) << want << " missing from " << dir;
    }
}

} // namespace
