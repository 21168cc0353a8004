#include "mipgate/cli/telemetry_twin.hpp"

#include <rte_telemetry.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <mutex>
#include <set>

namespace mipgate::cli {

namespace {

std::mutex g_mu; // held while a callback uses g_server
cli_server* g_server = nullptr;
std::map<std::string, std::string> g_paths; // telemetry name → command path
std::set<std::string> g_registered;

constexpr int twin_timeout_ms = 2000;

/// DPDK accepts only [A-Za-z0-9_/] in dict names.
std::string tel_name(std::string n) {
    for (auto& c : n) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '/') {
            c = '_';
        }
    }
    return n;
}

void add_scalar(rte_tel_data* d, const std::string& raw_name, const value& v) {
    const std::string name = tel_name(raw_name);
    if (v.is_number() && !std::holds_alternative<double>(v.raw()) &&
        !(std::holds_alternative<std::int64_t>(v.raw()) && std::get<std::int64_t>(v.raw()) < 0)) {
        rte_tel_data_add_dict_u64(d, name.c_str(), v.as_u64());
    } else {
        std::string s = scalar_text(v);
        s.resize(std::min<std::size_t>(s.size(), RTE_TEL_MAX_STRING_LEN - 1));
        rte_tel_data_add_dict_string(d, name.c_str(), s.c_str());
    }
}

bool all_u64(const array& a) {
    return std::all_of(a.begin(), a.end(), [](const value& e) {
        return e.is_number() && !std::holds_alternative<double>(e.raw()) &&
               !(std::holds_alternative<std::int64_t>(e.raw()) &&
                 std::get<std::int64_t>(e.raw()) < 0);
    });
}

/// One array container of scalars (u64 if they all are, strings otherwise).
void add_column(rte_tel_data* d, const std::string& name, const std::vector<const value*>& cells) {
    rte_tel_data* c = rte_tel_data_alloc();
    if (c == nullptr) {
        return;
    }
    array tmp;
    for (const auto* e : cells) {
        tmp.push_back(e == nullptr ? value() : *e);
    }
    const bool u64 = all_u64(tmp);
    rte_tel_data_start_array(c, u64 ? RTE_TEL_U64_VAL : RTE_TEL_STRING_VAL);
    std::size_t n = 0;
    for (const auto& e : tmp) {
        if (n++ == RTE_TEL_MAX_ARRAY_ENTRIES) {
            break;
        }
        if (u64) {
            rte_tel_data_add_array_u64(c, e.as_u64());
        } else {
            std::string s = scalar_text(e);
            s.resize(std::min<std::size_t>(s.size(), RTE_TEL_MAX_STRING_LEN - 1));
            rte_tel_data_add_array_string(c, s.c_str());
        }
    }
    rte_tel_data_add_dict_container(d, tel_name(name).c_str(), c, 0);
}

void flatten(rte_tel_data* d, const std::string& prefix, const value& v) {
    for (const auto& [k, e] : v.as_object()) {
        const std::string name = prefix.empty() ? k : prefix + "/" + k;
        if (e.is_object()) {
            flatten(d, name, e);
        } else if (e.is_array()) {
            const auto& a = e.as_array();
            if (!a.empty() && a[0].is_object()) {
                std::vector<std::string> cols;
                for (const auto& row : a) {
                    if (row.is_object()) {
                        for (const auto& [ck, cv] : row.as_object()) {
                            if (std::find(cols.begin(), cols.end(), ck) == cols.end()) {
                                cols.push_back(ck);
                            }
                        }
                    }
                }
                for (const auto& col : cols) {
                    std::vector<const value*> cells;
                    for (const auto& row : a) {
                        cells.push_back(row.find(col));
                    }
                    add_column(d, name + "/" + col, cells);
                }
            } else {
                std::vector<const value*> cells;
                for (const auto& x : a) {
                    cells.push_back(&x);
                }
                add_column(d, name, cells);
            }
        } else {
            add_scalar(d, name, e);
        }
    }
}

int twin_callback(const char* cmd, const char* params, rte_tel_data* d) {
    std::vector<std::string> argv;
    {
        std::lock_guard<std::mutex> lock(g_mu);
        if (g_server == nullptr) {
            return -ENODEV;
        }
        auto it = g_paths.find(cmd);
        if (it == g_paths.end()) {
            return -EINVAL;
        }
        argv = tokenize(it->second).value();
    }
    if (params != nullptr) {
        std::string p(params);
        std::replace(p.begin(), p.end(), ',', ' ');
        auto extra = tokenize(p);
        if (!extra) {
            return -EINVAL;
        }
        argv.insert(argv.end(), extra->begin(), extra->end());
    }
    response r;
    {
        std::lock_guard<std::mutex> lock(g_mu);
        if (g_server == nullptr) {
            return -ENODEV;
        }
        r = g_server->call_from_other_thread(argv, twin_timeout_ms);
    }
    if (!r.ok) {
        rte_tel_data_start_dict(d);
        std::string e = r.error.substr(0, RTE_TEL_MAX_STRING_LEN - 1);
        std::replace(e.begin(), e.end(), '\n', ' ');
        rte_tel_data_add_dict_string(d, "error", e.c_str());
        return 0;
    }
    return to_telemetry(r.result, d);
}

} // namespace

std::string telemetry_name(const std::string& path) {
    std::string n = "/mipgate/";
    for (char c : path) {
        n += (c == ' ') ? '/' : (c == '-' ? '_' : c);
    }
    return n;
}

int to_telemetry(const value& v, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    if (v.is_object()) {
        flatten(d, "", v);
    } else if (v.is_array()) {
        value wrap;
        wrap.set("items", v);
        flatten(d, "", wrap);
    } else {
        add_scalar(d, "value", v);
    }
    return 0;
}

result<void> register_telemetry_twins(cli_server& server) {
    std::lock_guard<std::mutex> lock(g_mu);
    g_server = &server;
    for (const auto& e : server.table().entries()) {
        if (!e.path.starts_with("show ")) {
            continue;
        }
        const auto name = telemetry_name(e.path);
        g_paths[name] = e.path;
        if (g_registered.contains(name)) {
            continue;
        }
        const std::string help = e.help.substr(0, RTE_TEL_MAX_STRING_LEN - 1);
        if (rte_telemetry_register_cmd(name.c_str(), twin_callback, help.c_str()) != 0) {
            return make_error(EINVAL, "telemetry: registering " + name + " failed");
        }
        g_registered.insert(name);
    }
    return {};
}

void unregister_telemetry_twins() noexcept {
    std::lock_guard<std::mutex> lock(g_mu);
    g_server = nullptr;
}

} // namespace mipgate::cli
