#include "mipgate/config/config.hpp"
#include "mipgate/config/load.hpp"

namespace mipgate::config {

int config::port_index(const std::string& name) const {
    for (std::size_t i = 0; i < ports.size(); ++i) {
        if (ports[i].name == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::string diagnostic::str() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + key + ": " + reason;
}

} // namespace mipgate::config
