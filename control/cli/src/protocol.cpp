#include "mipgate/cli/protocol.hpp"

#include <cerrno>

namespace mipgate::cli {

std::string encode_frame(std::string_view payload) {
    std::string out;
    const auto n = static_cast<std::uint32_t>(payload.size());
    out += static_cast<char>((n >> 24) & 0xFF);
    out += static_cast<char>((n >> 16) & 0xFF);
    out += static_cast<char>((n >> 8) & 0xFF);
    out += static_cast<char>(n & 0xFF);
    out.append(payload);
    return out;
}

frame_decoder::status frame_decoder::next(std::string& out) {
    if (_buf.size() < 4) {
        return status::need_more;
    }
    const auto* b = reinterpret_cast<const unsigned char*>(_buf.data());
    const std::size_t n =
        (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3];
    if (n > _max) {
        return status::too_large;
    }
    if (_buf.size() < 4 + n) {
        return status::need_more;
    }
    out.assign(_buf, 4, n);
    _buf.erase(0, 4 + n);
    return status::frame;
}

std::string encode_request(const std::vector<std::string>& argv) {
    value a = array{};
    for (const auto& w : argv) {
        a.push(w);
    }
    value v;
    v.set("argv", std::move(a));
    return to_json(v);
}

result<std::vector<std::string>> decode_request(std::string_view payload) {
    auto v = parse_json(payload);
    if (!v) {
        return v.err();
    }
    const value* a = v->find("argv");
    if (a == nullptr || !a->is_array()) {
        return make_error(EINVAL, "request: no \"argv\" array");
    }
    std::vector<std::string> out;
    for (const auto& e : a->as_array()) {
        if (!e.is_string()) {
            return make_error(EINVAL, "request: \"argv\" holds a non-string");
        }
        out.push_back(e.as_string());
    }
    return out;
}

std::string encode_response(const response& r) {
    value v;
    v.set("ok", r.ok);
    if (r.ok) {
        v.set("result", r.result);
    } else {
        v.set("error", r.error);
        v.set("code", r.code);
    }
    return to_json(v);
}

result<response> decode_response(std::string_view payload) {
    auto v = parse_json(payload);
    if (!v) {
        return v.err();
    }
    const value* ok = v->find("ok");
    if (ok == nullptr || !ok->is_bool()) {
        return make_error(EINVAL, "response: no \"ok\"");
    }
    response r;
    r.ok = ok->as_bool();
    if (const value* res = v->find("result")) {
        r.result = *res;
    }
    if (const value* e = v->find("error"); e != nullptr && e->is_string()) {
        r.error = e->as_string();
    }
    if (const value* c = v->find("code"); c != nullptr && c->is_string()) {
        r.code = c->as_string();
    }
    return r;
}

response make_response(const result<value>& r) {
    response out;
    if (r) {
        out.ok = true;
        out.result = r.value();
        return out;
    }
    out.error = r.err().message;
    switch (r.err().code) {
    case EINVAL:
        out.code = "usage";
        break;
    case ENOSYS:
        out.code = "not_implemented";
        break;
    case ENOENT:
        out.code = "not_found";
        break;
    default:
        out.code = "failed";
        break;
    }
    return out;
}

} // namespace mipgate::cli
