// Router authorization: certification paths from the make-router-cert fixtures.

#include "send_test_util.hpp"

#include "mipgate/send/certpath.hpp"

#include <cstdlib>

namespace send_test {
namespace {

std::vector<certificate> certs(std::initializer_list<const char*> names) {
    std::vector<certificate> out;
    for (const char* n : names) {
        auto c = certificate::load_file(data_path(n));
        EXPECT_TRUE(c.ok()) << n;
        if (c) {
            out.insert(out.end(), c->begin(), c->end());
        }
    }
    return out;
}

trust_store anchors(std::initializer_list<const char*> names) {
    auto t = trust_store::from_certificates(certs(names));
    EXPECT_TRUE(t.ok());
    return t.value();
}

ipv6_prefix pfx(const char* s) { return *ipv6_prefix::parse(s); }

TEST(CertPath, GoodPathAndPrefixes) {
    auto r = validate_certpath(anchors({"ta.pem"}), certs({"router.pem"}));
    EXPECT_REASON(r.reason, send_reason::ok);
    EXPECT_FALSE(r.unconstrained);
    ASSERT_EQ(r.path.size(), 2u);  // router, anchor
    EXPECT_EQ(r.router_key.bits(), 2048u);
    EXPECT_EQ(r.router_key.hash(), key2048().public_key().hash());
    EXPECT_TRUE(r.authorizes(pfx("2001:db8:1::/48")));
    EXPECT_TRUE(r.authorizes(pfx("2001:db8:1:42::/64")));
    EXPECT_TRUE(r.authorizes(pfx("2001:db8:5::/64")));
    EXPECT_FALSE(r.authorizes(pfx("2001:db8:5::/63")));   // wider than certified
    EXPECT_FALSE(r.authorizes(pfx("2001:db8:2::/64")));   // inside the anchor, not the router
    EXPECT_REASON(check_prefixes(r, {pfx("2001:db8:1:1::/64"), pfx("2001:db8:5::/64")}), send_reason::ok);
    EXPECT_REASON(check_prefixes(r, {pfx("2001:db8:1:1::/64"), pfx("2001:db8:6::/64")}),
                  send_reason::prefix_not_authorized);
    // CPA: the certificate below the anchor first, own last, never the anchor.
    auto cpa = cpa_certificates(r);
    ASSERT_EQ(cpa.size(), 1u);
    EXPECT_EQ(cpa[0], certs({"router.pem"})[0].der());
}

TEST(CertPath, IntermediateAndCpaOrder) {
    auto r = validate_certpath(anchors({"ta.pem"}), certs({"router-via-ca2.pem", "ca2.pem"}));
    EXPECT_REASON(r.reason, send_reason::ok);
    ASSERT_EQ(r.path.size(), 3u);
    EXPECT_TRUE(r.authorizes(pfx("2001:db8:100::/48")));
    EXPECT_FALSE(r.authorizes(pfx("2001:db8:101::/48")));  // in ca2's /40 but not the router's
    auto cpa = cpa_certificates(r);
    ASSERT_EQ(cpa.size(), 2u);
    EXPECT_EQ(cpa[0], certs({"ca2.pem"})[0].der());
    EXPECT_EQ(cpa[1], certs({"router-via-ca2.pem"})[0].der());
    // Without the intermediate the path does not reach the anchor.
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), certs({"router-via-ca2.pem"})).reason,
                  send_reason::cert_untrusted);
}

TEST(CertPath, Failures) {
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), {}).reason, send_reason::cert_chain_empty);
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), certs({"other-router.pem"})).reason,
                  send_reason::cert_untrusted);
    auto out = validate_certpath(anchors({"ta.pem"}), certs({"router-outside.pem"}));
    EXPECT_REASON(out.reason, send_reason::cert_prefix_unnested);
    EXPECT_FALSE(out.authorizes(pfx("2001:db9::/48")));
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), certs({"router512.pem"})).reason,
                  send_reason::key_too_small);
    certpath_options small_max;
    small_max.rsa_max_bits = 1024;
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), certs({"router.pem"}), small_max).reason,
                  send_reason::key_too_large);
    certpath_options future;
    future.at = std::time_t{4102444800LL * 30};  // far beyond the 100-year validity
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), certs({"router.pem"}), future).reason,
                  send_reason::cert_expired);
    // A router certificate whose signature was altered.
    auto der = certs({"router1024.pem"})[0].der();
    der[der.size() - 10] ^= 1;
    auto bad = certificate::from_der(der);
    ASSERT_TRUE(bad.ok());
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), {bad.value()}).reason, send_reason::cert_bad_signature);
    // Garbage DER.
    auto junk = certificate::from_der(std::vector<std::uint8_t>{0x30, 0x01, 0x00});
    ASSERT_FALSE(junk.ok());
    EXPECT_REASON(static_cast<send_reason>(junk.err().code), send_reason::cert_malformed);
}

