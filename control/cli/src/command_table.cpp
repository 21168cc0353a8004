#include "mipgate/cli/command_table.hpp"

#include <algorithm>
#include <cerrno>

namespace mipgate::cli {

namespace {

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') {
            ++i;
        }
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ') {
            ++j;
        }
        if (j > i) {
            out.emplace_back(s.substr(i, j - i));
        }
        i = j;
    }
    return out;
}

std::string join(const std::vector<std::string>& w, std::size_t from = 0,
                 std::size_t to = SIZE_MAX) {
    std::string out;
    for (std::size_t i = from; i < w.size() && i < to; ++i) {
        if (!out.empty()) {
            out += ' ';
        }
        out += w[i];
    }
    return out;
}

const char* contract_text(thread_contract c) {
    return c == thread_contract::control_lcore ? "control lcore" : "any thread";
}

} // namespace

bool invocation::has_flag(std::string_view f) const {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
}

const std::string* invocation::arg(std::string_view name) const {
    auto it = args.find(std::string(name));
    return it == args.end() ? nullptr : &it->second;
}

std::vector<std::string> command_entry::words() const {
    return split_words(path);
}

std::string command_entry::usage() const {
    std::string u = path;
    for (const auto& a : args) {
        u += ' ';
        if (a.k == arg_spec::kind::flag) {
            u += '[' + a.name + ']';
        } else if (a.required) {
            u += '<' + a.name + '>';
        } else {
            u += "[<" + a.name + ">]";
        }
    }
    return u;
}

result<std::vector<std::string>> tokenize(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                out.push_back(std::move(cur));
                cur.clear();
                in_word = false;
            }
            continue;
        }
        in_word = true;
        if (c == '\\') {
            if (i + 1 >= line.size()) {
                return make_error(EINVAL, "trailing backslash");
            }
            cur += line[++i];
        } else if (c == '\'') {
            const auto end = line.find('\'', i + 1);
            if (end == std::string_view::npos) {
                return make_error(EINVAL, "unterminated ' quote");
            }
            cur.append(line.substr(i + 1, end - i - 1));
            i = end;
        } else if (c == '"') {
            std::size_t j = i + 1;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '\\' && j + 1 < line.size()) {
                    ++j;
                }
                cur += line[j];
            }
            if (j >= line.size()) {
                return make_error(EINVAL, "unterminated \" quote");
            }
            i = j;
        } else {
            cur += c;
        }
    }
    if (in_word) {
        out.push_back(std::move(cur));
    }
    return out;
}

void command_table::add(command_entry e) {
    e.path = join(split_words(e.path));
    for (auto& x : _entries) {
        if (x.path == e.path) {
            x = std::move(e);
            return;
        }
    }
    _entries.push_back(std::move(e));
    std::sort(_entries.begin(), _entries.end(),
              [](const command_entry& a, const command_entry& b) { return a.path < b.path; });
}

bool command_table::bind(std::string_view path, handler_fn h, thread_contract c) {
    for (auto& x : _entries) {
        if (x.path == path) {
            x.handler = std::move(h);
            x.contract = c;
            return true;
        }
    }
    return false;
}

const command_entry* command_table::find(std::string_view path) const {
    for (const auto& x : _entries) {
        if (x.path == path) {
            return &x;
        }
    }
    return nullptr;
}

