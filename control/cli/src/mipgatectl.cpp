// mipgatectl: the operator's client of mipgate's control socket (docs/cli.md).
//   mipgatectl [--socket PATH | --prefix NAME] [--json] [--timeout MS] COMMAND...   one-shot
//   mipgatectl [...]                                 interactive (stdin a TTY) or one command per
//   line mipgatectl --print-docs                          the command reference (docs/cli.md)
// Exit: 0 ok, 1 command error (unknown command, bad argument, refused), 2 cannot reach the daemon.

#include "mipgate/cli/client.hpp"
#include "mipgate/cli/command_table.hpp"
#include "mipgate/cli/render.hpp"

#include <editline/readline.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace mipgate;
using namespace mipgate::cli;

constexpr int exit_ok = 0;
constexpr int exit_command = 1;
constexpr int exit_unreachable = 2;

const char* usage =
    "usage: mipgatectl [OPTIONS] [COMMAND...]\n"
    "\n"
    "  --socket PATH   control socket (default: $MIPGATE_SOCKET, else /run/mipgate/mipgate.sock)\n"
    "  --prefix NAME   use /run/mipgate/NAME.sock (the daemon's file prefix)\n"
    "  --json          print the answer as JSON instead of a table\n"
    "  --timeout MS    wait this long for an answer (default 5000)\n"
    "  --print-docs    print the command reference (Markdown) and exit\n"
    "  --help          this text\n"
    "\n"
    "Without COMMAND: an interactive prompt when stdin is a terminal (history, Tab completes\n"
    "command words, 'quit' leaves), else one command per line from stdin.\n"
    "Run 'mipgatectl help' for the commands. Exit status: 0 ok, 1 command error, 2 cannot reach\n"
    "the daemon.\n";

struct options {
    std::string socket;
    bool json = false;
    int timeout_ms = 5000;
    std::vector<std::string> command;
};

/// Runs one command over `client`; prints the answer; returns the exit code.
int run_one(cli_client& client, const std::vector<std::string>& argv, const options& o,
            const std::string& path) {
    auto r = client.call(argv);
    if (!r) {
        std::fprintf(stderr, "mipgatectl: %s (socket %s)\n", r.err().message.c_str(), path.c_str());
        return exit_unreachable;
    }
    if (!r->ok) {
        if (o.json) {
            value v;
            v.set("error", r->error);
            v.set("code", r->code);
            std::printf("%s\n", to_json(v).c_str());
        }
        std::fprintf(stderr, "mipgatectl: %s\n", r->error.c_str());
        return exit_command;
    }
    const std::string text = o.json ? to_json(r->result) + "\n" : render_text(r->result);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return exit_ok;
}

// Completion: command words fetched from the daemon once (show commands).
command_table g_completion_table;

char* completion_generator(const char* text, int state) {
    static std::vector<std::string> matches;
    static std::size_t idx = 0;
    if (state == 0) {
        matches.clear();
        idx = 0;
        // Words already typed before the one being completed.
        std::string line(rl_line_buffer, static_cast<std::size_t>(rl_point));
        auto toks = tokenize(line);
        std::vector<std::string> words;
        if (toks) {
            words = std::move(toks.value());
        }
        if (!line.empty() && line.back() != ' ' && !words.empty()) {
            words.pop_back();
        }
        for (const auto& w : g_completion_table.next_words(words)) {
            if (w.starts_with(text)) {
                matches.push_back(w);
            }
        }
    }
    if (idx < matches.size()) {
        return strdup(matches[idx++].c_str());
    }
    return nullptr;
}

char** completion(const char* text, int, int) {
    rl_attempted_completion_over = 1; // no filename completion
    return rl_completion_matches(text, completion_generator);
}

void load_completion(cli_client& client) {
    auto r = client.call({"show", "commands"});
    if (!r || !r->ok) {
        return;
    }
    const value* cmds = r->result.find("commands");
    if (cmds == nullptr || !cmds->is_array()) {
        return;
    }
    for (const auto& c : cmds->as_array()) {
        const value* u = c.find("command");
        if (u == nullptr || !u->is_string()) {
            continue;
        }
        // "show key <cga>" → path "show key", arg words: flags [x] are completable.
        command_entry e;
        std::string path;
        auto toks = tokenize(u->as_string());
        if (!toks) {
            continue;
        }
        for (const auto& w : toks.value()) {
            if (w.starts_with("[<") || w.starts_with("<")) {
                continue;
            }
            if (w.starts_with("[")) {
                e.args.push_back(
                    arg_spec{w.substr(1, w.size() - 2), arg_spec::kind::flag, false, {}, {}});
            } else {
                path += (path.empty() ? "" : " ") + w;
            }
        }
        e.path = path;
        g_completion_table.add(std::move(e));
    }
}