TEST(CertPath, NotRsa) {
    // An EC router key under the same anchor, made with the openssl CLI at test time.
    std::string dir = ::testing::TempDir() + "send_ec_cert";
    std::string cmd = "mkdir -p " + dir + " && cd " + dir +
                      " && openssl ecparam -name prime256v1 -genkey -noout -out ec.key 2>/dev/null"
                      " && openssl req -new -key ec.key -subj /CN=ec -out ec.csr 2>/dev/null"
                      " && openssl x509 -req -in ec.csr -CA " + data_path("ta.pem") + " -CAkey " +
                      data_path("ta.key") + " -set_serial 7 -days 30 -out ec.pem 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto ec = certificate::load_file(dir + "/ec.pem");
    ASSERT_TRUE(ec.ok());
    EXPECT_REASON(validate_certpath(anchors({"ta.pem"}), *ec).reason, send_reason::cert_not_rsa);
    // A certificate issued by a non-CA (router1024, CA:FALSE) is refused for another reason.
    cmd = "cd " + dir + " && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out leaf.key 2>/dev/null"
          " && openssl req -new -key leaf.key -subj /CN=leaf -out leaf.csr 2>/dev/null"
          " && openssl x509 -req -in leaf.csr -CA " + data_path("router1024.pem") + " -CAkey " +
          data_path("router1024.key") + " -set_serial 8 -days 30 -out leaf.pem 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto leaf = certificate::load_file(dir + "/leaf.pem");
    ASSERT_TRUE(leaf.ok());
    std::vector<certificate> chain = *leaf;
    chain.push_back(certs({"router1024.pem"})[0]);
    auto r = validate_certpath(anchors({"ta.pem"}), chain);
    EXPECT_REASON(r.reason, send_reason::cert_invalid);
    EXPECT_NE(r.openssl_error, 0);
}

TEST(CertPath, UnconstrainedAndInherited) {
    // No extension anywhere on the path below a ::/0 anchor: any prefix.
    auto any = validate_certpath(anchors({"ta-any.pem"}), certs({"router-any.pem"}));
    EXPECT_REASON(any.reason, send_reason::ok);
    EXPECT_TRUE(any.unconstrained);
    EXPECT_TRUE(any.authorizes(pfx("3fff::/20")));
    // A router certificate without the extension takes its issuer's blocks (RFC 3971 §6.3.1).
    auto noext = validate_certpath(anchors({"ta.pem"}), certs({"router-noext.pem"}));
    EXPECT_REASON(noext.reason, send_reason::ok);
    EXPECT_FALSE(noext.unconstrained);
    EXPECT_TRUE(noext.authorizes(pfx("2001:db8:77::/48")));
    EXPECT_FALSE(noext.authorizes(pfx("2001:db9::/48")));
    // An anchor without the extension (a plain identity certificate) constrains nothing, so its
    // router is authorized for exactly its own blocks — although OpenSSL's own RFC 3779 check
    // alone would refuse this path.
    auto plain = validate_certpath(anchors({"ta-plain.pem"}), certs({"router-under-plain.pem"}));
    EXPECT_REASON(plain.reason, send_reason::ok);
    EXPECT_FALSE(plain.unconstrained);
    EXPECT_TRUE(plain.authorizes(pfx("2001:db8:7:1::/64")));
    EXPECT_FALSE(plain.authorizes(pfx("2001:db8:8::/64")));
    // Several anchors: the right one is picked.
    EXPECT_REASON(validate_certpath(anchors({"other-ta.pem", "ta.pem"}), certs({"other-router.pem"})).reason,
                  send_reason::ok);
}

TEST(CertPath, TrustAnchorName) {
    auto ta = certs({"ta.pem"});
    ASSERT_EQ(ta.size(), 1u);
    EXPECT_TRUE(ta[0].self_signed());
    auto name = ta[0].subject_der();
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(name[0], 0x30);
    EXPECT_FALSE(certs({"router.pem"})[0].self_signed());
}

} // namespace
} // namespace send_test
