#pragma once
// The control socket: a UNIX stream socket (mode 0600) polled by the control lcore. Commands run
// inside poll(), on the control lcore, so handlers touch control-plane state single-threadedly.
// poll() never blocks and does bounded work (a few accepts, a few commands, one read and one
// write per client), so the control loop keeps its pace.

#include "mipgate/cli/command_table.hpp"
#include "mipgate/cli/protocol.hpp"
#include "mipgate/common/result.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mipgate::cli {

struct server_limits {
    unsigned max_clients = 8; ///< more connections are accepted and closed at once
    unsigned max_accepts_per_poll = 4;
    unsigned max_commands_per_poll = 4; ///< over all clients
    std::size_t read_chunk = 16 * 1024; ///< bytes read per client per poll
};

class cli_server {
public:
    /// Control thread; allocates.
    explicit cli_server(command_table table = standard_table(), server_limits limits = {});
    /// Closes every connection and removes the socket file. Control thread.
    ~cli_server();
    cli_server(const cli_server&) = delete;
    cli_server& operator=(const cli_server&) = delete;

    /// Creates the socket at `path` (mode 0600, non-blocking). A stale socket file left by a dead
    /// daemon is replaced; a live one (something answers) is an error, as is any non-socket file.
    /// The parent directory is created (mode 0700) if missing. Control thread at start; blocks
    /// only on the filesystem.
    result<void> listen(const std::string& path);
    /// Serves an already connected stream socket (tests: one end of a socketpair). Control thread.
    result<void> adopt(int fd);

    /// Accepts, reads, runs complete requests, writes answers; returns units of work done (0 =
    /// idle). Control lcore only; never blocks; allocates.
    unsigned poll() noexcept;

    /// Adds or replaces a command (the owner of the state registers it). Control thread.
    void add(command_entry e) { _table.add(std::move(e)); }
    /// Binds a handler to a declared command. Control thread.
    bool bind(std::string_view path, handler_fn h) { return _table.bind(path, std::move(h)); }
    command_table& table() noexcept { return _table; }

    /// Runs one command line as a client would (tests, the telemetry twin). Caller's thread must
    /// satisfy the command's contract.
    response execute(const std::vector<std::string>& argv) const;

    /// Runs a command on the control lcore on behalf of another thread (the telemetry twin):
    /// hands it to the next poll() and waits for the answer, at most `timeout_ms` (then a
    /// "failed" response). Any thread but the control lcore; blocks; allocates. One call at a time
    /// (callers are serialized).
    response call_from_other_thread(const std::vector<std::string>& argv, int timeout_ms);

    /// Stops listening, closes the clients, unlinks the socket. Control thread; idempotent.
    void close() noexcept;
    const std::string& path() const noexcept { return _path; }
    std::size_t client_count() const noexcept { return _clients.size(); }
    int listen_fd() const noexcept { return _listen_fd; }

private:
    struct client;
    bool serve(client& c, unsigned& commands);

    command_table _table;
    server_limits _limits;
    int _listen_fd = -1;
    std::string _path;
    std::vector<std::unique_ptr<client>> _clients;

    // Mailbox for call_from_other_thread: poll() checks `_mail_pending` (one relaxed load).
    std::mutex _callers; ///< serializes other-thread callers
    std::mutex _mail_mu;
    std::condition_variable _mail_cv;
    std::atomic<bool> _mail_pending{false};
    bool _mail_done = false;
    bool _closed = false;
    std::vector<std::string> _mail_argv;
    response _mail_answer;
};

} // namespace mipgate::cli
