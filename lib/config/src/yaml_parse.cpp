#include "yaml_parse.hpp"

#include "yaml_walk.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace mipgate::config::detail {

namespace {

/// Listens to the parser's events only to learn where each document starts.
class document_starts : public YAML::EventHandler {
public:
    YAML::Mark start;
    void OnDocumentStart(const YAML::Mark& m) override { start = m; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

diagnostic at(const std::string& file, const YAML::Mark& m, std::string key, std::string reason) {
    pos p = pos_of(m);
    return diagnostic{file, p.line, p.col, std::move(key), std::move(reason)};
}

} // namespace

std::optional<YAML::Node> parse_single_document(std::string_view text, const std::string& file,
                                                diagnostic& err) {
    std::string owned(text);
    try {
        // Count documents with the event parser first. yaml-cpp 0.7 has a trap here
        // (jbeder/yaml-cpp#1040, fixed upstream by #1319 after 0.7): a token that cannot start a
        // node, such as a lone ",", is never consumed, so the parser reports an endless stream of
        // empty documents and YAML::LoadAll allocates until memory runs out. A document that
        // starts where the previous one started means no progress: refuse it as a syntax error.
        std::istringstream in(owned);
        YAML::Parser parser(in);
        document_starts h;
        int docs = 0;
        YAML::Mark prev;
        while (parser.HandleNextDocument(h)) {
            if (docs > 0) {
                if (h.start.pos == prev.pos) {
                    std::string what = "syntax error: unexpected token";
                    if (h.start.pos >= 0 && static_cast<std::size_t>(h.start.pos) < owned.size()) {
                        what += " " + quote(std::string_view(owned).substr(static_cast<std::size_t>(h.start.pos), 1));
                    }
                    err = at(file, h.start, "yaml", what);
                } else {
                    err = at(file, h.start, "document", "only one YAML document is allowed");
                }
                return std::nullopt;
            }
            prev = h.start;
            ++docs;
        }
        YAML::Node root = docs == 0 ? YAML::Node() : YAML::Load(owned);
        if (root.IsNull()) {
            err = diagnostic{file, 1, 1, "document", "empty document"};
            return std::nullopt;
        }
        return root;
    } catch (const YAML::Exception& e) {
        err = at(file, e.mark, "yaml", "syntax error: " + e.msg);
        return std::nullopt;
    }
}

} // namespace mipgate::config::detail
