#include "files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace mipgate::config::detail {

namespace fs = std::filesystem;

std::string base_dir_of(std::string_view config_name) {
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (ec) {
        cwd = "/";
    }
    if (config_name.empty() || config_name.front() == '<') {
        return cwd.string();
    }
    fs::path dir = fs::path(std::string(config_name)).parent_path();
    if (dir.empty()) {
        return cwd.string();
    }
    return (dir.is_absolute() ? dir : cwd / dir).lexically_normal().string();
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
    fs::path p(path);
    if (!p.is_absolute()) {
        p = fs::path(base_dir) / p;
    }
    return p.lexically_normal().string();
}

std::optional<std::string> check_readable(const std::string& abs_path) {
    int fd = ::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return std::string(std::strerror(errno));
    }
    struct stat st {};
    int rc = ::fstat(fd, &st);
    int saved = errno;
    ::close(fd);
    if (rc != 0) {
        return std::string(std::strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        return std::string(S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    }
    return std::nullopt;
}

} // namespace mipgate::config::detail
