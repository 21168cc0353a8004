#include "mipgate/cli/client.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace mipgate::cli {

result<cli_client> cli_client::connect(const std::string& path, int timeout_ms) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(sa.sun_path)) {
        return make_error(ENAMETOOLONG,
                          "cannot reach mipgate: socket path '" + path + "' is empty or too long");
    }
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return make_error(errno,
                          std::string("cannot reach mipgate: socket: ") + std::strerror(errno));
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) != 0) {
        const int e = errno;
        ::close(fd);
        std::string hint;
        if (e == ENOENT || e == ECONNREFUSED) {
            hint = " (is mipgate running with this control socket? see --socket)";
        } else if (e == EACCES) {
            hint = " (the socket is mode 0600: run as the daemon's user)";
        }
        return make_error(e, "cannot reach mipgate at " + path + ": " + std::strerror(e) + hint);
    }
    return cli_client(fd, timeout_ms);
}

cli_client cli_client::from_fd(int fd, int timeout_ms) {
    return cli_client(fd, timeout_ms);
}

cli_client& cli_client::operator=(cli_client&& o) noexcept {
    if (this != &o) {
        if (_fd >= 0) {
            ::close(_fd);
        }
        _fd = o._fd;
        _timeout_ms = o._timeout_ms;
        o._fd = -1;
    }
    return *this;
}

cli_client::~cli_client() {
    if (_fd >= 0) {
        ::close(_fd);
    }
}

result<response> cli_client::call(const std::vector<std::string>& argv) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(_timeout_ms);
    auto wait = [&](short events) -> bool {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) {
            return false;
        }
        pollfd p{_fd, events, 0};
        int rc;
        do {
            rc = ::poll(&p, 1, static_cast<int>(left));
        } while (rc < 0 && errno == EINTR);
        return rc > 0;
    };
    const auto frame = encode_frame(encode_request(argv));
    std::size_t sent = 0;
    while (sent < frame.size()) {
        if (!wait(POLLOUT)) {
            return make_error(ETIMEDOUT, "mipgate did not accept the request in time");
        }
        const ssize_t n =
            send(_fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return make_error(errno, std::string("lost the connection to mipgate: ") +
                                         std::strerror(errno));
        }
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        }
    }
    frame_decoder dec(max_response_bytes);
    std::string payload;
    for (;;) {
        const auto st = dec.next(payload);
        if (st == frame_decoder::status::frame) {
            auto r = decode_response(payload);
            if (!r) {
                return make_error(EPROTO, "mipgate answered garbage: " + r.err().message);
            }
            return r;
        }
        if (st == frame_decoder::status::too_large) {
            return make_error(EPROTO, "mipgate's answer is too large");
        }
        if (!wait(POLLIN)) {
            return make_error(ETIMEDOUT, "mipgate did not answer within " +
                                             std::to_string(_timeout_ms) + " ms");
        }
        char buf[16384];
        const ssize_t n = recv(_fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0) {
            return make_error(ECONNRESET,
                              "mipgate closed the connection (too many clients, or it stopped)");
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return make_error(errno, std::string("lost the connection to mipgate: ") +
                                         std::strerror(errno));
        }
        dec.feed(buf, static_cast<std::size_t>(n));
    }
}

} // namespace mipgate::cli
