#include "reload.hpp"

#include "mipgate/config/load.hpp"
#include "mipgate/log/log.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace mipgate::app {

namespace lg = mipgate::log;

void apply_logging(const config::logging_cfg& l) {
    if (auto lv = lg::parse_level(l.level)) {
        (void)lg::set_level(*lv);
    }
    for (const auto& [type, level] : l.types) {
        if (auto lv = lg::parse_level(level)) {
            (void)lg::set_level(*lv, type); // names were validated by lib/config
        }
    }
    lg::set_rate(l.rate_per_s, l.burst);
}

reloader::reloader(std::string path, config::config running, std::string text, reload_targets targets)
    : _path(std::move(path)), _running(std::move(running)), _text(std::move(text)), _targets(std::move(targets)) {
    if (!_targets.logging) {
        _targets.logging = apply_logging;
    }
}

bool reloader::has_hook(apply_target t) const {
    switch (t) {
    case apply_target::none: return false;
    case apply_target::logging: return static_cast<bool>(_targets.logging);
    case apply_target::rate_limits: return static_cast<bool>(_targets.rate_limits);
    case apply_target::key_policy: return static_cast<bool>(_targets.key_policy);
    case apply_target::tables: return static_cast<bool>(_targets.tables_swap);
    case apply_target::identity: return static_cast<bool>(_targets.identity);
    case apply_target::fmip: return static_cast<bool>(_targets.fmip);
    }
    return false;
}

reload_outcome reloader::reload() {
    reload_outcome out;
    const std::string source = _path.empty() ? std::string("<embedded>") : _path;
    lg::write(lg::type::config, lg::level::notice, "reload: reading %s", source.c_str());
    auto loaded = _path.empty() ? config::load_string(config::embedded_default(), "<embedded>")
                                : config::load_file(_path);
    for (const auto& w : loaded.warnings) {
        out.warnings.push_back(w.str());
    }
    if (!loaded.errors.empty() || !loaded.cfg) {
        for (const auto& d : loaded.errors) {
            out.errors.push_back(d.str());
            lg::write(lg::type::config, lg::level::error, "reload refused: %s", d.str().c_str());
        }
        if (out.errors.empty()) {
            out.errors.push_back(source + ": invalid configuration");
        }
        lg::write(lg::type::config, lg::level::error,
                  "reload refused (%zu error(s)): the running configuration is unchanged", out.errors.size());
        return out;
    }
    out.valid = true;
    const config::config& next = *loaded.cfg;

    // Which options differ, and which hook takes each.
    bool want_tables = false;
    bool want_identity = false;
    bool want_logging = false;
    bool want_rates = false;
    bool want_keys = false;
    bool want_fmip = false;
    std::vector<const option_info*> changed;
    for (const auto& o : option_table()) {
        if (!o.differs(_running, next)) {
            continue;
        }
        changed.push_back(&o);
        reload_change c{o.path, o.cls, false, o.note};
        if (o.cls != apply_class::restart && !has_hook(o.target)) {
            c.cls = apply_class::restart;
            c.note = "no live path in this build yet (" + std::string(o.note) + ")";
        }
        if (c.cls != apply_class::restart) {
            c.applied = true;
            want_tables |= o.target == apply_target::tables;
            want_identity |= o.target == apply_target::identity;
            want_logging |= o.target == apply_target::logging;
            want_rates |= o.target == apply_target::rate_limits;
            want_keys |= o.target == apply_target::key_policy;
            want_fmip |= o.target == apply_target::fmip;
        }
        out.changes.push_back(std::move(c));
    }

    // Fallible hooks first: when one fails, nothing else has been applied yet (the tables swap
    // and the identity rotation each leave their part unchanged on error).
    auto refuse = [&](apply_target t, const error& e) {
        out.errors.push_back(e.message);
        lg::write(lg::type::config, lg::level::error, "reload: %s", e.message.c_str());
        for (std::size_t i = 0; i < out.changes.size(); ++i) {
            if (changed[i]->target == t) {
                out.changes[i].applied = false;
            }
        }
    };
    bool tables_done = false;
    bool failed = false;
    if (want_tables) {
        if (auto r = _targets.tables_swap(next); !r) {
            refuse(apply_target::tables, r.err());
            failed = true;
        } else {
            tables_done = true;
        }
    }
    // Router files may have been replaced at the same paths (rotation by file): the identity hook
    // is asked on every valid reload and does nothing when key and certificate are those in use.
    if (!failed && next.router && _targets.identity && (want_identity || _running.router)) {
        if (auto r = _targets.identity(*next.router); !r) {
            refuse(apply_target::identity, r.err());
            failed = true;
        }
    }
    if (failed) {
        // Only a tables swap that succeeded before the identity failed stays applied.
        for (std::size_t i = 0; i < out.changes.size(); ++i) {
            const bool done = tables_done && out.changes[i].applied && changed[i]->target == apply_target::tables;
            out.changes[i].applied = done;
            if (done) {
                changed[i]->take(_running, next);
            }
        }
        lg::write(lg::type::config, lg::level::error, "reload failed: the rest of the new configuration was not applied");
        return out;
    }
    if (want_logging) {
        _targets.logging(next.logging);
    }
    if (want_rates) {
        _targets.rate_limits(next.limits);
    }
    if (want_keys) {
        _targets.key_policy(next.handover_keys);
    }
    if (want_fmip) {
        _targets.fmip(next);
    }

    _pending.clear();
    for (std::size_t i = 0; i < out.changes.size(); ++i) {
        const auto& c = out.changes[i];
        if (c.applied) {
            changed[i]->take(_running, next);
        } else {
            _pending.push_back(c.option);
        }
        lg::write(lg::type::config, c.applied ? lg::level::notice : lg::level::warning, "reload: %s changed: %s%s",
                  c.option.c_str(), class_label(c.cls), c.applied ? "" : " (not applied)");
    }
    _running.source = next.source;
    if (_path.empty()) {
        _text = std::string(config::embedded_default());
    } else {
        std::ifstream f(_path);
        std::stringstream ss;
        ss << f.rdbuf();
        _text = ss.str();
    }
    lg::write(lg::type::config, lg::level::notice, "reload: %zu option(s) changed, %zu applied, %zu need a restart",
              out.changes.size(), out.changes.size() - _pending.size(), _pending.size());
    return out;
}

