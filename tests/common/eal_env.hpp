#pragma once
// A gtest environment that brings up EAL the way tests can on these machines: no hugepages,
// no PCI, no shared config, a file prefix of our own.

#include <gtest/gtest.h>
#include <rte_eal.h>

#include <string>
#include <unistd.h>

namespace mipgate::test {

class eal_env : public ::testing::Environment {
public:
    explicit eal_env(unsigned mem_mb) : _mem(std::to_string(mem_mb)) {}
    void SetUp() override {
        std::string prefix = "--file-prefix=ut-" + std::to_string(getpid());
        const char* argv[] = {"test", "--no-huge", "-m", _mem.c_str(), "--no-pci", "--no-shconf",
                              prefix.c_str(), "-l", "0", "--log-level=error", nullptr};
        int argc = sizeof(argv) / sizeof(argv[0]) - 1;
        ASSERT_GE(rte_eal_init(argc, const_cast<char**>(argv)), 0);
    }
    void TearDown() override { rte_eal_cleanup(); }

private:
    std::string _mem;
};

} // namespace mipgate::test
