// The key table at its production size: 1M handover keys (issue 4 item 3). Every key is
// findable, the full table refuses the next one, and expiry empties it again.
#include "eal_env.hpp"
#include "mipgate/tables/key_table.hpp"

#include <rte_rcu_qsbr.h>

#include <cstdlib>
#include <vector>

using namespace mipgate;
using namespace mipgate::tables;

namespace {
ipv6_addr cga_n(std::uint32_t n) {
    ipv6_addr a = *ipv6_addr::parse("2001:db8:1::");
    a.b[12] = static_cast<std::uint8_t>(n >> 24);
    a.b[13] = static_cast<std::uint8_t>(n >> 16);
    a.b[14] = static_cast<std::uint8_t>(n >> 8);
    a.b[15] = static_cast<std::uint8_t>(n);
    return a;
}
} // namespace

TEST(key_table_large, one_million_keys) {
    constexpr std::uint32_t cap = 1u << 20;
    std::size_t sz = rte_rcu_qsbr_get_memsize(2);
    void* mem = std::aligned_alloc(64, (sz + 63) / 64 * 64);
    auto* v = static_cast<rte_rcu_qsbr*>(mem);
    rte_rcu_qsbr_init(v, 2);
    {
        auto t = key_table::create("kt_1m", cap, v, 0);
        ASSERT_TRUE(t.ok()) << t.err().message;
        auto& tab = *t.value();
        std::uint8_t raw[20] = {};
        for (std::uint32_t i = 0; i < cap; ++i) {
            raw[0] = static_cast<std::uint8_t>(i);
            auto mac = fmip::badf_key::create(fmip::at_hmac_sha1, bytes_view(raw, sizeof(raw)));
            ASSERT_TRUE(mac.ok());
            auto rec = std::make_unique<key_record>(cga_n(i), 0, 1000 + (i & 1),
                                                    secret_bytes(bytes_view(raw, sizeof(raw))),
                                                    std::move(mac.value()));
            ASSERT_EQ(tab.insert(std::move(rec)), key_table::insert_status::inserted) << i;
        }
        EXPECT_EQ(tab.size(), cap);
        auto mac = fmip::badf_key::create(fmip::at_hmac_sha1, bytes_view(raw, sizeof(raw)));
        EXPECT_EQ(tab.insert(std::make_unique<key_record>(cga_n(cap), 0, 1000,
                                                          secret_bytes(bytes_view(raw, 20)),
                                                          std::move(mac.value()))),
                  key_table::insert_status::full);
        for (std::uint32_t i = 0; i < cap; i += 97) {
            ASSERT_NE(tab.find(cga_n(i)), nullptr) << i;
        }
        EXPECT_EQ(tab.expire(1000), cap / 2);
        EXPECT_EQ(tab.expire(1001), cap / 2);
        EXPECT_EQ(tab.size(), 0u);
    }
    std::free(mem);
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::test::eal_env(1024));
    return RUN_ALL_TESTS();
}