result<cli::value> reloader::to_reply(const reload_outcome& o, const std::string& source) {
    if (!o.valid) {
        std::string msg = "reload refused, the running configuration is unchanged:";
        for (const auto& e : o.errors) {
            msg += "\n" + e;
        }
        return make_error(EBADMSG, msg);
    }
    if (!o.errors.empty()) {
        std::string msg = "reload failed:";
        for (const auto& e : o.errors) {
            msg += "\n" + e;
        }
        for (const auto& c : o.changes) {
            if (c.applied) {
                msg += "\napplied before the failure: " + c.option;
            }
        }
        return make_error(EIO, msg);
    }
    cli::value v;
    std::size_t applied = 0;
    cli::value changes = cli::array{};
    cli::value restart = cli::array{};
    for (const auto& c : o.changes) {
        cli::value row;
        row.set("option", c.option);
        row.set("class", class_key(c.cls));
        row.set("applied", c.applied);
        row.set("note", c.note);
        changes.push(std::move(row));
        if (c.applied) {
            ++applied;
        } else {
            restart.push(cli::value(c.option));
        }
    }
    v.set("result", o.changes.empty() ? "unchanged" : applied == o.changes.size() ? "applied" : "applied, restart needed");
    v.set("source", source);
    v.set("changes", std::move(changes));
    v.set("needs_restart", std::move(restart));
    cli::value warns = cli::array{};
    for (const auto& w : o.warnings) {
        warns.push(cli::value(w));
    }
    v.set("warnings", std::move(warns));
    return v;
}

void bind_reload_hooks(cli::app_hooks& h, reloader& r) {
    h.reload = [&r]() -> result<cli::value> {
        const auto o = r.reload();
        return reloader::to_reply(o, r.running().source);
    };
    h.config_yaml = [&r] { return r.text(); };
    h.config_source = [&r] { return r.running().source; };
    h.pending_restart = [&r] { return r.pending_restart(); };
}

} // namespace mipgate::app
