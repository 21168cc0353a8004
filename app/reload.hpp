#pragma once
// Reload (SIGHUP or `mipgatectl reload`, issue 6): re-read the configuration file, validate it in
// full (lib/config), and either keep the running configuration (invalid: every file:line:col
// error is returned and logged) or diff it against the running one and apply each change through
// the hook of its part of the app (reload_table.hpp classifies every option). Keys, bindings and
// tunnels are never rebuilt: they survive every reload.

#include "reload_table.hpp"

#include "mipgate/cli/app_hooks.hpp"
#include "mipgate/cli/value.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mipgate::app {

/// What the running app can change without a restart. Each hook runs on the control lcore and
/// must leave its part unchanged when it fails. An empty hook turns its options into "needs a
/// restart" (reported as such).
struct reload_targets {
    /// logging.*: rte_log levels and the rate limit (always available: apply_logging).
    std::function<void(const config::logging_cfg&)> logging;
    /// limits.max_cpa_rate, rtsolpr_rate_*: send_service::set_rate_limits.
    std::function<void(const config::limits_cfg&)> rate_limits;
    /// handover_keys.lifetime_s, algorithms: key_service::set_policy (new keys only).
    std::function<void(const config::handover_key_policy&)> key_policy;
    /// routes, neighbors, ports[].addresses: helper ROT's forwarding-table swap
    /// (app/tables_swap.hpp). Builds new tables from the whole new config, publishes them
    /// atomically, retires the old ones after an RCU grace period; on error nothing changed.
    std::function<result<void>(const config::config&)> tables_swap;
    /// router.* (key, chain, trust anchors, CGA parameters, rotation grace): helper ROT's identity
    /// rotation. On error the old identity keeps signing.
    std::function<result<void>(const config::router_identity&)> identity;
    /// fmip.roles/hi_*/proxy_nd_lifetime_ms and handover_keys.max_tunnel_lifetime_s for new
    /// handovers and bindings: the FMIP service (helper SVC).
    std::function<void(const config::config&)> fmip;
};

/// One changed option and what the reload did with it.
struct reload_change {
    std::string option;
    apply_class cls;      ///< as applied: a live option without its hook is reported as restart
    bool applied = false;
    std::string note;
};

struct reload_outcome {
    bool valid = false;                 ///< the file loaded and validated
    std::vector<std::string> errors;    ///< "file:line:col: key: reason", or a hook's failure
    std::vector<std::string> warnings;
    std::vector<reload_change> changes; ///< in option_table() order
};

/// Sets rte_log levels (logging.level, then logging.types) and the per-site rate limit.
/// Control thread (start-up, reload); allocates nothing.
void apply_logging(const config::logging_cfg& l);

class reloader {
public:
    /// `path` is the file to re-read ("" = the embedded default, which never changes); `running`
    /// the configuration mipgate started with; `text` its YAML. Control thread.
    reloader(std::string path, config::config running, std::string text, reload_targets targets);

    /// Re-reads, validates, diffs and applies. Control lcore (the CLI handler or the SIGHUP check
    /// of the control loop); blocks on file I/O; allocates. Logs the outcome (mipgate.config).
    reload_outcome reload();

    /// The configuration as applied: boot values as started, live and new-state values as last
    /// reloaded. Stable address (updated in place): hooks may keep a pointer. Control lcore.
    const config::config& running() const noexcept { return _running; }
    /// The YAML text of the last valid file read (what `show config` prints). Control lcore.
    const std::string& text() const noexcept { return _text; }
    /// Options changed in the file but not applied (they need a restart). Control lcore.
    const std::vector<std::string>& pending_restart() const noexcept { return _pending; }

    /// The `mipgatectl reload` answer: {result, source, changes: [{option, class, applied, note}],
    /// needs_restart: [...]}, or an error listing every diagnostic. Any thread; allocates.
    static result<cli::value> to_reply(const reload_outcome& o, const std::string& source);

private:
    bool has_hook(apply_target t) const;

    std::string _path;
    config::config _running;
    std::string _text;
    reload_targets _targets;
    std::vector<std::string> _pending;
};

/// Binds `reload` to r and makes `show config` show r's text, source and pending restarts.
/// `r` must outlive the hooks. Control thread; allocates.
void bind_reload_hooks(cli::app_hooks& h, reloader& r);

} // namespace mipgate::app
