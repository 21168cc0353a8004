#pragma once
// mipgatectl's side of the control socket: connect, send one request, wait for its answer.

#include "mipgate/cli/protocol.hpp"
#include "mipgate/common/result.hpp"

#include <string>
#include <vector>

namespace mipgate::cli {

class cli_client {
public:
    /// Connects to the daemon's socket. The error message names the path and the reason
    /// (mipgatectl exits 2 on it). Any thread; blocks up to the connect.
    static result<cli_client> connect(const std::string& path, int timeout_ms = 5000);
    /// Wraps a connected stream socket (tests). Takes ownership.
    static cli_client from_fd(int fd, int timeout_ms = 5000);

    cli_client(cli_client&& o) noexcept : _fd(o._fd), _timeout_ms(o._timeout_ms) { o._fd = -1; }
    cli_client& operator=(cli_client&& o) noexcept;
    cli_client(const cli_client&) = delete;
    cli_client& operator=(const cli_client&) = delete;
    ~cli_client();

    /// Sends `argv` and waits for the answer. An error here is a transport failure (daemon gone,
    /// timeout, garbage); a refused command is a response with ok == false. Blocks up to the
    /// timeout; allocates.
    result<response> call(const std::vector<std::string>& argv);

private:
    cli_client(int fd, int timeout_ms) : _fd(fd), _timeout_ms(timeout_ms) {}
    int _fd = -1;
    int _timeout_ms = 5000;
};

} // namespace mipgate::cli
