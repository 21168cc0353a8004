// counters.def consistency: one entry per enum value, unique identifier names, descriptions,
// the summed view and drop totals.
#include "mipgate/fastpath/counters.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace fp = mipgate::fastpath;
using fp::counter_id;

TEST(counters, table_matches_enum) {
    // The last enumerator + 1 is the count: the table and the enum come from the same list.
    EXPECT_EQ(static_cast<std::size_t>(counter_id::tunnel_no_headroom) + 1, fp::counter_count);
    EXPECT_EQ(fp::counter_table.size(), fp::counter_count);
    EXPECT_EQ(fp::counter_name(counter_id::rx), "rx");
    EXPECT_EQ(fp::counter_name(counter_id::hop_limit_exceeded), "hop_limit_exceeded");
    EXPECT_EQ(fp::counter_name(counter_id::no_route), "no_route");
}

TEST(counters, names_unique_identifiers_with_descriptions) {
    std::set<std::string> seen;
    for (const auto& c : fp::counter_table) {
        ASSERT_FALSE(c.name.empty());
        for (char ch : c.name) {
            EXPECT_TRUE(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
                        ch == '_')
                << c.name;
        }
        EXPECT_TRUE(seen.insert(std::string(c.name)).second) << "duplicate " << c.name;
        EXPECT_GE(c.description.size(), 10u) << c.name;
    }
}

TEST(counters, kinds) {
    // Info: not packets that ended on the worker (invariant rx == forwarded + to_control + drops).
    for (auto id : {counter_id::rx, counter_id::forwarded, counter_id::tx, counter_id::to_control,
                    counter_id::control_tx, counter_id::control_tx_full}) {
        EXPECT_EQ(fp::counter_table[static_cast<std::size_t>(id)].kind, fp::counter_kind::info);
    }
    for (auto id : {counter_id::not_ipv6, counter_id::hop_limit_exceeded, counter_id::no_route, counter_id::no_neighbor,
                    counter_id::tx_full, counter_id::icmpv6_local_unhandled, counter_id::mh_local_unhandled,
                    counter_id::esp_unhandled, counter_id::other_local_unhandled, counter_id::multicast_unhandled,
                    counter_id::control_ring_full}) {
        EXPECT_EQ(fp::counter_table[static_cast<std::size_t>(id)].kind, fp::counter_kind::drop)
            << fp::counter_name(id);
    }
}

TEST(counters, fmip_counters_by_name_and_kind) {
    // Names E2E and the CLI rely on (docs/fmip-interface): info ones stay out of the invariant.
    for (auto name : {"fbu_verified", "encapsulated", "decapsulated"}) {
        bool found = false;
        for (const auto& c : fp::counter_table) {
            if (c.name == name) {
                found = true;
                EXPECT_EQ(c.kind, fp::counter_kind::info) << name;
            }
        }
        EXPECT_TRUE(found) << name;
    }
    for (auto name : {"fbu_no_hao", "fbu_malformed", "fbu_bad_checksum", "fbu_bad_flags", "fbu_no_key",
                      "fbu_bad_badf", "fbu_bad_mac", "tunnel_refused", "tunnel_nested", "tunnel_no_headroom"}) {
        bool found = false;
        for (const auto& c : fp::counter_table) {
            if (c.name == name) {
                found = true;
                EXPECT_EQ(c.kind, fp::counter_kind::drop) << name;
            }
        }
        EXPECT_TRUE(found) << name;
    }
}

TEST(counters, blocks_are_cache_aligned_and_summed) {
    static_assert(alignof(fp::counter_block) == 64);
    static_assert(sizeof(fp::counter_block) % 64 == 0);
    fp::counter_block a;
    fp::counter_block b;
    a.add(counter_id::rx, 10);
    b.add(counter_id::rx, 5);
    a.add(counter_id::no_route, 3);
    b.add(counter_id::hop_limit_exceeded, 2);
    a.add(counter_id::forwarded, 10);
    const fp::counter_block* blocks[] = {&a, &b};
    auto t = fp::sum_counters(blocks);
    EXPECT_EQ(t[counter_id::rx], 15u);
    EXPECT_EQ(t[counter_id::no_route], 3u);
    EXPECT_EQ(t.drops(), 5u); // info counters are not drops
    std::uint64_t v = 0;
    EXPECT_TRUE(t.find("hop_limit_exceeded", v));
    EXPECT_EQ(v, 2u);
    EXPECT_FALSE(t.find("no_such_counter", v));
}
