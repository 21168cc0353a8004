// The declared command set: docs/cli.md is generated from this table (mipgatectl --print-docs).
// Add a command here (with its help and example) when a capability brings one, then bind its
// handler from the code that owns the state (bind_app_hooks or cli_server::add).

#include "mipgate/cli/command_table.hpp"

namespace mipgate::cli {

namespace {

using ak = arg_spec::kind;

arg_spec flag(std::string name, std::string help) {
    return arg_spec{std::move(name), ak::flag, false, {}, std::move(help)};
}

arg_spec positional(std::string name, std::string help, std::vector<std::string> choices = {}) {
    return arg_spec{std::move(name), ak::positional, true, std::move(choices), std::move(help)};
}

command_entry entry(std::string path, std::vector<arg_spec> args, std::string help,
                    std::string example, thread_contract c = thread_contract::control_lcore,
                    std::string not_impl = {}) {
    command_entry e;
    e.path = std::move(path);
    e.args = std::move(args);
    e.help = std::move(help);
    e.example = std::move(example);
    e.contract = c;
    e.not_implemented = std::move(not_impl);
    return e;
}

} // namespace

command_table standard_table() {
    command_table t;
    auto list_handler = [](const invocation& inv) -> result<value> {
        value v;
        v.set("commands", inv.table->listing());
        return v;
    };
    auto e = entry("help", {}, "Lists every command with its arguments.", "help",
                   thread_contract::any_thread);
    e.handler = list_handler;
    t.add(std::move(e));
    e = entry("show commands", {},
              "Same as help: every command with its arguments (used for completion).",
              "--json show commands", thread_contract::any_thread);
    e.handler = list_handler;
    t.add(std::move(e));
    e = entry("quit", {}, "Ends the session (the server closes the connection after answering).",
              "quit", thread_contract::any_thread);
    e.handler = [](const invocation&) -> result<value> { return value(object{}); };
    t.add(std::move(e));

    t.add(entry("show ports", {},
                "Per-port DPDK statistics (rte_eth_stats): packets, bytes, misses, errors.",
                "show ports", thread_contract::control_lcore));
    t.add(entry(
        "show counters",
        {flag("all", "also rows that are zero"),
         flag("per-lcore", "one column per worker lcore instead of the sum")},
        "Worker counters by drop reason (lib/fastpath counters.def) with descriptions, summed over "
        "lcores, since the last `clear counters`. Zero rows are hidden unless `all`.",
        "show counters all per-lcore", thread_contract::control_lcore));
    t.add(entry("clear counters", {},
                "Starts `show counters` and `show send` from zero (a baseline kept by the CLI; the "
                "counters themselves and the Prometheus export keep counting).",
                "clear counters", thread_contract::control_lcore));
    t.add(entry("show keys", {flag("all", "every key (default: the first 1000)")},
                "Handover keys: CGA, algorithm type (AT), remaining lifetime, uses and key check "
                "value (KCV). "
                "Never key bytes.",
                "show keys", thread_contract::control_lcore));
    t.add(entry("show key", {positional("cga", "the mobile node's care-of CGA (IPv6 address)")},
                "One handover key by CGA: AT, remaining lifetime, uses, KCV. Never key bytes.",
                "show key 2001:db8:1::1c2a:3b4c:5d6e:7f80", thread_contract::control_lcore));
    t.add(entry("clear key", {positional("cga", "the mobile node's care-of CGA (IPv6 address)")},
                "Removes one handover key (the MN has to ask for a new one).",
                "clear key 2001:db8:1::1c2a:3b4c:5d6e:7f80", thread_contract::control_lcore));
    t.add(entry(
        "show send", {flag("all", "also rows that are zero")},
        "SEND service counters (control/service_counters.def and SEND verification refusals) with "
        "descriptions, since the last `clear counters`.",
        "show send all", thread_contract::control_lcore));
    t.add(entry(
        "show config", {},
        "The running configuration as YAML and the file it came from. Key material is never in it: "
        "the config names key files by path.",
        "show config", thread_contract::control_lcore));
    t.add(entry("show bindings", {}, "Binding cache (home agent).", "show bindings",
                thread_contract::control_lcore, "show bindings: not implemented yet (issue 5)"));
    t.add(entry("show tunnels", {}, "FMIPv6 PAR-NAR tunnels and their remaining lifetime.",
                "show tunnels", thread_contract::control_lcore,
                "show tunnels: not implemented yet (issue 5)"));
    t.add(entry("show neighbors", {}, "Neighbor entries per port: address, MAC, state.",
                "show neighbors", thread_contract::control_lcore));
    t.add(entry("set log-level",
                {positional("level", "the new global rte_log level",
                            {"emergency", "alert", "critical", "error", "warning", "notice", "info",
                             "debug"})},
                "Sets the log level of mipgate's logtypes (rte_log).", "set log-level debug",
                thread_contract::control_lcore));
    t.add(entry(
        "reload", {},
        "Re-reads and validates the configuration file; if valid, applies it, otherwise keeps the "
        "running one and reports every error.",
        "reload", thread_contract::control_lcore, "reload: not implemented yet"));
    t.add(entry("metrics", {},
                "Every counter and gauge in the Prometheus text exposition format (docs/cli.md, "
                "Metrics).",
                "metrics", thread_contract::control_lcore));
    return t;
}

} // namespace mipgate::cli
