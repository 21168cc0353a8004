#include "mipgate/cli/dpdk_hooks.hpp"

#include "mipgate/control/fmip_service.hpp"
#include "mipgate/control/send_service.hpp"
#include "mipgate/log/log.hpp"
#include "mipgate/control/service_counters.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/send/reasons.hpp"

#include <rte_ethdev.h>

#include <atomic>
#include <cerrno>

namespace mipgate::cli {

namespace {

const char* kind_name(config::port_kind k) {
    switch (k) {
    case config::port_kind::ring:
        return "ring";
    case config::port_kind::vdev:
        return "vdev";
    case config::port_kind::pci:
        return "pci";
    }
    return "?";
}

class key_service_source final : public keys_source {
public:
    explicit key_service_source(control::send_service& s) : _svc(s) {}
    std::vector<key_row> list(std::size_t max) const override {
        std::vector<key_row> out;
        for (const auto& k : _svc.keys().list(max)) {
            out.push_back(row(k));
        }
        return out;
    }
    std::optional<key_row> find(const ipv6_addr& cga) const override {
        auto k = _svc.keys().find(cga);
        if (!k) {
            return std::nullopt;
        }
        return row(*k);
    }
    bool erase(const ipv6_addr& cga) override {
        const bool gone = _svc.keys().erase(cga);
        if (gone) {
            log::write(log::type::keys, log::level::notice, "handover key for %s removed by the operator (clear key)",
                       cga.to_string().c_str());
        }
        return gone;
    }
    std::uint32_t size() const override { return _svc.keys().size(); }
    std::uint32_t capacity() const override { return _svc.keys().capacity(); }

private:
    static key_row row(const control::key_info& k) {
        return key_row{k.cga.to_string(), k.at, k.remaining_s, k.uses, k.kcv};
    }
    control::send_service& _svc;
};

counter_set fmip_counter_set(const control::fmip_counters& c) {
    counter_set s;
    s.columns = {"total"};
    for (std::size_t i = 0; i < control::fmip_counter_count; ++i) {
        const auto id = static_cast<control::fmip_counter>(i);
        s.rows.push_back(counter_row{control::to_string(id), control::is_drop(id) ? "drop" : "info",
                                     control::describe(id), {c.get(id)}});
    }
    return s;
}

counter_set service_counter_set(const control::service_counters& c) {
    counter_set s;
    s.columns = {"total"};
    for (std::size_t i = 0; i < control::svc_counter_count; ++i) {
        const auto id = static_cast<control::svc_counter>(i);
        s.rows.push_back(counter_row{control::to_string(id),
                                     control::is_drop(id) ? "drop" : "info",
                                     control::describe(id),
                                     {c.get(id)}});
    }
    for (std::size_t i = 1; i < send::send_reason_count; ++i) { // 0 is ok: not a refusal
        const auto r = static_cast<send::send_reason>(i);
        s.rows.push_back(counter_row{std::string("send_") + send::to_string(r),
                                     "drop",
                                     std::string("SEND verification refused: ") + send::describe(r),
                                     {c.get(r)}});
    }
    return s;
}

} // namespace

counter_set worker_counter_set(const std::vector<worker_counters_ref>& workers) {
    counter_set s;
    for (const auto& w : workers) {
        s.columns.push_back(std::to_string(w.lcore));
    }
    for (std::size_t i = 0; i < fastpath::counter_count; ++i) {
        const auto& info = fastpath::counter_table[i];
        counter_row r{std::string(info.name),
                      info.kind == fastpath::counter_kind::drop ? "drop" : "info",
                      std::string(info.description),
                      {}};
        for (const auto& w : workers) {
            // The owning worker writes with plain stores; an aligned 64-bit relaxed load is exact.
            r.values.push_back(__atomic_load_n(&w.block->v[i], __ATOMIC_RELAXED));
        }
        s.rows.push_back(std::move(r));
    }
    return s;
}

app_hooks make_dpdk_hooks(dpdk_hook_inputs in) {
    app_hooks h;
    auto shared = std::make_shared<dpdk_hook_inputs>(std::move(in));
    h.worker_counters = [shared] { return worker_counter_set(shared->workers); };
    if (shared->ports != nullptr) {
        h.ports = [shared] {
            std::vector<port_row> out;
            for (const auto& p : shared->ports->ports()) {
                port_row r;
                r.name = p.name;
                r.kind = kind_name(p.kind);
                r.port_id = p.port_id;
                rte_eth_stats st{};
                if (rte_eth_stats_get(p.port_id, &st) == 0) {
                    r.rx_packets = st.ipackets;
                    r.tx_packets = st.opackets;
                    r.rx_bytes = st.ibytes;
                    r.tx_bytes = st.obytes;
                    r.rx_missed = st.imissed;
                    r.rx_errors = st.ierrors;
                    r.tx_errors = st.oerrors;
                    r.rx_nombuf = st.rx_nombuf;
                }
                out.push_back(std::move(r));
            }
            return out;
        };
    }
    if (shared->send != nullptr) {
        h.keys = std::make_shared<key_service_source>(*shared->send);
        h.service_counters = [shared] { return service_counter_set(shared->send->counters()); };
    }
    if (shared->fmip != nullptr) {
        h.fmip_counters = [shared] { return fmip_counter_set(shared->fmip->counters()); };
        h.bindings = [shared] {
            std::vector<binding_row> out;
            for (const auto& b : shared->fmip->list_bindings(100000)) {
                out.push_back(binding_row{b.pcoa.to_string(), b.ncoa.to_string(), b.tunnel_src.to_string(),
                                          b.remaining_s, b.seq, b.encapsulated, b.reverse});
            }
            return out;
        };
    }
    if (shared->cfg != nullptr) {
        h.config_source = [shared] { return shared->cfg->source; };
        h.neighbors = [shared] {
            std::vector<neighbor_row> out;
            for (const auto& n : shared->cfg->neighbors) {
                out.push_back(
                    neighbor_row{n.port, n.address.to_string(), n.mac.to_string(), "static"});
            }
            return out;
        };
    }
    h.config_yaml = [shared] { return shared->config_yaml; };
    h.set_log_level = [](const std::string& level, const std::string& logtype) -> result<void> {
        const auto l = log::parse_level(level);
        if (!l) {
            return make_error(EINVAL, "unknown log level '" + level + "'");
        }
        auto r = log::set_level(*l, logtype);
        if (r) {
            log::write(log::type::cli, log::level::notice, "log level of %s set to %s",
                       logtype.empty() ? "every mipgate logtype" : logtype.c_str(), level.c_str());
        }
        return r;
    };
    return h;
}

} // namespace mipgate::cli
