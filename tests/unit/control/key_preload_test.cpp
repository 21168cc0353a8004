// handover_keys.preload_file: keys installed with their AT, lifetime and a working BADF state;
// a readable-by-others file, a bad line, a duplicate of a live key or too many keys install nothing.
#include "mn_util.hpp"

#include "mipgate/control/key_preload.hpp"
#include "mipgate/fmip/key_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace mipgate;
namespace ctl = mipgate::control;

class KeyPreloadTest : public ::testing::Test {
protected:
    void SetUp() override {
        static unsigned n = 0;
        const std::string name = "ut_preload_" + std::to_string(n++);
        auto t = tables::key_table::create(name.c_str(), 4, rcu.v, 0);
        ASSERT_TRUE(t.ok()) << t.err().message;
        table = std::move(t.value());
        path = "/tmp/mipgate-preload-" + std::to_string(getpid()) + "-" + std::to_string(n) + ".keys";
    }
    void TearDown() override { std::remove(path.c_str()); }

    void write(const std::string& text, mode_t mode = 0600) {
        std::remove(path.c_str());
        std::ofstream(path) << text;
        chmod(path.c_str(), mode);
    }

    ctl_test::rcu_var rcu{1};
    std::unique_ptr<tables::key_table> table;
    std::string path;
    config::handover_key_policy policy;
};

const std::string k20(40, 'a');
const std::string k32(64, 'b');

TEST_F(KeyPreloadTest, InstallsKeysWithAtLifetimeAndBadfState) {
    write("# two keys\n2001:db8::1 0 " + k20 + "\n2001:db8::2 1 " + k32 + " 600\n");
    auto n = ctl::preload_keys(path, policy, *table);
    ASSERT_TRUE(n.ok()) << n.err().message;
    EXPECT_EQ(n.value(), 2u);
    const auto* a = table->find(*ipv6_addr::parse("2001:db8::1"));
    const auto* b = table->find(*ipv6_addr::parse("2001:db8::2"));
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(a->at(), 0u);
    EXPECT_EQ(a->expires_s - a->created_s, policy.lifetime_s);
    EXPECT_EQ(b->at(), 1u);
    EXPECT_EQ(b->expires_s - b->created_s, 600u);
    EXPECT_EQ(a->key.size(), 20u);
    EXPECT_EQ(a->key.data()[0], 0xaa);
    EXPECT_EQ(a->mac.auth_len(), 12u);
    EXPECT_EQ(b->mac.auth_len(), 16u);
}

TEST_F(KeyPreloadTest, RefusesAFileOthersCanRead) {
    write("2001:db8::1 0 " + k20 + "\n", 0644);
    auto n = ctl::preload_keys(path, policy, *table);
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.err().message.find("chmod 600"), std::string::npos) << n.err().message;
    EXPECT_EQ(table->size(), 0u);
}

TEST_F(KeyPreloadTest, BadLineInstallsNothingAndNamesTheLine) {
    write("2001:db8::1 0 " + k20 + "\n2001:db8::2 1 " + k20 + "\n");
    auto n = ctl::preload_keys(path, policy, *table);
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.err().message.find(path + ":2: "), std::string::npos) << n.err().message;
    EXPECT_EQ(n.err().message.find(k20), std::string::npos) << "key material in the error";
    EXPECT_EQ(table->size(), 0u);
}

TEST_F(KeyPreloadTest, ExistingKeyOrOverflowInstallsNothing) {
    write("2001:db8::1 0 " + k20 + "\n");
    ASSERT_TRUE(ctl::preload_keys(path, policy, *table).ok());
    write("2001:db8::5 0 " + k20 + "\n2001:db8::1 0 " + k20 + "\n");
    auto dup = ctl::preload_keys(path, policy, *table);
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.err().message.find("already has a key"), std::string::npos) << dup.err().message;
    EXPECT_EQ(table->size(), 1u);
    std::string many;
    for (int i = 2; i < 8; ++i) {
        many += "2001:db8::" + std::to_string(i) + " 0 " + k20 + "\n";
    }
    write(many);
    auto over = ctl::preload_keys(path, policy, *table);
    ASSERT_FALSE(over.ok());
    EXPECT_NE(over.err().message.find("do not fit"), std::string::npos) << over.err().message;
    EXPECT_EQ(table->size(), 1u);
}

TEST_F(KeyPreloadTest, MissingFileIsAnError) {
    auto n = ctl::preload_keys(path + ".absent", policy, *table);
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.err().message.find(".absent"), std::string::npos);
}

} // namespace
