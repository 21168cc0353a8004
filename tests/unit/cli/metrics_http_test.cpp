// The metrics HTTP endpoint: GET /metrics answers the exposition text, other paths 404, bad
// addresses are refused; served by a polling thread standing in for the control lcore.

#include "mipgate/cli/metrics_http.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace mipgate::cli;

namespace {

std::string http_get(std::uint16_t port, const std::string& request) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        close(fd);
        return "<connect failed>";
    }
    send(fd, request.data(), request.size(), 0);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
        out.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    return out;
}

} // namespace

TEST(MetricsHttp, ServesMetricsAnd404) {
    std::atomic<int> renders{0};
    metrics_http h([&] {
        ++renders;
        return std::string("# HELP x_total h\n# TYPE x_total counter\nx_total 3\n");
    });
    ASSERT_TRUE(h.listen("127.0.0.1:0").ok());
    ASSERT_NE(h.port(), 0);
    std::atomic<bool> stop{false};
    std::thread t([&] {
        while (!stop) {
            if (h.poll() == 0) {
                usleep(200);
            }
        }
    });
    const auto r = http_get(h.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r404 = http_get(h.port(), "GET / HTTP/1.0\r\n\r\n");
    const auto r405 = http_get(h.port(), "POST /metrics HTTP/1.0\r\n\r\n");
    stop = true;
    t.join();
    EXPECT_TRUE(r.starts_with("HTTP/1.0 200 OK\r\n")) << r;
    EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
    const std::string body = "# HELP x_total h\n# TYPE x_total counter\nx_total 3\n";
    EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos)
        << r;
    EXPECT_TRUE(r.ends_with("\r\n\r\n# HELP x_total h\n# TYPE x_total counter\nx_total 3\n"));
    EXPECT_TRUE(r404.starts_with("HTTP/1.0 404")) << r404;
    EXPECT_TRUE(r405.starts_with("HTTP/1.0 405")) << r405;
    EXPECT_EQ(renders.load(), 1);
}

TEST(MetricsHttp, RefusesBadAddresses) {
    metrics_http h([] { return std::string(); });
    EXPECT_FALSE(h.listen("localhost").ok());
    EXPECT_FALSE(h.listen("localhost:9464").ok()) << "numeric addresses only";
    EXPECT_FALSE(h.listen(":9464").ok());
    EXPECT_FALSE(h.listen("127.0.0.1:").ok());
    EXPECT_FALSE(h.listen("300.1.1.1:80").ok());
    metrics_http v6([] { return std::string(); });
    EXPECT_TRUE(v6.listen("[::1]:0").ok());
    EXPECT_EQ(h.poll(), 0u);
}
