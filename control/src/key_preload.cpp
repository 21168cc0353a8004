#include "mipgate/control/key_preload.hpp"

#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/key_file.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mipgate::control {

namespace {

error fail(const std::string& path, unsigned line, const std::string& reason) {
    return make_error(EINVAL, path + (line != 0 ? ":" + std::to_string(line) : std::string()) + ": " + reason);
}

/// The whole file, read through one descriptor so the mode check and the read see the same file.
result<std::string> read_private_file(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return fail(path, 0, std::strerror(errno));
    }
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(path, 0, "not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        return fail(path, 0, "holds secret keys but is accessible to group or others (chmod 600)");
    }
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = read(fd, text.data() + got, text.size() - got);
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    close(fd);
    text.resize(got);
    return text;
}

} // namespace

result<std::uint32_t> preload_keys(const std::string& path, const config::handover_key_policy& policy,
                                   tables::key_table& table) {
    auto text = read_private_file(path);
    if (!text) {
        return text.err();
    }
    auto parsed = fmip::parse_key_file(text.value());
    OPENSSL_cleanse(text.value().data(), text.value().size());
    if (!parsed.errors.empty()) {
        const auto& e = parsed.errors.front();
        std::string more = parsed.errors.size() > 1
                               ? " (and " + std::to_string(parsed.errors.size() - 1) + " more error(s))"
                               : std::string();
        return fail(path, e.line, e.reason + more);
    }
    if (parsed.entries.size() > table.capacity() - table.size()) {
        return fail(path, 0,
                    std::to_string(parsed.entries.size()) + " keys do not fit the key table (" +
                        std::to_string(table.capacity() - table.size()) + " free; raise handover_keys.capacity)");
    }
    // Precompute every HMAC state first, so a failure leaves the table untouched.
    const std::uint64_t now = tables::now_s();
    std::vector<std::unique_ptr<tables::key_record>> recs;
    recs.reserve(parsed.entries.size());
    for (auto& e : parsed.entries) {
        if (table.find(e.cga) != nullptr) {
            return fail(path, e.line, "CGA " + e.cga.to_string() + " already has a key");
        }
        auto mac = fmip::badf_key::create(e.at, e.key.view());
        if (!mac) {
            return fail(path, e.line, "HMAC precompute failed: " + mac.err().message);
        }
        const std::uint32_t life = e.lifetime_s.value_or(policy.lifetime_s);
        recs.push_back(std::make_unique<tables::key_record>(e.cga, now, now + life, std::move(e.key),
                                                            std::move(mac.value())));
    }
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < recs.size(); ++i) {
        if (table.insert(std::move(recs[i])) != tables::key_table::insert_status::inserted) {
            for (std::size_t j = 0; j < i; ++j) { // all or nothing
                table.erase(parsed.entries[j].cga);
            }
            return fail(path, parsed.entries[i].line, "key table refused the key");
        }
        ++n;
    }
    return n;
}

} // namespace mipgate::control
