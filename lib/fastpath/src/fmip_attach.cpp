#include "mipgate/fastpath/fmip_attach.hpp"

#include <memory>

namespace mipgate::fastpath {

result<void> attach_fmip(worker_ctx& w, const tables::key_table* keys,
                         const tables::binding_table* bindings) {
    if (keys != nullptr && w.badf == nullptr) {
        auto e = fmip::badf_engine::create(fmip::badf_default_backend);
        if (!e) {
            return e.err();
        }
        w.badf = std::make_unique<fmip::badf_engine>(std::move(e.value()));
    }
    w.keys = keys;
    w.bindings = bindings;
    return {};
}

} // namespace mipgate::fastpath
