// The control socket end to end without DPDK: a cli_server polled by a thread (standing in for
// the control lcore) and cli_client / raw sockets on the test thread.

#include "mipgate/cli/client.hpp"
#include "mipgate/cli/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace mipgate;
using namespace mipgate::cli;

namespace {

/// Temporary directories, removed when the test program ends.
struct temp_dirs {
    std::vector<std::string> dirs;
    ~temp_dirs() {
        for (const auto& d : dirs) {
            std::error_code ec;
            std::filesystem::remove_all(d, ec);
        }
    }
} g_temp_dirs;

std::string temp_dir() {
    char tmpl[] = "/tmp/mipgate-cli-test-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (d == nullptr) {
        ADD_FAILURE() << "mkdtemp failed";
        return "/tmp";
    }
    g_temp_dirs.dirs.emplace_back(d);
    return d;
}

/// Polls the server on its own thread until stopped (the control lcore's loop).
struct poller {
    cli_server& s;
    std::atomic<bool> stop{false};
    std::thread t;
    explicit poller(cli_server& srv)
        : s(srv), t([this] {
              while (!stop.load()) {
                  if (s.poll() == 0) {
                      usleep(200);
                  }
              }
          }) {}
    ~poller() {
        stop = true;
        t.join();
    }
};

int raw_connect(const std::string& path) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/// Reads the next response; bytes of later responses stay buffered for the next call on that fd.
std::string read_frame(int fd) {
    static std::map<int, frame_decoder> decoders;
    auto& d = decoders.try_emplace(fd, max_response_bytes).first->second;
    std::string p;
    char buf[4096];
    while (d.next(p) != frame_decoder::status::frame) {
        const ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            decoders.erase(fd);
            return "<eof>";
        }
        d.feed(buf, static_cast<std::size_t>(n));
    }
    return p;
}

} // namespace

TEST(Server, SocketpairRequestResponse) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    cli_server s;
    ASSERT_TRUE(s.adopt(sv[0]).ok());
    auto c = cli_client::from_fd(sv[1], 2000);
    poller p(s);
    auto r = c.call({"show", "commands"});
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_TRUE(r->ok);
    EXPECT_EQ(r->result.find("commands")->as_array().size(), standard_table().entries().size());
    r = c.call({"frobnicate"});
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->code, "usage");
    EXPECT_NE(r->error.find("unknown command"), std::string::npos);
    r = c.call({"show", "bindings"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->code, "not_implemented");
    EXPECT_EQ(r->error, "show bindings: FMIPv6 needs a router: section");
}

