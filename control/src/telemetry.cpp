#include "mipgate/control/telemetry.hpp"

#include "mipgate/control/fmip_service.hpp"
#include "mipgate/control/send_service.hpp"

#include <rte_telemetry.h>

#include <cerrno>
#include <mutex>

namespace mipgate::control {

namespace {

std::mutex g_mu;                  // held while a callback uses g_svc
send_service* g_svc = nullptr;
bool g_registered = false;
fmip_service* g_fmip = nullptr;   // also under g_mu
bool g_fmip_registered = false;

int add_key_fields(rte_tel_data* d, const key_info& k) {
    rte_tel_data_add_dict_string(d, "cga", k.cga.to_string().c_str());
    rte_tel_data_add_dict_u64(d, "at", k.at);
    rte_tel_data_add_dict_u64(d, "remaining_s", k.remaining_s);
    rte_tel_data_add_dict_u64(d, "uses", k.uses);
    rte_tel_data_add_dict_string(d, "kcv", k.kcv.c_str());
    return 0;
}

int cb_keys(const char*, const char*, rte_tel_data* d) {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_svc == nullptr) {
        return -ENODEV;
    }
    const auto keys = g_svc->keys().list(RTE_TEL_MAX_ARRAY_ENTRIES);
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "count", g_svc->keys().size());
    rte_tel_data_add_dict_u64(d, "capacity", g_svc->keys().capacity());
    rte_tel_data* cga = rte_tel_data_alloc();
    rte_tel_data* at = rte_tel_data_alloc();
    rte_tel_data* rem = rte_tel_data_alloc();
    rte_tel_data* uses = rte_tel_data_alloc();
    rte_tel_data* kcv = rte_tel_data_alloc();
    if (cga == nullptr || at == nullptr || rem == nullptr || uses == nullptr || kcv == nullptr) {
        for (auto* p : {cga, at, rem, uses, kcv}) {
            rte_tel_data_free(p);
        }
        return -ENOMEM;
    }
    rte_tel_data_start_array(cga, RTE_TEL_STRING_VAL);
    rte_tel_data_start_array(at, RTE_TEL_U64_VAL);
    rte_tel_data_start_array(rem, RTE_TEL_U64_VAL);
    rte_tel_data_start_array(uses, RTE_TEL_U64_VAL);
    rte_tel_data_start_array(kcv, RTE_TEL_STRING_VAL);
    for (const auto& k : keys) {
        rte_tel_data_add_array_string(cga, k.cga.to_string().c_str());
        rte_tel_data_add_array_u64(at, k.at);
        rte_tel_data_add_array_u64(rem, k.remaining_s);
        rte_tel_data_add_array_u64(uses, k.uses);
        rte_tel_data_add_array_string(kcv, k.kcv.c_str());
    }
    rte_tel_data_add_dict_container(d, "cga", cga, 0);
    rte_tel_data_add_dict_container(d, "at", at, 0);
    rte_tel_data_add_dict_container(d, "remaining_s", rem, 0);
    rte_tel_data_add_dict_container(d, "uses", uses, 0);
    rte_tel_data_add_dict_container(d, "kcv", kcv, 0);
    return 0;
}

int cb_key(const char*, const char* params, rte_tel_data* d) {
    if (params == nullptr) {
        return -EINVAL;
    }
    const auto cga = ipv6_addr::parse(params);
    if (!cga) {
        return -EINVAL;
    }
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_svc == nullptr) {
        return -ENODEV;
    }
    const auto k = g_svc->keys().find(*cga);
    rte_tel_data_start_dict(d);
    if (!k) {
        rte_tel_data_add_dict_string(d, "cga", cga->to_string().c_str());
        rte_tel_data_add_dict_string(d, "error", "no key");
        return 0;
    }
    return add_key_fields(d, *k);
}

int cb_send(const char*, const char*, rte_tel_data* d) {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_svc == nullptr) {
        return -ENODEV;
    }
    rte_tel_data_start_dict(d);
    for (const auto& [name, value] : g_svc->counters().all()) {
        rte_tel_data_add_dict_u64(d, name.c_str(), value);
    }
    return 0;
}

