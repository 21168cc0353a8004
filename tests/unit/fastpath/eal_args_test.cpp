// EAL argv derived from config.system and the ports.
#include "mipgate/fastpath/eal_args.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fp = mipgate::fastpath;
namespace cfgns = mipgate::config;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string after(const std::vector<std::string>& v, const std::string& s) {
    auto it = std::find(v.begin(), v.end(), s);
    return it == v.end() || it + 1 == v.end() ? "" : *(it + 1);
}

} // namespace

TEST(eal_args, virtual_setup_without_hugepages) {
    cfgns::config c;
    c.system.lcores = "0-1";
    c.system.memory_mb = 256;
    c.system.hugepages = false;
    cfgns::port r;
    r.name = "a";
    r.kind = cfgns::port_kind::ring;
    cfgns::port v;
    v.name = "b";
    v.kind = cfgns::port_kind::vdev;
    v.devargs = "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap";
    c.ports = {r, v};
    c.system.eal_args = {"--log-level=lib.eal:warning"};
    auto a = fp::build_eal_args(c, "mipgate", "", 1234);
    EXPECT_EQ(a[0], "mipgate");
    EXPECT_EQ(after(a, "-l"), "0-1");
    EXPECT_EQ(after(a, "-m"), "256");
    EXPECT_TRUE(has(a, "--no-huge"));
    EXPECT_TRUE(has(a, "--no-shconf"));
    EXPECT_TRUE(has(a, "--no-pci"));
    EXPECT_TRUE(has(a, "--file-prefix=mipgate-1234"));
    EXPECT_EQ(after(a, "--vdev"), "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap");
    EXPECT_EQ(std::count(a.begin(), a.end(), "--vdev"), 1); // ring ports are not vdevs
    EXPECT_EQ(a.back(), "--log-level=lib.eal:warning");
}

TEST(eal_args, prefix_override_and_pci) {
    cfgns::config c;
    c.system.hugepages = true;
    c.system.file_prefix = "fromconfig";
    cfgns::port p;
    p.name = "nic";
    p.kind = cfgns::port_kind::pci;
    p.devargs = "0000:03:00.0";
    c.ports = {p};
    auto a = fp::build_eal_args(c, "mipgate", "", 1);
    EXPECT_TRUE(has(a, "--file-prefix=fromconfig"));
    EXPECT_FALSE(has(a, "--no-huge"));
    EXPECT_FALSE(has(a, "--no-shconf"));
    EXPECT_FALSE(has(a, "--no-pci"));
    EXPECT_EQ(after(a, "-a"), "0000:03:00.0");
    auto b = fp::build_eal_args(c, "mipgate", "cli", 1);
    EXPECT_TRUE(has(b, "--file-prefix=cli"));
    EXPECT_FALSE(has(b, "--file-prefix=fromconfig"));
}
