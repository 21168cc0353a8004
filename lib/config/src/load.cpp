#include "mipgate/config/load.hpp"

#include "files.hpp"
#include "schema.hpp"
#include "validate.hpp"
#include "yaml_parse.hpp"
#include "yaml_walk.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

namespace mipgate::config {

namespace {

/// Largest config file accepted: far above any real config, small enough to refuse junk fast.
constexpr std::size_t max_file_bytes = 16u << 20;

diagnostic whole_file(std::string file, int line, int col, std::string key, std::string reason) {
    return diagnostic{std::move(file), line, col, std::move(key), std::move(reason)};
}

load_result load_checked(std::string_view yaml, const std::string& name) {
    load_result r;
    diagnostic err;
    auto root = detail::parse_single_document(yaml, name, err);
    if (!root) {
        r.errors.push_back(std::move(err));
        return r;
    }
    detail::walker w(name);
    config c;
    c.source = name;
    if (!root->IsMap()) {
        detail::pos p = detail::pos_of(*root);
        r.errors.push_back(whole_file(name, p.line, p.col, "document",
                                      "expected a mapping of sections (system, ports, ...), got " +
                                          detail::kind_name(*root)));
        return r;
    }
    detail::read_document(w, *root, detail::base_dir_of(name), c);
    detail::validate(w, c, r.warnings);
    r.errors = w.take_sorted();
    if (r.errors.empty()) {
        r.cfg = std::move(c);
    } else {
        r.warnings.clear();
    }
    return r;
}

} // namespace

load_result load_string(std::string_view yaml, std::string_view name) {
    std::string file(name);
    // yaml-cpp throws from its parser and node accessors; nothing may leave the loader.
    try {
        return load_checked(yaml, file);
    } catch (const std::bad_alloc&) {
        load_result r;
        r.errors.push_back(whole_file(file, 0, 0, "document", "out of memory while loading"));
        return r;
    } catch (const std::exception& e) {
        load_result r;
        r.errors.push_back(whole_file(file, 0, 0, "document", std::string("internal error: ") + e.what()));
        return r;
    } catch (...) {
        load_result r;
        r.errors.push_back(whole_file(file, 0, 0, "document", "internal error"));
        return r;
    }
}

load_result load_file(const std::string& path) {
    load_result r;
    try {
        std::FILE* f = std::fopen(path.c_str(), "rbe");
        if (f == nullptr) {
            r.errors.push_back(whole_file(path, 0, 0, path, std::string("cannot read: ") + std::strerror(errno)));
            return r;
        }
        std::string text;
        char buf[8192];
        std::size_t got = 0;
        while ((got = std::fread(buf, 1, sizeof(buf), f)) > 0 && text.size() <= max_file_bytes) {
            text.append(buf, got);
        }
        int err = std::ferror(f) != 0 ? errno : 0;
        std::fclose(f);
        if (err != 0) {
            r.errors.push_back(whole_file(path, 0, 0, path, std::string("cannot read: ") + std::strerror(err)));
            return r;
        }
        if (text.size() > max_file_bytes) {
            r.errors.push_back(whole_file(path, 0, 0, path,
                                          "cannot read: larger than " + std::to_string(max_file_bytes) + " bytes"));
            return r;
        }
        return load_string(text, path);
    } catch (...) {
        r.errors.push_back(whole_file(path, 0, 0, path, "cannot read: out of memory"));
        return r;
    }
}

} // namespace mipgate::config
