#pragma once
// Control-socket framing (docs/cli.md, Protocol). Each message is a 4-byte big-endian length
// followed by that many bytes of UTF-8 JSON.
//   request:  {"argv": ["show", "key", "2001:db8::1"]}
//   response: {"ok": true, "result": <value>}
//             {"ok": false, "error": "<message, with the usage for bad arguments>",
//              "code": "usage" | "not_implemented" | "not_found" | "failed"}
// One response per request, in order. After `quit` the server closes the connection.

#include "mipgate/cli/value.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mipgate::cli {

inline constexpr std::size_t max_request_bytes = 64 * 1024;
inline constexpr std::size_t max_response_bytes = 64 * 1024 * 1024;

/// Length prefix + payload. Any thread; allocates.
std::string encode_frame(std::string_view payload);

/// Incremental decoder: feed bytes as they arrive, take whole payloads out.
class frame_decoder {
public:
    explicit frame_decoder(std::size_t max_payload) : _max(max_payload) {}
    /// Appends received bytes. Allocates.
    void feed(const char* data, std::size_t n) { _buf.append(data, n); }
    enum class status : std::uint8_t { need_more, frame, too_large };
    /// Takes the next whole payload into `out` if there is one.
    status next(std::string& out);
    std::size_t buffered() const noexcept { return _buf.size(); }

private:
    std::string _buf;
    std::size_t _max;
};

/// What the daemon answered.
struct response {
    bool ok = false;
    value result;
    std::string error;
    std::string code;
};

std::string encode_request(const std::vector<std::string>& argv);
/// Parses a request payload into argv; an error for anything else. Any thread.
result<std::vector<std::string>> decode_request(std::string_view payload);
std::string encode_response(const response& r);
result<response> decode_response(std::string_view payload);
/// The response for a command outcome (error codes mapped to "code"). Any thread; allocates.
response make_response(const result<value>& r);

} // namespace mipgate::cli
