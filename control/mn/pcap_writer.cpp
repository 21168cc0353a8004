// pcap file format: global header (24 bytes) then per packet a 16-byte record header, host
// byte order (readers detect it from the magic).

#include "pcap_writer.hpp"

#include <cstdint>
#include <ctime>

namespace mipgate::mn {
namespace {

struct pcap_global {
    std::uint32_t magic = 0xa1b2c3d4;
    std::uint16_t major = 2;
    std::uint16_t minor = 4;
    std::int32_t thiszone = 0;
    std::uint32_t sigfigs = 0;
    std::uint32_t snaplen = 65535;
    std::uint32_t linktype = 1; // LINKTYPE_ETHERNET
};
struct pcap_record {
    std::uint32_t ts_sec;
    std::uint32_t ts_usec;
    std::uint32_t incl_len;
    std::uint32_t orig_len;
};
static_assert(sizeof(pcap_global) == 24 && sizeof(pcap_record) == 16);

} // namespace

result<pcap_writer> pcap_writer::create(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
        return make_error(2, "cannot create " + path);
    }
    const pcap_global g;
    if (std::fwrite(&g, sizeof g, 1, f) != 1) {
        std::fclose(f);
        return make_error(2, "cannot write " + path);
    }
    return pcap_writer(f);
}

pcap_writer::~pcap_writer() {
    if (_f != nullptr) {
        std::fclose(_f);
    }
}

bool pcap_writer::write(bytes_view frame) {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    const pcap_record r{static_cast<std::uint32_t>(ts.tv_sec), static_cast<std::uint32_t>(ts.tv_nsec / 1000),
                        static_cast<std::uint32_t>(frame.size()), static_cast<std::uint32_t>(frame.size())};
    return _f != nullptr && std::fwrite(&r, sizeof r, 1, _f) == 1 &&
           std::fwrite(frame.data(), 1, frame.size(), _f) == frame.size();
}

bool pcap_writer::close() {
    if (_f == nullptr) {
        return false;
    }
    const bool ok = std::fflush(_f) == 0 && std::ferror(_f) == 0;
    const bool closed = std::fclose(_f) == 0;
    _f = nullptr;
    return ok && closed;
}

} // namespace mipgate::mn
