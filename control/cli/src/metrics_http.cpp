#include "mipgate/cli/metrics_http.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mipgate::cli {

namespace {

constexpr std::size_t max_conns = 8;
constexpr std::size_t max_request = 8192;
constexpr auto conn_timeout = std::chrono::seconds(5);

std::string http_response(int code, const char* reason, const char* type, const std::string& body) {
    return "HTTP/1.0 " + std::to_string(code) + " " + reason + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

} // namespace

metrics_http::metrics_http(std::function<std::string()> render) : _render(std::move(render)) {}

metrics_http::~metrics_http() {
    close();
}

result<void> metrics_http::listen(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        return make_error(EINVAL, "metrics_listen: '" + address + "' is not ADDR:PORT");
    }
    std::string host = address.substr(0, colon);
    const std::string port = address.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* ai = nullptr;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &ai); rc != 0) {
        return make_error(EINVAL, "metrics_listen: '" + address + "': " + gai_strerror(rc));
    }
    const int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(ai);
        return make_error(errno, std::string("metrics_listen: socket: ") + std::strerror(errno));
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 16) != 0) {
        const int e = errno;
        freeaddrinfo(ai);
        ::close(fd);
        return make_error(e, "metrics_listen: " + address + ": " + std::strerror(e));
    }
    freeaddrinfo(ai);
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    _port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    _fd = fd;
    return {};
}

unsigned metrics_http::poll() noexcept {
    if (_fd < 0) {
        return 0;
    }
    unsigned work = 0;
    try {
        const auto now = std::chrono::steady_clock::now();
        for (int i = 0; i < 4; ++i) {
            const int c = accept4(_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) {
                break;
            }
            ++work;
            if (_conns.size() >= max_conns) {
                ::close(c);
                continue;
            }
            _conns.push_back(conn{c, {}, {}, false, now});
        }
        for (auto& c : _conns) {
            if (!c.answered) {
                char buf[2048];
                const ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
                if (n > 0) {
                    c.in.append(buf, static_cast<std::size_t>(n));
                    ++work;
                } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                    c.answered = true; // peer gone: close below
                    c.out.clear();
                    continue;
                }
                if (c.in.find("\r\n\r\n") != std::string::npos ||
                    c.in.find("\n\n") != std::string::npos) {
                    if (c.in.starts_with("GET /metrics ") || c.in.starts_with("GET /metrics?")) {
                        c.out = http_response(200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                                              _render());
                    } else if (c.in.starts_with("GET ")) {
                        c.out = http_response(404, "Not Found", "text/plain", "try /metrics\n");
                    } else {
                        c.out =
                            http_response(405, "Method Not Allowed", "text/plain", "GET only\n");
                    }
                    c.answered = true;
                } else if (c.in.size() > max_request) {
                    c.out =
                        http_response(431, "Request Header Fields Too Large", "text/plain", "\n");
                    c.answered = true;
                }
            }
            if (c.answered && !c.out.empty()) {
                const ssize_t n =
                    send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n > 0) {
                    c.out.erase(0, static_cast<std::size_t>(n));
                    ++work;
                } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    c.out.clear();
                }
            }
        }
        for (auto it = _conns.begin(); it != _conns.end();) {
            if ((it->answered && it->out.empty()) || now - it->since > conn_timeout) {
                ::close(it->fd);
                it = _conns.erase(it);
            } else {
                ++it;
            }
        }
    } catch (...) {
        // bad_alloc: try again on the next poll.
    }
    return work;
}

void metrics_http::close() noexcept {
    for (auto& c : _conns) {
        ::close(c.fd);
    }
    _conns.clear();
    if (_fd >= 0) {
        ::close(_fd);
        _fd = -1;
    }
}

} // namespace mipgate::cli
