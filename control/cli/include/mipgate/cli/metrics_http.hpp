#pragma once
// A tiny HTTP/1.0 endpoint for Prometheus scrapes (control.metrics_listen), polled by the control
// lcore like the control socket: GET /metrics answers the text exposition format, anything else
// 404; one request per connection, then close. Non-blocking, bounded work per poll.

#include "mipgate/common/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mipgate::cli {

class metrics_http {
public:
    /// `render` produces the exposition text (runs inside poll(), on the control lcore).
    explicit metrics_http(std::function<std::string()> render);
    ~metrics_http();
    metrics_http(const metrics_http&) = delete;
    metrics_http& operator=(const metrics_http&) = delete;

    /// Listens on "ADDR:PORT" ("127.0.0.1:9464", "[::1]:9464"; numeric addresses only; port 0 =
    /// any, see port()). Control thread at start.
    result<void> listen(const std::string& address);
    /// Accepts, reads, answers; returns units of work (0 = idle). Control lcore; never blocks.
    unsigned poll() noexcept;
    /// Closes the listener and connections. Idempotent.
    void close() noexcept;
    /// The bound port (after listen). Any thread.
    std::uint16_t port() const noexcept { return _port; }

private:
    struct conn {
        int fd = -1;
        std::string in;
        std::string out;
        bool answered = false;
        std::chrono::steady_clock::time_point since;
    };
    std::function<std::string()> _render;
    int _fd = -1;
    std::uint16_t _port = 0;
    std::vector<conn> _conns;
};

} // namespace mipgate::cli
