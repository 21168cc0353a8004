// docs/cli.md's command reference must be exactly what the table generates
// (`mipgatectl --print-docs`): change the table, regenerate the docs.

#include "mipgate/cli/command_table.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace mipgate::cli;

TEST(Docs, CliMdMatchesTheCommandTable) {
    std::ifstream f(MIPGATE_DOCS_CLI_MD);
    ASSERT_TRUE(f) << "cannot read " << MIPGATE_DOCS_CLI_MD;
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    const auto b = text.find(docs_begin_marker);
    const auto e = text.find(docs_end_marker);
    ASSERT_NE(b, std::string::npos) << "docs/cli.md lacks " << docs_begin_marker;
    ASSERT_NE(e, std::string::npos) << "docs/cli.md lacks " << docs_end_marker;
    const auto start = b + docs_begin_marker.size() + 1; // marker line ends in '\n'
    ASSERT_LE(start, e);
    EXPECT_EQ(text.substr(start, e - start), standard_table().markdown())
        << "docs/cli.md is out of date: regenerate its section with `mipgatectl --print-docs`";
}
