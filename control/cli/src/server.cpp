#include "mipgate/cli/server.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace mipgate::cli {

struct cli_server::client {
    int fd = -1;
    frame_decoder in{max_request_bytes};
    std::string out;      ///< bytes still to write
    bool closing = false; ///< close once `out` is written (quit, protocol error)
    bool dead = false;
};

namespace {

bool set_nonblocking(int fd) {
    const int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 &&
           fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

std::string errno_text(const char* what, int e) {
    return std::string(what) + ": " + std::strerror(e);
}

/// True if a daemon answers on `path`.
bool socket_alive(const sockaddr_un& sa) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const bool alive = connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) == 0;
    ::close(fd);
    return alive;
}

} // namespace

cli_server::cli_server(command_table table, server_limits limits)
    : _table(std::move(table)), _limits(limits) {}

cli_server::~cli_server() {
    close();
}

result<void> cli_server::listen(const std::string& path) {
    if (_listen_fd >= 0) {
        return make_error(EBUSY, "control socket: already listening on " + _path);
    }
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(sa.sun_path)) {
        return make_error(ENAMETOOLONG, "control socket: path '" + path +
                                            "' is empty or longer than " +
                                            std::to_string(sizeof(sa.sun_path) - 1) + " bytes");
    }
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    if (const auto slash = path.rfind('/'); slash != std::string::npos && slash > 0) {
        const std::string dir = path.substr(0, slash);
        if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
            return make_error(errno,
                              errno_text(("control socket: creating " + dir).c_str(), errno));
        }
    }
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            return make_error(EEXIST, "control socket: " + path + " exists and is not a socket");
        }
        if (socket_alive(sa)) {
            return make_error(EADDRINUSE,
                              "control socket: " + path + " is in use by a running daemon");
        }
        unlink(path.c_str()); // stale: its daemon is gone
    }
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return make_error(errno, errno_text("control socket: socket", errno));
    }
    // Created 0600 from the start (umask), not chmod-ed after a window where others could connect.
    const mode_t old = umask(0177);
    const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
    const int bind_errno = errno;
    umask(old);
    if (rc != 0) {
        ::close(fd);
        return make_error(bind_errno,
                          errno_text(("control socket: bind " + path).c_str(), bind_errno));
    }
    if (chmod(path.c_str(), 0600) != 0 || ::listen(fd, 16) != 0) {
        const int e = errno;
        ::close(fd);
        unlink(path.c_str());
        return make_error(e, errno_text(("control socket: " + path).c_str(), e));
    }
    _listen_fd = fd;
    _path = path;
    std::lock_guard<std::mutex> lk(_mail_mu);
    _closed = false;
    return {};
}

result<void> cli_server::adopt(int fd) {
    if (!set_nonblocking(fd)) {
        return make_error(errno, errno_text("control socket: fcntl", errno));
    }
    auto c = std::make_unique<client>();
    c->fd = fd;
    _clients.push_back(std::move(c));
    return {};
}

response cli_server::execute(const std::vector<std::string>& argv) const {
    try {
        return make_response(_table.execute(argv));
    } catch (const std::exception& e) {
        response r;
        r.error = std::string("internal error: ") + e.what();
        r.code = "failed";
        return r;
    }
}

bool cli_server::serve(client& c, unsigned& commands) {
    bool worked = false;
    // Write first: a client that does not read its answers stops being served until it does.
    if (c.out.empty() && !c.closing) {
        char buf[16 * 1024];
        const ssize_t n = recv(c.fd, buf, std::min(sizeof(buf), _limits.read_chunk), 0);
        if (n > 0) {
            c.in.feed(buf, static_cast<std::size_t>(n));
            worked = true;
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c.dead = true;
            return worked;
        }
        std::string payload;
        while (c.out.empty() && !c.closing && commands < _limits.max_commands_per_poll) {
            const auto st = c.in.next(payload);
            if (st == frame_decoder::status::need_more) {
                break;
            }
            ++commands;
            worked = true;
            response r;
            if (st == frame_decoder::status::too_large) {
                r.error = "request larger than " + std::to_string(max_request_bytes) + " bytes";
                r.code = "usage";
                c.closing = true;
            } else if (auto argv = decode_request(payload); !argv) {
                r.error = argv.err().message;
                r.code = "usage";
                c.closing = true;
            } else {
                r = execute(*argv);
                if (r.ok && !argv->empty() && _table.match(*argv).entry == _table.find("quit")) {
                    c.closing = true;
                }
            }
            auto text = encode_response(r);
            if (text.size() > max_response_bytes) {
                text = encode_response(response{false, {}, "response too large", "failed"});
            }
            c.out = encode_frame(text);
        }
    }
    if (!c.out.empty()) {
        const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.out.erase(0, static_cast<std::size_t>(n));
            worked = true;
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            c.dead = true;
        }
    }
    if (c.out.empty() && c.closing) {
        c.dead = true;
    }
    return worked;
}

response cli_server::call_from_other_thread(const std::vector<std::string>& argv, int timeout_ms) {
    std::lock_guard<std::mutex> one(_callers);
    std::unique_lock<std::mutex> lk(_mail_mu);
    if (_closed) {
        return response{false, {}, "the control socket server is stopping", "failed"};
    }
    _mail_argv = argv;
    _mail_done = false;
    _mail_pending.store(true, std::memory_order_release);
    const bool answered = _mail_cv.wait_for(lk, std::chrono::milliseconds(timeout_ms),
                                            [this] { return _mail_done || _closed; });
    if (!answered || !_mail_done) {
        _mail_pending.store(false, std::memory_order_relaxed);
        return response{false, {}, "the control lcore did not run the command in time", "failed"};
    }
    return std::move(_mail_answer);
}

unsigned cli_server::poll() noexcept {
    unsigned work = 0;
    try {
        if (_mail_pending.load(std::memory_order_acquire)) {
            std::lock_guard<std::mutex> lk(_mail_mu);
            if (_mail_pending.load(std::memory_order_relaxed)) {
                _mail_answer = execute(_mail_argv);
                _mail_done = true;
                _mail_pending.store(false, std::memory_order_relaxed);
                _mail_cv.notify_all();
                ++work;
            }
        }
        if (_listen_fd >= 0) {
            for (unsigned i = 0; i < _limits.max_accepts_per_poll; ++i) {
                const int fd = accept4(_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                    break;
                }
                ++work;
                if (_clients.size() >= _limits.max_clients) {
                    ::close(fd); // the client sees EOF and reports it
                    continue;
                }
                auto c = std::make_unique<client>();
                c->fd = fd;
                _clients.push_back(std::move(c));
            }
        }
        unsigned commands = 0;
        for (auto& c : _clients) {
            if (serve(*c, commands)) {
                ++work;
            }
        }
        for (auto it = _clients.begin(); it != _clients.end();) {
            if ((*it)->dead) {
                ::close((*it)->fd);
                it = _clients.erase(it);
            } else {
                ++it;
            }
        }
    } catch (...) {
        // bad_alloc: nothing sensible to do on the control lcore but try again next poll.
    }
    return work;
}

void cli_server::close() noexcept {
    {
        std::lock_guard<std::mutex> lk(_mail_mu);
        _closed = true;
        _mail_pending.store(false, std::memory_order_relaxed);
    }
    _mail_cv.notify_all();
    for (auto& c : _clients) {
        ::close(c->fd);
    }
    _clients.clear();
    if (_listen_fd >= 0) {
        ::close(_listen_fd);
        _listen_fd = -1;
        unlink(_path.c_str());
    }
}

} // namespace mipgate::cli