match_result command_table::match(const std::vector<std::string>& words) const {
    match_result m;
    if (words.empty()) {
        m.err = make_error(EINVAL, "empty command (try 'help')");
        return m;
    }
    // Narrow the candidates word by word; a word matches exactly, or as a unique prefix.
    std::vector<const command_entry*> cand;
    std::vector<std::vector<std::string>> cwords;
    for (const auto& e : _entries) {
        cand.push_back(&e);
        cwords.push_back(e.words());
    }
    const command_entry* best = nullptr;
    std::size_t best_len = 0;
    std::size_t pos = 0;
    for (; pos < words.size() && !cand.empty(); ++pos) {
        const auto& w = words[pos];
        std::vector<std::string> exact_words;
        std::vector<std::string> prefix_words;
        for (std::size_t c = 0; c < cand.size(); ++c) {
            if (pos < cwords[c].size()) {
                const auto& cw = cwords[c][pos];
                if (cw == w) {
                    exact_words.push_back(cw);
                } else if (cw.starts_with(w)) {
                    if (std::find(prefix_words.begin(), prefix_words.end(), cw) ==
                        prefix_words.end()) {
                        prefix_words.push_back(cw);
                    }
                }
            }
        }
        std::string chosen;
        if (!exact_words.empty()) {
            chosen = w;
        } else if (prefix_words.size() == 1) {
            chosen = prefix_words[0];
        } else if (prefix_words.size() > 1) {
            std::sort(prefix_words.begin(), prefix_words.end());
            m.err = make_error(EINVAL, "ambiguous command word '" + w + "': " + join(prefix_words));
            return m;
        } else {
            break;
        }
        std::vector<const command_entry*> next;
        std::vector<std::vector<std::string>> next_words_v;
        for (std::size_t c = 0; c < cand.size(); ++c) {
            if (pos < cwords[c].size() && cwords[c][pos] == chosen) {
                next.push_back(cand[c]);
                next_words_v.push_back(cwords[c]);
            }
        }
        cand = std::move(next);
        cwords = std::move(next_words_v);
        for (std::size_t c = 0; c < cand.size(); ++c) {
            if (cwords[c].size() == pos + 1) {
                best = cand[c];
                best_len = pos + 1;
            }
        }
    }
    if (best == nullptr) {
        std::string msg = "unknown command '" + join(words) + "'";
        if (!cand.empty() && pos > 0) {
            msg += "; did you mean one of:";
            for (const auto* c : cand) {
                msg += "\n  " + c->usage();
            }
        } else {
            msg += " (try 'help')";
        }
        m.err = make_error(EINVAL, msg);
        return m;
    }
    m.entry = best;
    m.inv.table = this;
    m.inv.path = best->words();
    // Bind arguments: flags by word, positionals in order.
    std::size_t next_pos = 0;
    std::vector<const arg_spec*> positionals;
    for (const auto& a : best->args) {
        if (a.k == arg_spec::kind::positional) {
            positionals.push_back(&a);
        }
    }
    const auto usage = "usage: " + best->usage();
    for (std::size_t i = best_len; i < words.size(); ++i) {
        const auto& w = words[i];
        const arg_spec* flag = nullptr;
        for (const auto& a : best->args) {
            if (a.k == arg_spec::kind::flag && a.name == w) {
                flag = &a;
            }
        }
        if (flag != nullptr) {
            if (!m.inv.has_flag(w)) {
                m.inv.flags.push_back(w);
            }
            continue;
        }
        if (next_pos >= positionals.size()) {
            m.err = make_error(EINVAL, "unexpected argument '" + w + "'\n" + usage);
            return m;
        }
        const auto* p = positionals[next_pos++];
        if (!p->choices.empty() &&
            std::find(p->choices.begin(), p->choices.end(), w) == p->choices.end()) {
            std::string allowed;
            for (const auto& c : p->choices) {
                allowed += (allowed.empty() ? "" : ", ") + c;
            }
            m.err = make_error(EINVAL, "bad <" + p->name + "> '" + w + "' (one of: " + allowed +
                                           ")\n" + usage);
            return m;
        }
        m.inv.args[p->name] = w;
    }
    for (std::size_t i = next_pos; i < positionals.size(); ++i) {
        if (positionals[i]->required) {
            m.err = make_error(EINVAL, "missing <" + positionals[i]->name + ">\n" + usage);
            return m;
        }
    }
    // Flags in table order, whatever order they were typed in.
    std::vector<std::string> ordered;
    for (const auto& a : best->args) {
        if (a.k == arg_spec::kind::flag && m.inv.has_flag(a.name)) {
            ordered.push_back(a.name);
        }
    }
    m.inv.flags = std::move(ordered);
    return m;
}

result<value> command_table::execute(const std::vector<std::string>& words) const {
    auto m = match(words);
    if (m.err) {
        return *m.err;
    }
    if (!m.entry->handler) {
        return make_error(ENOSYS, m.entry->not_implemented.empty()
                                      ? m.entry->path +
                                            ": not implemented yet (not registered by this mipgate)"
                                      : m.entry->not_implemented);
    }
    auto r = m.entry->handler(m.inv);
    if (!r && r.err().code == EINVAL) {
        return make_error(EINVAL, r.err().message + "\nusage: " + m.entry->usage());
    }
    return r;
}

value command_table::listing() const {
    value rows = array{};
    for (const auto& e : _entries) {
        value r;
        r.set("command", e.usage());
        r.set("help", e.help);
        rows.push(std::move(r));
    }
    return rows;
}

std::vector<std::string> command_table::next_words(const std::vector<std::string>& prefix) const {
    std::vector<std::string> out;
    for (const auto& e : _entries) {
        const auto w = e.words();
        bool ok = prefix.size() <= w.size();
        for (std::size_t i = 0; ok && i < prefix.size(); ++i) {
            ok = w[i] == prefix[i];
        }
        if (!ok) {
            continue;
        }
        if (prefix.size() < w.size()) {
            out.push_back(w[prefix.size()]);
        } else {
            for (const auto& a : e.args) {
                if (a.k == arg_spec::kind::flag) {
                    out.push_back(a.name);
                } else {
                    out.insert(out.end(), a.choices.begin(), a.choices.end());
                }
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string command_table::markdown() const {
    std::string md;
    md += "| Command | What it does | Runs on |\n|---|---|---|\n";
    for (const auto& e : _entries) {
        md += "| `" + e.usage() + "` | " + e.help + " | " + contract_text(e.contract) + " |\n";
    }
    for (const auto& e : _entries) {
        md += "\n### `" + e.usage() + "`\n\n" + e.help + "\n";
        if (!e.args.empty()) {
            md += "\n| Argument | Meaning |\n|---|---|\n";
            for (const auto& a : e.args) {
                std::string name = a.k == arg_spec::kind::flag ? a.name : "<" + a.name + ">";
                std::string help = a.help;
                if (!a.choices.empty()) {
                    help += (help.empty() || help.back() == '.' ? " One of: " : ". One of: ") +
                            join(a.choices) + ".";
                }
                md += "| `" + name + "` | " + help + " |\n";
            }
        }
        if (!e.not_implemented.empty()) {
            md += "\nUntil its owner registers it: \"" + e.not_implemented + "\".\n";
        }
        md += "\nRuns on: " + std::string(contract_text(e.contract)) + ". Example: `mipgatectl " +
              e.example + "`\n";
    }
    return md;
}

} // namespace mipgate::cli
