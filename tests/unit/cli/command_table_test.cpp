// Command table: matching (exact, unique prefixes, ambiguity), argument binding (flags,
// positionals, choices, missing/extra → usage), tokenizing (quotes, escapes).

#include "mipgate/cli/command_table.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace mipgate;
using namespace mipgate::cli;

namespace {

std::vector<std::string> words(std::string_view line) {
    return tokenize(line).value();
}

} // namespace

TEST(Tokenize, SplitsOnWhitespace) {
    EXPECT_EQ(words("  show   counters\tall \n"),
              (std::vector<std::string>{"show", "counters", "all"}));
    EXPECT_TRUE(words("").empty());
    EXPECT_TRUE(words("   ").empty());
}

TEST(Tokenize, QuotesAndEscapes) {
    EXPECT_EQ(words(R"(set "a b" 'c d' e\ f)"),
              (std::vector<std::string>{"set", "a b", "c d", "e f"}));
    EXPECT_EQ(words(R"("x\"y" 'a\b')"), (std::vector<std::string>{"x\"y", "a\\b"}));
    EXPECT_EQ(words(R"(ab"cd"ef)"), (std::vector<std::string>{"abcdef"}));
    EXPECT_EQ(words(R"("")"), (std::vector<std::string>{""}));
}

TEST(Tokenize, RejectsUnterminated) {
    EXPECT_FALSE(tokenize(R"(show "key)").ok());
    EXPECT_FALSE(tokenize("show 'key").ok());
    EXPECT_FALSE(tokenize("show key\\").ok());
}

TEST(CommandTable, StandardTableDeclaresTheIssueCommands) {
    const auto t = standard_table();
    for (const char* p :
         {"help", "show commands", "quit", "show ports", "show counters", "show keys", "show key",
          "show send", "show config", "clear counters", "clear key", "set log-level", "reload",
          "show bindings", "show tunnels", "show neighbors", "metrics"}) {
        const auto* e = t.find(p);
        ASSERT_NE(e, nullptr) << p;
        EXPECT_FALSE(e->help.empty()) << p;
        EXPECT_FALSE(e->example.empty()) << p;
        // Each example is itself a valid command line for its entry.
        auto ex = words(e->example);
        std::erase_if(ex, [](const std::string& w) { return w.starts_with("--"); });
        const auto m = t.match(ex);
        EXPECT_FALSE(m.err) << p << ": " << m.err->message;
        EXPECT_EQ(m.entry, e) << p;
    }
}

TEST(CommandTable, ExactAndPrefixMatching) {
    const auto t = standard_table();
    auto m = t.match(words("show counters"));
    ASSERT_FALSE(m.err);
    EXPECT_EQ(m.entry->path, "show counters");
    m = t.match(words("sh cou"));
    ASSERT_FALSE(m.err);
    EXPECT_EQ(m.entry->path, "show counters");
    // "show key" is both a command and a prefix of "show keys": the exact word wins.
    m = t.match(words("show key 2001:db8::1"));
    ASSERT_FALSE(m.err);
    EXPECT_EQ(m.entry->path, "show key");
    EXPECT_EQ(*m.inv.arg("cga"), "2001:db8::1");
    m = t.match(words("show keys"));
    ASSERT_FALSE(m.err);
    EXPECT_EQ(m.entry->path, "show keys");
}

TEST(CommandTable, AmbiguousPrefixIsAnError) {
    const auto t = standard_table();
    const auto m = t.match(words("show c")); // commands, config, counters
    ASSERT_TRUE(m.err);
    EXPECT_NE(m.err->message.find("ambiguous"), std::string::npos);
    EXPECT_NE(m.err->message.find("counters"), std::string::npos);
}

TEST(CommandTable, UnknownCommand) {
    const auto t = standard_table();
    auto m = t.match(words("frobnicate"));
    ASSERT_TRUE(m.err);
    EXPECT_EQ(m.entry, nullptr);
    EXPECT_NE(m.err->message.find("unknown command 'frobnicate'"), std::string::npos);
    m = t.match(words("show"));
    ASSERT_TRUE(m.err);
    EXPECT_NE(m.err->message.find("show counters"), std::string::npos) << "lists the candidates";
    m = t.match(words("show nonsense"));
    ASSERT_TRUE(m.err);
    EXPECT_TRUE(t.match({}).err);
}

TEST(CommandTable, FlagsInAnyOrder) {
    const auto t = standard_table();
    const auto m = t.match(words("show counters per-lcore all"));
    ASSERT_FALSE(m.err);
    EXPECT_EQ(m.inv.flags, (std::vector<std::string>{"all", "per-lcore"}));
    EXPECT_TRUE(m.inv.has_flag("all"));
}

TEST(CommandTable, MissingAndExtraArgumentsGiveUsage) {
    const auto t = standard_table();
    auto m = t.match(words("show key"));
    ASSERT_TRUE(m.err);
    EXPECT_NE(m.err->message.find("missing <cga>"), std::string::npos);
    EXPECT_NE(m.err->message.find("usage: show key <cga>"), std::string::npos);
    m = t.match(words("show key a b"));
    ASSERT_TRUE(m.err);
    EXPECT_NE(m.err->message.find("unexpected argument 'b'"), std::string::npos);
    m = t.match(words("show counters bogus"));
    ASSERT_TRUE(m.err);
    EXPECT_NE(m.err->message.find("usage: show counters [all] [per-lcore]"), std::string::npos);
}

TEST(CommandTable, ChoicesAreChecked) {
    const auto t = standard_table();
    auto m = t.match(words("set log-level loud"));
    ASSERT_TRUE(m.err);
    EXPECT_NE(m.err->message.find("one of: emergency"), std::string::npos);
    m = t.match(words("set log-level debug"));
    ASSERT_FALSE(m.err);
    EXPECT_EQ(*m.inv.arg("level"), "debug");
}

TEST(CommandTable, UnboundCommandsSayNotImplemented) {
    const auto t = standard_table();
    auto r = t.execute(words("show bindings"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, ENOSYS);
    EXPECT_EQ(r.err().message, "show bindings: FMIPv6 needs a router: section");
    r = t.execute(words("show tunnels"));
    EXPECT_EQ(r.err().message, "show tunnels: FMIPv6 needs a router: section");
    r = t.execute(words("reload"));
    EXPECT_EQ(r.err().message, "reload: not available in this process");
}

TEST(CommandTable, AddReplacesAndBindSetsHandlers) {
    auto t = standard_table();
    const auto n = t.entries().size();
    ASSERT_TRUE(
        t.bind("reload", [](const invocation&) -> result<value> { return value("reloaded"); }));
    EXPECT_EQ(t.execute(words("reload")).value(), value("reloaded"));
    EXPECT_FALSE(t.bind("no such", {}));
    command_entry e;
    e.path = "show  sa"; // normalized
    e.help = "IPsec SAs";
    e.example = "show sa";
    e.handler = [](const invocation&) -> result<value> { return value(1); };
    t.add(e);
    EXPECT_EQ(t.entries().size(), n + 1);
    t.add(e);
    EXPECT_EQ(t.entries().size(), n + 1) << "same path replaces";
    EXPECT_EQ(t.execute(words("show sa")).value(), value(1));
}

TEST(CommandTable, HandlerUsageErrorsGetTheUsage) {
    auto t = standard_table();
    t.bind("show key",
           [](const invocation&) -> result<value> { return make_error(EINVAL, "bad cga"); });
    const auto r = t.execute(words("show key x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().message, "bad cga\nusage: show key <cga>");
}

TEST(CommandTable, HelpListsEveryCommand) {
    const auto t = standard_table();
    const auto r = t.execute(words("help"));
    ASSERT_TRUE(r.ok());
    const auto* cmds = r.value().find("commands");
    ASSERT_NE(cmds, nullptr);
    EXPECT_EQ(cmds->as_array().size(), t.entries().size());
    EXPECT_EQ(*cmds->as_array()[0].find("command"), value(t.entries()[0].usage()));
}

TEST(CommandTable, CompletionWords) {
    const auto t = standard_table();
    const auto first = t.next_words({});
    EXPECT_NE(std::find(first.begin(), first.end(), "show"), first.end());
    EXPECT_NE(std::find(first.begin(), first.end(), "clear"), first.end());
    const auto show = t.next_words({"show"});
    EXPECT_NE(std::find(show.begin(), show.end(), "counters"), show.end());
    const auto cnt = t.next_words({"show", "counters"});
    EXPECT_EQ(cnt, (std::vector<std::string>{"all", "per-lcore"}));
    const auto lvl = t.next_words({"set", "log-level"});
    EXPECT_NE(std::find(lvl.begin(), lvl.end(), "debug"), lvl.end());
}
