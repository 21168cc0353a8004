#pragma once
// Classic libpcap file format (magic a1b2c3d4, v2.4, LINKTYPE_ETHERNET), written by hand.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/result.hpp"

#include <cstdio>
#include <string>

namespace mipgate::mn {

class pcap_writer {
public:
    /// Creates `path` and writes the global header. Main thread; file I/O.
    static result<pcap_writer> create(const std::string& path);
    pcap_writer(pcap_writer&& o) noexcept : _f(o._f) { o._f = nullptr; }
    pcap_writer& operator=(pcap_writer&&) = delete;
    pcap_writer(const pcap_writer&) = delete;
    ~pcap_writer();

    /// Appends one Ethernet frame stamped with the current time. Main thread; file I/O.
    bool write(bytes_view frame);
    /// Flushes and closes; false on a write error. Main thread.
    bool close();

private:
    explicit pcap_writer(std::FILE* f) : _f(f) {}
    std::FILE* _f = nullptr;
};

} // namespace mipgate::mn
