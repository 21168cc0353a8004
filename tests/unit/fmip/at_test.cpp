#include "mipgate/fmip/at.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace mipgate::fmip {
namespace {

TEST(fmip_at, lengths) {
    EXPECT_EQ(at_key_len(at_hmac_sha1), 20u);
    EXPECT_EQ(at_key_len(at_hmac_sha256), 32u);
    EXPECT_EQ(at_auth_len(at_hmac_sha1), 12u);
    EXPECT_EQ(at_auth_len(at_hmac_sha256), 16u);
    EXPECT_EQ(at_digest_len(at_hmac_sha1), 20u);
    EXPECT_EQ(at_digest_len(at_hmac_sha256), 32u);
    for (unsigned at = 2; at <= at_field_max + 1; ++at) {
        EXPECT_FALSE(at_known(at)) << at;
        EXPECT_EQ(at_key_len(at), 0u) << at;
        EXPECT_EQ(at_auth_len(at), 0u) << at;
        EXPECT_EQ(at_strength(at), -1) << at;
    }
    EXPECT_GT(at_strength(at_hmac_sha256), at_strength(at_hmac_sha1));
}

// Every requested value of the 4-bit field against every subset (and order) of {0, 1, 7}, with 7
// standing for an unknown value configured by mistake. Expectations are written out from design §4.
TEST(fmip_at, negotiation_table) {
    constexpr unsigned x = 7; // unknown AT
    using opt = std::optional<unsigned>;
    const opt none;
    struct row {
        std::vector<unsigned> enabled;
        opt for_req0;    // requested HMAC-SHA1
        opt for_req1;    // requested HMAC-SHA256
        opt for_unknown; // requested an unknown value
    };
    const std::vector<row> table = {
        {{}, none, none, none},
        {{0}, 0u, 0u, 0u},         // SHA256 asked, only SHA1 enabled: strongest enabled
        {{1}, 1u, 1u, 1u},         // SHA1 asked, SHA256 is the weakest at least as strong
        {{0, 1}, 0u, 1u, 1u},
        {{1, 0}, 0u, 1u, 1u},
        {{x}, none, none, none},   // unknown values are not enabled
        {{0, x}, 0u, 0u, 0u},
        {{x, 0}, 0u, 0u, 0u},
        {{1, x}, 1u, 1u, 1u},
        {{x, 1}, 1u, 1u, 1u},
        {{0, 1, x}, 0u, 1u, 1u},
        {{x, 1, 0}, 0u, 1u, 1u},
        {{1, 1, 0, 0}, 0u, 1u, 1u}, // duplicates
    };
    for (const row& r : table) {
        for (unsigned req = 0; req <= at_field_max; ++req) {
            const opt want = req == 0 ? r.for_req0 : req == 1 ? r.for_req1 : r.for_unknown;
            EXPECT_EQ(negotiate_at(req, r.enabled), want)
                << "requested " << req << " enabled size " << r.enabled.size();
        }
    }
}

TEST(fmip_at, answer_is_enabled_and_known) {
    // Property over all subsets of {0..15}: the answer is in the list, known, and the requested AT
    // when that is enabled.
    for (unsigned mask = 0; mask < (1u << 16); mask += 7) {
        std::vector<unsigned> enabled;
        for (unsigned v = 0; v < 16; ++v) {
            if ((mask >> v) & 1u) {
                enabled.push_back(v);
            }
        }
        const bool any_known = ((mask & 3u) != 0);
        for (unsigned req = 0; req < 16; ++req) {
            const auto got = negotiate_at(req, enabled);
            ASSERT_EQ(got.has_value(), any_known);
            if (got) {
                EXPECT_TRUE(at_known(*got));
                EXPECT_TRUE((mask >> *got) & 1u);
                if (at_known(req) && ((mask >> req) & 1u)) {
                    EXPECT_EQ(*got, req);
                }
            }
        }
    }
}

} // namespace
} // namespace mipgate::fmip
