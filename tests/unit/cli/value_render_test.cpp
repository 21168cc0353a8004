// Value tree: JSON round trips and escaping; human rendering (tables, key/value, text blocks).

#include "mipgate/cli/protocol.hpp"
#include "mipgate/cli/render.hpp"
#include "mipgate/cli/value.hpp"

#include <gtest/gtest.h>

using namespace mipgate::cli;

TEST(Json, SerializesInOrderWithEscapes) {
    value v;
    v.set("b", 1);
    v.set("a", "x\"y\\z\n\x01");
    v.set("n", nullptr);
    v.set("t", true);
    v.set("neg", -5);
    v.set("big", std::uint64_t{18446744073709551615ULL});
    v.set("arr", array{value(1.5), value("s")});
    EXPECT_EQ(to_json(v), R"({"b":1,"a":"x\"y\\z\n\u0001","n":null,"t":true,"neg":-5,)"
                          R"("big":18446744073709551615,"arr":[1.5,"s"]})");
}

TEST(Json, RoundTrips) {
    value v;
    v.set("counters", array{});
    v.as_object()[0].second.push(object{{"name", value("rx")}, {"total", value(42u)}});
    v.set("text", "multi\nline \xc3\xa9");
    v.set("empty", object{});
    v.set("f", 0.25);
    const auto p = parse_json(to_json(v));
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(p.value(), v);
}

TEST(Json, ParsesStandardForms) {
    auto p = parse_json(R"( { "a" : [ 1 , -2 , 3e2 , "\u00e9\ud83d\ude00" ] , "b" : false } )");
    ASSERT_TRUE(p.ok());
    const auto& a = p->find("a")->as_array();
    EXPECT_EQ(a[0], value(1));
    EXPECT_EQ(a[1], value(-2));
    EXPECT_EQ(a[2], value(300.0));
    EXPECT_EQ(a[3], value("\xc3\xa9\xf0\x9f\x98\x80"));
}

TEST(Json, RejectsMalformed) {
    for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "01x", "{\"a\":1} x",
                            "[\"\x01\"]", "\"\\q\""}) {
        EXPECT_FALSE(parse_json(bad).ok()) << bad;
    }
    std::string deep(100, '[');
    deep += std::string(100, ']');
    EXPECT_FALSE(parse_json(deep).ok());
}

TEST(Render, ArrayOfObjectsIsATable) {
    array rows;
    rows.push_back(
        object{{"name", value("rx")}, {"total", value(5u)}, {"description", value("received")}});
    rows.push_back(
        object{{"name", value("no_route")}, {"total", value(12345u)}, {"description", value("x")}});
    EXPECT_EQ(render_table(rows), "name      total  description\n"
                                  "--------  -----  -----------\n"
                                  "rx            5  received\n"
                                  "no_route  12345  x\n");
}

TEST(Render, ObjectWithScalarsAndTable) {
    value v;
    v.set("count", 2u);
    v.set("capacity", 1024u);
    v.set("keys", array{value(object{{"cga", value("2001:db8::1")}, {"at", value(1u)}})});
    EXPECT_EQ(render_text(v), "count:    2\n"
                              "capacity: 1024\n"
                              "keys:\n"
                              "  cga          at\n"
                              "  -----------  --\n"
                              "  2001:db8::1   1\n");
}

TEST(Render, TextAndEmpty) {
    EXPECT_EQ(render_text(value("# HELP x y\nx 1\n")), "# HELP x y\nx 1\n");
    EXPECT_EQ(render_text(value(object{})), "");
    value v;
    v.set("source", "/etc/mipgate.yaml");
    v.set("yaml", "system:\n  lcores: 0-1");
    v.set("keys", array{});
    EXPECT_EQ(render_text(v),
              "source: /etc/mipgate.yaml\nyaml:\nsystem:\n  lcores: 0-1\nkeys:   (none)\n");
}

TEST(Protocol, FramesSplitAnywhere) {
    const auto f = encode_frame(encode_request({"show", "key", "a b"})) + encode_frame("{}");
    frame_decoder d(max_request_bytes);
    std::vector<std::string> got;
    for (char c : f) {
        d.feed(&c, 1);
        std::string p;
        while (d.next(p) == frame_decoder::status::frame) {
            got.push_back(p);
        }
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(decode_request(got[0]).value(), (std::vector<std::string>{"show", "key", "a b"}));
    EXPECT_FALSE(decode_request(got[1]).ok());
}

TEST(Protocol, OversizeFrameIsRefused) {
    frame_decoder d(16);
    const std::string hdr("\x00\x00\x01\x00", 4);
    d.feed(hdr.data(), hdr.size());
    std::string p;
    EXPECT_EQ(d.next(p), frame_decoder::status::too_large);
}

TEST(Protocol, ResponsesRoundTrip) {
    response ok{true, value(object{{"a", value(1)}}), "", ""};
    auto r = decode_response(encode_response(ok));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->ok);
    EXPECT_EQ(r->result, ok.result);
    auto e = make_response(mipgate::make_error(ENOSYS, "nope"));
    r = decode_response(encode_response(e));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->error, "nope");
    EXPECT_EQ(r->code, "not_implemented");
}
