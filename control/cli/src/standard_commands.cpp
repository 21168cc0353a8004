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
    t.add(entry("show bindings", {},
                "FMIPv6 PAR bindings: PCoA, NCoA, tunnel source, remaining lifetime, FBU sequence "
                "number, packets encapsulated and reverse-tunnelled.",
                "show bindings", thread_contract::control_lcore,
                "show bindings: FMIPv6 needs a router: section"));
    t.add(entry("show tunnels", {},
                "FMIPv6 PAR tunnels PCoA -> NCoA and their remaining lifetime (the same rows as "
                "`show bindings`).",
                "show tunnels", thread_contract::control_lcore,
                "show tunnels: FMIPv6 needs a router: section"));
    t.add(entry("show fmip", {flag("all", "also rows that are zero")},
                "FMIPv6 PAR/NAR service counters (control/fmip_counters.def: FBU, HI, HAck, FBack, "
                "bindings, proxy entries) with descriptions, since the last `clear counters`.",
                "show fmip all", thread_contract::control_lcore,
                "show fmip: FMIPv6 needs a router: section"));
    t.add(entry("show neighbors", {}, "Neighbor entries per port: address, MAC, state.",
                "show neighbors", thread_contract::control_lcore));
    arg_spec logtype = positional(
        "logtype", "one logtype: app, send, keys, fmip, cli, config (or mipgate.<name>); default all",
        {});
    logtype.required = false;
    t.add(entry("set log-level",
                {positional("level", "the new rte_log level",
                            {"emergency", "alert", "critical", "error", "warning", "notice", "info",
                             "debug"}),
                 std::move(logtype)},
                "Sets the rte_log level of every mipgate logtype (mipgate.app, .send, .keys, .fmip, "
                ".cli, .config), or of one. Until the next reload or restart, which apply the "
                "`logging` section again.",
                "set log-level debug send", thread_contract::control_lcore));
    t.add(entry(
        "reload", {},
        "Re-reads and validates the configuration file (also on SIGHUP). Invalid: the running "
        "configuration stays and every file:line:col error is returned (exit 1). Valid: each "
        "changed option is listed with its class (live, new-state, restart; docs/operations.md) "
        "and applied unless it needs a restart. Keys, bindings and tunnels are kept.",
        "reload", thread_contract::control_lcore, "reload: not available in this process"));
    t.add(entry(
        "rotate-identity", {},
        "Loads the router key and certificate chain again from the files the configuration names "
        "(replace the files first), validates the path to a trust anchor (RFC 3779 blocks), forms "
        "the new CGAs and switches signing to the new key without a restart. The old identity "
        "keeps answering for its old CGAs until router.rotation_grace_s (0: its certificate's "
        "notAfter). Answers {router, previous, addresses, retiring_until}.",
        "rotate-identity", thread_contract::control_lcore,
        "rotate-identity: needs a router: section"));
    t.add(entry("metrics", {},
                "Every counter and gauge in the Prometheus text exposition format (docs/cli.md, "
                "Metrics).",
                "metrics", thread_contract::control_lcore));
    return t;
}

} // namespace mipgate::cli
