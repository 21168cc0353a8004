#include "mipgate/fastpath/eal_args.hpp"

namespace mipgate::fastpath {

std::vector<std::string> build_eal_args(const config::config& cfg, std::string_view prog,
                                        std::string_view prefix_override, int pid) {
    const auto& s = cfg.system;
    std::vector<std::string> a{std::string(prog), "-l", s.lcores, "-m", std::to_string(s.memory_mb)};
    if (!s.hugepages) {
        // --no-huge implies legacy memory; without shared config nothing is left behind.
        a.emplace_back("--no-huge");
        a.emplace_back("--no-shconf");
    }
    bool any_pci = false;
    for (const auto& p : cfg.ports) {
        if (p.kind == config::port_kind::pci) {
            any_pci = true;
            a.emplace_back("-a");
            a.push_back(p.devargs);
        }
    }
    if (!any_pci) {
        a.emplace_back("--no-pci");
    }
    std::string prefix(prefix_override);
    if (prefix.empty()) {
        prefix = s.file_prefix;
    }
    if (prefix.empty()) {
        prefix = "mipgate-" + std::to_string(pid);
    }
    a.push_back("--file-prefix=" + prefix);
    for (const auto& p : cfg.ports) {
        if (p.kind == config::port_kind::vdev) {
            a.emplace_back("--vdev");
            a.push_back(p.devargs);
        }
    }
    a.insert(a.end(), s.eal_args.begin(), s.eal_args.end());
    return a;
}

} // namespace mipgate::fastpath