int interactive(cli_client& client, const options& o, const std::string& path) {
    const bool tty = isatty(STDIN_FILENO) != 0;
    std::string history;
    if (tty) {
        load_completion(client);
        rl_attempted_completion_function = completion;
        if (const char* home = std::getenv("HOME")) {
            history = std::string(home) + "/.mipgatectl_history";
            read_history(history.c_str());
        }
        std::printf("mipgatectl: connected to %s; 'help' lists commands, 'quit' leaves\n",
                    path.c_str());
    }
    int rc = exit_ok;
    for (;;) {
        std::string line;
        if (tty) {
            char* l = readline("mipgate> ");
            if (l == nullptr) {
                std::printf("\n");
                break;
            }
            line = l;
            std::free(l);
        } else if (!std::getline(std::cin, line)) {
            break;
        }
        auto words = tokenize(line);
        if (!words) {
            std::fprintf(stderr, "mipgatectl: %s\n", words.err().message.c_str());
            rc = exit_command;
            continue;
        }
        if (words->empty() || (*words)[0].starts_with("#")) {
            continue;
        }
        if (tty) {
            add_history(line.c_str());
            if (!history.empty()) {
                write_history(history.c_str());
            }
        }
        if (*words == std::vector<std::string>{"quit"} ||
            *words == std::vector<std::string>{"exit"}) {
            break;
        }
        const int r = run_one(client, *words, o, path);
        if (r == exit_unreachable) {
            return r;
        }
        if (r != exit_ok) {
            rc = r;
        }
    }
    return tty ? exit_ok : rc;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    if (const char* env = std::getenv("MIPGATE_SOCKET"); env != nullptr && *env != '\0') {
        o.socket = env;
    } else {
        o.socket = "/run/mipgate/mipgate.sock";
    }
    int i = 1;
    for (; i < argc; ++i) {
        std::string a = argv[i];
        std::optional<std::string> inline_value;
        if (a.starts_with("--") && a.find('=') != std::string::npos) {
            inline_value = a.substr(a.find('=') + 1);
            a = a.substr(0, a.find('='));
        }
        auto take = [&]() -> std::optional<std::string> {
            if (inline_value) {
                return inline_value;
            }
            if (i + 1 >= argc) {
                std::fprintf(stderr, "mipgatectl: %s needs a value\n%s", a.c_str(), usage);
                return std::nullopt;
            }
            return std::string(argv[++i]);
        };
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return exit_ok;
        } else if (a == "--print-docs") {
            std::fputs(standard_table().markdown().c_str(), stdout);
            return exit_ok;
        } else if (a == "--json" || a == "-j") {
            o.json = true;
        } else if (a == "--socket" || a == "-s") {
            auto v = take();
            if (!v) {
                return exit_command;
            }
            o.socket = *v;
        } else if (a == "--prefix") {
            auto v = take();
            if (!v) {
                return exit_command;
            }
            o.socket = "/run/mipgate/" + *v + ".sock";
        } else if (a == "--timeout") {
            auto v = take();
            if (!v) {
                return exit_command;
            }
            char* end = nullptr;
            const long ms = std::strtol(v->c_str(), &end, 10);
            if (v->empty() || *end != '\0' || ms <= 0 || ms > 3600000) {
                std::fprintf(stderr,
                             "mipgatectl: --timeout: '%s' is not a number of milliseconds\n",
                             v->c_str());
                return exit_command;
            }
            o.timeout_ms = static_cast<int>(ms);
        } else if (a == "--") {
            ++i;
            break;
        } else if (a.starts_with("-") && a.size() > 1) {
            std::fprintf(stderr, "mipgatectl: unknown option '%s'\n%s", a.c_str(), usage);
            return exit_command;
        } else {
            break;
        }
    }
    for (; i < argc; ++i) {
        o.command.emplace_back(argv[i]);
    }

    auto client = cli_client::connect(o.socket, o.timeout_ms);
    if (!client) {
        std::fprintf(stderr, "mipgatectl: %s\n", client.err().message.c_str());
        return exit_unreachable;
    }
    if (o.command.empty()) {
        return interactive(*client, o, o.socket);
    }
    return run_one(*client, o.command, o, o.socket);
}