TEST(Server, UnixSocketMode0600AndCommandsOnThePollingThread) {
    const auto dir = temp_dir();
    const auto path = dir + "/sub/ctl.sock"; // the missing directory is created
    cli_server s;
    std::atomic<std::thread::id> ran_on{};
    command_entry e;
    e.path = "whoami";
    e.handler = [&](const invocation&) -> result<value> {
        ran_on = std::this_thread::get_id();
        return value("me");
    };
    s.add(e);
    ASSERT_TRUE(s.listen(path).ok());
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(fcntl(s.listen_fd(), F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    std::thread::id poll_thread;
    {
        poller p(s);
        poll_thread = p.t.get_id();
        auto c = cli_client::connect(path, 2000);
        ASSERT_TRUE(c.ok()) << c.err().message;
        auto r = c->call({"whoami"});
        ASSERT_TRUE(r.ok()) << r.err().message;
        EXPECT_EQ(r->result, value("me"));
        // Several clients at once.
        auto c2 = cli_client::connect(path, 2000);
        ASSERT_TRUE(c2.ok());
        EXPECT_TRUE(c2->call({"help"})->ok);
        EXPECT_TRUE(c->call({"help"})->ok);
    }
    EXPECT_EQ(ran_on.load(), poll_thread);
    s.close();
    EXPECT_NE(access(path.c_str(), F_OK), 0) << "socket removed on close";
}

TEST(Server, PollNeverBlocksWhenIdleOrOnPartialRequests) {
    const auto path = temp_dir() + "/ctl.sock";
    cli_server s;
    ASSERT_TRUE(s.listen(path).ok());
    EXPECT_EQ(s.poll(), 0u);
    const int fd = raw_connect(path);
    ASSERT_GE(fd, 0);
    EXPECT_GT(s.poll(), 0u); // accept
    const auto f = encode_frame(encode_request({"help"}));
    ASSERT_EQ(send(fd, f.data(), 3, 0), 3); // half a length prefix
    s.poll();
    EXPECT_EQ(s.poll(), 0u);
    ASSERT_EQ(send(fd, f.data() + 3, f.size() - 3, 0), static_cast<ssize_t>(f.size() - 3));
    for (int i = 0; i < 5; ++i) {
        s.poll();
    }
    const auto p = read_frame(fd);
    EXPECT_EQ(decode_response(p)->ok, true);
    close(fd);
}

TEST(Server, PipelinedRequestsAnsweredInOrderWithBoundedWork) {
    const auto path = temp_dir() + "/ctl.sock";
    server_limits lim;
    lim.max_commands_per_poll = 1;
    cli_server s(standard_table(), lim);
    ASSERT_TRUE(s.listen(path).ok());
    const int fd = raw_connect(path);
    std::string burst;
    for (const char* cmd : {"help", "frobnicate", "quit", "help"}) {
        burst += encode_frame(encode_request({cmd}));
    }
    ASSERT_EQ(send(fd, burst.data(), burst.size(), 0), static_cast<ssize_t>(burst.size()));
    for (int i = 0; i < 20; ++i) {
        s.poll();
    }
    EXPECT_TRUE(decode_response(read_frame(fd))->ok);
    EXPECT_EQ(decode_response(read_frame(fd))->code, "usage");
    EXPECT_TRUE(decode_response(read_frame(fd))->ok); // quit answers, then closes
    EXPECT_EQ(read_frame(fd), "<eof>");
    EXPECT_EQ(s.client_count(), 0u);
    close(fd);
}

TEST(Server, BadRequestsCloseTheConnection) {
    const auto path = temp_dir() + "/ctl.sock";
    cli_server s;
    ASSERT_TRUE(s.listen(path).ok());
    int fd = raw_connect(path);
    const auto junk = encode_frame("not json");
    send(fd, junk.data(), junk.size(), 0);
    for (int i = 0; i < 5; ++i) {
        s.poll();
    }
    auto r = decode_response(read_frame(fd));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(read_frame(fd), "<eof>");
    close(fd);
    fd = raw_connect(path);
    const std::string huge("\x7f\xff\xff\xff", 4);
    send(fd, huge.data(), huge.size(), 0);
    for (int i = 0; i < 5; ++i) {
        s.poll();
    }
    r = decode_response(read_frame(fd));
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->error.find("larger than"), std::string::npos);
    EXPECT_EQ(read_frame(fd), "<eof>");
    close(fd);
}

TEST(Server, TooManyClientsAreTurnedAway) {
    const auto path = temp_dir() + "/ctl.sock";
    server_limits lim;
    lim.max_clients = 1;
    cli_server s(standard_table(), lim);
    ASSERT_TRUE(s.listen(path).ok());
    const int a = raw_connect(path);
    s.poll();
    const int b = raw_connect(path);
    s.poll();
    EXPECT_EQ(s.client_count(), 1u);
    auto c = cli_client::from_fd(b, 500);
    auto r = c.call({"help"});
    EXPECT_FALSE(r.ok());
    close(a);
}

TEST(Server, StaleSocketReplacedLiveOneRefused) {
    const auto dir = temp_dir();
    const auto path = dir + "/ctl.sock";
    {
        // A stale socket file: bound, then its owner vanished without unlinking.
        const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
        ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
        close(fd);
    }
    cli_server s;
    ASSERT_TRUE(s.listen(path).ok());
    cli_server other;
    const auto r = other.listen(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message.find("in use"), std::string::npos);
    const auto file = dir + "/plain";
    close(open(file.c_str(), O_CREAT | O_WRONLY, 0600));
    const auto r2 = other.listen(file);
    ASSERT_FALSE(r2.ok());
    EXPECT_NE(r2.err().message.find("not a socket"), std::string::npos);
    EXPECT_FALSE(other.listen(std::string(200, 'x')).ok());
}

TEST(Client, AbsentDaemonNamesThePath) {
    const auto path = temp_dir() + "/nobody.sock";
    const auto c = cli_client::connect(path, 500);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.err().message.find(path), std::string::npos);
    EXPECT_NE(c.err().message.find("cannot reach mipgate"), std::string::npos);
}

TEST(Server, OtherThreadCallsRunOnThePollingThread) {
    cli_server s;
    std::atomic<std::thread::id> ran_on{};
    command_entry e;
    e.path = "show whoami";
    e.handler = [&](const invocation&) -> result<value> {
        ran_on = std::this_thread::get_id();
        return value("me");
    };
    s.add(e);
    std::thread::id poll_thread;
    {
        poller p(s);
        poll_thread = p.t.get_id();
        const auto r = s.call_from_other_thread({"show", "whoami"}, 2000);
        EXPECT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.result, value("me"));
        EXPECT_EQ(s.call_from_other_thread({"nope"}, 2000).code, "usage");
    }
    EXPECT_EQ(ran_on.load(), poll_thread);
    // Nobody polls: the caller gives up after its timeout instead of hanging.
    const auto r = s.call_from_other_thread({"help"}, 50);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("in time"), std::string::npos);
    // After close, callers are refused at once.
    s.close();
    EXPECT_FALSE(s.call_from_other_thread({"help"}, 5000).ok);
}