int cb_fmip(const char*, const char*, rte_tel_data* d) {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_fmip == nullptr) {
        return -ENODEV;
    }
    rte_tel_data_start_dict(d);
    for (const auto& [name, value] : g_fmip->counters().all()) {
        rte_tel_data_add_dict_u64(d, name.c_str(), value);
    }
    return 0;
}

int cb_bindings(const char*, const char*, rte_tel_data* d) {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_fmip == nullptr) {
        return -ENODEV;
    }
    const auto rows = g_fmip->list_bindings(RTE_TEL_MAX_ARRAY_ENTRIES);
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "count", rows.size());
    constexpr int n_cols = 7;
    rte_tel_data* col[n_cols];
    bool ok = true;
    for (auto& c : col) {
        c = rte_tel_data_alloc();
        ok = ok && c != nullptr;
    }
    if (!ok) {
        for (auto* c : col) {
            rte_tel_data_free(c);
        }
        return -ENOMEM;
    }
    for (int i = 0; i < n_cols; ++i) {
        rte_tel_data_start_array(col[i], i < 3 ? RTE_TEL_STRING_VAL : RTE_TEL_U64_VAL);
    }
    for (const auto& b : rows) {
        rte_tel_data_add_array_string(col[0], b.pcoa.to_string().c_str());
        rte_tel_data_add_array_string(col[1], b.ncoa.to_string().c_str());
        rte_tel_data_add_array_string(col[2], b.tunnel_src.to_string().c_str());
        rte_tel_data_add_array_u64(col[3], b.remaining_s);
        rte_tel_data_add_array_u64(col[4], b.seq);
        rte_tel_data_add_array_u64(col[5], b.encapsulated);
        rte_tel_data_add_array_u64(col[6], b.reverse);
    }
    const char* names[n_cols] = {"pcoa", "ncoa", "tunnel_src", "remaining_s", "seq", "encapsulated", "reverse"};
    for (int i = 0; i < n_cols; ++i) {
        rte_tel_data_add_dict_container(d, names[i], col[i], 0);
    }
    return 0;
}

} // namespace

result<void> register_fmip_telemetry(fmip_service& svc) {
    std::lock_guard<std::mutex> lock(g_mu);
    g_fmip = &svc;
    if (g_fmip_registered) {
        return {};
    }
    if (rte_telemetry_register_cmd("/mipgate/fmip", cb_fmip, "FMIPv6 service counters. No parameters") != 0 ||
        rte_telemetry_register_cmd("/mipgate/bindings", cb_bindings,
                                   "FMIPv6 PAR bindings: pcoa, ncoa, tunnel_src, remaining_s, seq, encapsulated, "
                                   "reverse arrays. No parameters") != 0) {
        return make_error(EINVAL, "telemetry: registering /mipgate/fmip commands failed");
    }
    g_fmip_registered = true;
    return {};
}

result<void> register_telemetry(send_service& svc) {
    std::lock_guard<std::mutex> lock(g_mu);
    g_svc = &svc;
    if (g_registered) {
        return {};
    }
    if (rte_telemetry_register_cmd("/mipgate/keys", cb_keys,
                                   "Handover keys: cga, at, remaining_s, uses, kcv arrays. No parameters") != 0 ||
        rte_telemetry_register_cmd("/mipgate/key", cb_key,
                                   "One handover key (never its bytes). Parameter: the MN's care-of CGA") != 0 ||
        rte_telemetry_register_cmd("/mipgate/send", cb_send, "SEND service counters. No parameters") != 0) {
        return make_error(EINVAL, "telemetry: registering /mipgate commands failed");
    }
    g_registered = true;
    return {};
}

void unregister_telemetry() noexcept {
    std::lock_guard<std::mutex> lock(g_mu);
    g_svc = nullptr;
    g_fmip = nullptr;
}

} // namespace mipgate::control
