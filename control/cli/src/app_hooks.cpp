#include "mipgate/cli/app_hooks.hpp"

#include <cerrno>
#include <map>

namespace mipgate::cli {

namespace {

std::string column_key(const counter_set& s, std::size_t c) {
    const auto& name = s.columns[c];
    return name == "total" ? name : "lcore_" + name;
}

value key_value(const key_row& k) {
    value v;
    v.set("cga", k.cga);
    v.set("at", k.at);
    v.set("remaining_s", k.remaining_s);
    v.set("uses", k.uses);
    v.set("kcv", k.kcv);
    return v;
}

result<ipv6_addr> parse_cga(const invocation& inv) {
    const auto* s = inv.arg("cga");
    if (s == nullptr) {
        return make_error(EINVAL, "missing <cga>");
    }
    auto a = ipv6_addr::parse(*s);
    if (!a) {
        return make_error(EINVAL, "<cga> '" + *s + "' is not an IPv6 address");
    }
    return *a;
}

/// `clear counters` baselines, shared by the handlers that read them.
struct baselines {
    counter_set workers;
    counter_set service;
    counter_set fmip;
};

value binding_rows(const std::vector<binding_row>& rows) {
    value out = array{};
    for (const auto& b : rows) {
        value r;
        r.set("pcoa", b.pcoa);
        r.set("ncoa", b.ncoa);
        r.set("tunnel_src", b.tunnel_src);
        r.set("remaining_s", b.remaining_s);
        r.set("seq", b.seq);
        r.set("encapsulated", b.encapsulated);
        r.set("reverse", b.reverse);
        out.push(std::move(r));
    }
    return out;
}

} // namespace

counter_set subtract(const counter_set& s, const counter_set& base) {
    counter_set out = s;
    std::map<std::string, const counter_row*> by_name;
    for (const auto& r : base.rows) {
        by_name[r.name] = &r;
    }
    for (auto& r : out.rows) {
        auto it = by_name.find(r.name);
        if (it == by_name.end()) {
            continue;
        }
        for (std::size_t c = 0; c < r.values.size(); ++c) {
            // Columns are matched by label: lcores do not change while mipgate runs.
            for (std::size_t bc = 0; bc < base.columns.size() && bc < it->second->values.size();
                 ++bc) {
                if (c < s.columns.size() && base.columns[bc] == s.columns[c]) {
                    const auto b = it->second->values[bc];
                    r.values[c] = r.values[c] >= b ? r.values[c] - b : 0;
                }
            }
        }
    }
    return out;
}

value counters_value(const counter_set& s, bool all, bool per_column) {
    value rows = array{};
    for (const auto& r : s.rows) {
        std::uint64_t total = 0;
        for (auto v : r.values) {
            total += v;
        }
        if (total == 0 && !all) {
            continue;
        }
        value row;
        row.set("name", r.name);
        row.set("kind", r.kind);
        if (per_column && s.columns.size() > 1) {
            for (std::size_t c = 0; c < s.columns.size() && c < r.values.size(); ++c) {
                row.set(column_key(s, c), r.values[c]);
            }
        }
        row.set("total", total);
        row.set("description", r.description);
        rows.push(std::move(row));
    }
    value v;
    v.set("counters", std::move(rows));
    return v;
}

void counter_metrics(const counter_set& s, const std::string& prefix, const std::string& label,
                     std::vector<metric_family>& out) {
    for (const auto& r : s.rows) {
        metric_family f;
        f.name = "mipgate_" + prefix + r.name + "_total";
        f.help = r.description.empty() ? r.name : r.description;
        f.type = metric_type::counter;
        if (label.empty()) {
            std::uint64_t total = 0;
            for (auto v : r.values) {
                total += v;
            }
            f.samples.push_back(metric_sample{{}, total});
        } else {
            for (std::size_t c = 0; c < s.columns.size() && c < r.values.size(); ++c) {
                f.samples.push_back(metric_sample{{{label, s.columns[c]}}, r.values[c]});
            }
        }
        out.push_back(std::move(f));
    }
}

void bind_app_hooks(command_table& t, app_hooks h) {
    auto base = std::make_shared<baselines>();
    auto hooks = std::make_shared<app_hooks>(std::move(h));

    if (hooks->worker_counters) {
        t.bind("show counters", [hooks, base](const invocation& inv) -> result<value> {
            const auto cur = subtract(hooks->worker_counters(), base->workers);
            return counters_value(cur, inv.has_flag("all"), inv.has_flag("per-lcore"));
        });
    }
    if (hooks->worker_counters || hooks->service_counters || hooks->fmip_counters) {
        t.bind("clear counters", [hooks, base](const invocation&) -> result<value> {
            value v;
            if (hooks->worker_counters) {
                base->workers = hooks->worker_counters();
                v.set("cleared", "worker counters");
            }
            if (hooks->service_counters) {
                base->service = hooks->service_counters();
                v.set("cleared_service", "service counters");
            }
            if (hooks->fmip_counters) {
                base->fmip = hooks->fmip_counters();
                v.set("cleared_fmip", "fmip counters");
            }
            return v;
        });
    }
    if (hooks->service_counters) {
        t.bind("show send", [hooks, base](const invocation& inv) -> result<value> {
            const auto cur = subtract(hooks->service_counters(), base->service);
            return counters_value(cur, inv.has_flag("all"), false);
        });
    }
    if (hooks->fmip_counters) {
        t.bind("show fmip", [hooks, base](const invocation& inv) -> result<value> {
            const auto cur = subtract(hooks->fmip_counters(), base->fmip);
            return counters_value(cur, inv.has_flag("all"), false);
        });
    }
    if (hooks->bindings) {
        // One table, two views: a PAR binding is the tunnel PCoA → NCoA (RFC 5268 §5.1).
        auto show = [hooks](const invocation&) -> result<value> {
            const auto rows = hooks->bindings();
            value v;
            v.set("count", rows.size());
            v.set("bindings", binding_rows(rows));
            return v;
        };
        t.bind("show bindings", show);
        t.bind("show tunnels", show);
    }
    if (hooks->keys) {
        t.bind("show keys", [hooks](const invocation& inv) -> result<value> {
            const std::size_t max = inv.has_flag("all") ? SIZE_MAX : 1000;
            value keys = array{};
            for (const auto& k : hooks->keys->list(max)) {
                keys.push(key_value(k));
            }
            value v;
            v.set("count", hooks->keys->size());
            v.set("capacity", hooks->keys->capacity());
            v.set("keys", std::move(keys));
            return v;
        });
        t.bind("show key", [hooks](const invocation& inv) -> result<value> {
            auto cga = parse_cga(inv);
            if (!cga) {
                return cga.err();
            }
            auto k = hooks->keys->find(*cga);
            if (!k) {
                return make_error(ENOENT, "no handover key for " + cga->to_string());
            }
            return key_value(*k);
        });
        t.bind("clear key", [hooks](const invocation& inv) -> result<value> {
            auto cga = parse_cga(inv);
            if (!cga) {
                return cga.err();
            }
            if (!hooks->keys->erase(*cga)) {
                return make_error(ENOENT, "no handover key for " + cga->to_string());
            }
            value v;
            v.set("removed", cga->to_string());
            return v;
        });
    }
    if (hooks->ports) {
        t.bind("show ports", [hooks](const invocation&) -> result<value> {
            value rows = array{};
            for (const auto& p : hooks->ports()) {
                value r;
                r.set("name", p.name);
                r.set("kind", p.kind);
                r.set("port", p.port_id);
                r.set("rx_packets", p.rx_packets);
                r.set("tx_packets", p.tx_packets);
                r.set("rx_bytes", p.rx_bytes);
                r.set("tx_bytes", p.tx_bytes);
                r.set("rx_missed", p.rx_missed);
                r.set("rx_errors", p.rx_errors);
                r.set("tx_errors", p.tx_errors);
                r.set("rx_nombuf", p.rx_nombuf);
                rows.push(std::move(r));
            }
            value v;
            v.set("ports", std::move(rows));
            return v;
        });
    }
    if (hooks->neighbors) {
        t.bind("show neighbors", [hooks](const invocation&) -> result<value> {
            value rows = array{};
            for (const auto& n : hooks->neighbors()) {
                value r;
                r.set("port", n.port);
                r.set("address", n.address);
                r.set("mac", n.mac);
                r.set("state", n.state);
                rows.push(std::move(r));
            }
            value v;
            v.set("neighbors", std::move(rows));
            return v;
        });
    }
    if (hooks->config_yaml) {
        t.bind("show config", [hooks](const invocation&) -> result<value> {
            value v;
            v.set("source", hooks->config_source ? hooks->config_source() : std::string("?"));
            v.set("yaml", hooks->config_yaml());
            if (hooks->pending_restart) {
                value pending = array{};
                for (const auto& o : hooks->pending_restart()) {
                    pending.push(value(o));
                }
                v.set("pending_restart", std::move(pending));
            }
            return v;
        });
    }
    if (hooks->set_log_level) {
        t.bind("set log-level", [hooks](const invocation& inv) -> result<value> {
            const auto* level = inv.arg("level");
            const auto* type = inv.arg("logtype");
            const std::string logtype = type != nullptr ? *type : std::string();
            if (auto r = hooks->set_log_level(*level, logtype); !r) {
                return r.err();
            }
            value v;
            v.set("log_level", *level);
            v.set("logtype", logtype.empty() ? std::string("all") : logtype);
            return v;
        });
    }
    if (hooks->reload) {
        t.bind("reload", [hooks](const invocation&) -> result<value> { return hooks->reload(); });
    }
    t.bind("metrics", [hooks](const invocation&) -> result<value> {
        std::vector<metric_family> fams;
        if (hooks->worker_counters) {
            counter_metrics(hooks->worker_counters(), "", "lcore", fams);
        }
        if (hooks->service_counters) {
            counter_metrics(hooks->service_counters(), "service_", "", fams);
        }
        if (hooks->fmip_counters) {
            counter_metrics(hooks->fmip_counters(), "fmip_", "", fams);
        }
        if (hooks->bindings) {
            fams.push_back(metric_family{"mipgate_fmip_bindings",
                                         "FMIPv6 PAR bindings (PCoA to NCoA tunnels)",
                                         metric_type::gauge,
                                         {metric_sample{{}, hooks->bindings().size()}}});
        }
        if (hooks->keys) {
            fams.push_back(metric_family{"mipgate_handover_keys",
                                         "handover keys stored",
                                         metric_type::gauge,
                                         {metric_sample{{}, hooks->keys->size()}}});
            fams.push_back(metric_family{"mipgate_handover_keys_capacity",
                                         "handover-key table capacity",
                                         metric_type::gauge,
                                         {metric_sample{{}, hooks->keys->capacity()}}});
        }
        if (hooks->ports) {
            const auto ports = hooks->ports();
            struct field {
                const char* name;
                const char* help;
                std::uint64_t port_row::*member;
            };
            static constexpr field fields[] = {
                {"rx_packets", "packets received (rte_eth_stats ipackets)", &port_row::rx_packets},
                {"tx_packets", "packets transmitted (rte_eth_stats opackets)",
                 &port_row::tx_packets},
                {"rx_bytes", "bytes received (rte_eth_stats ibytes)", &port_row::rx_bytes},
                {"tx_bytes", "bytes transmitted (rte_eth_stats obytes)", &port_row::tx_bytes},
                {"rx_missed", "packets dropped by the NIC: RX queue full (imissed)",
                 &port_row::rx_missed},
                {"rx_errors", "erroneous received packets (ierrors)", &port_row::rx_errors},
                {"tx_errors", "failed transmissions (oerrors)", &port_row::tx_errors},
                {"rx_nombuf", "RX mbuf allocation failures (rx_nombuf)", &port_row::rx_nombuf},
            };
            for (const auto& f : fields) {
                metric_family fam{std::string("mipgate_port_") + f.name + "_total",
                                  f.help,
                                  metric_type::counter,
                                  {}};
                for (const auto& p : ports) {
                    fam.samples.push_back(metric_sample{{{"port", p.name}}, p.*(f.member)});
                }
                fams.push_back(std::move(fam));
            }
        }
        for (const auto& m : hooks->metrics) {
            m(fams);
        }
        return value(format_prometheus(fams));
    });
}

} // namespace mipgate::cli
