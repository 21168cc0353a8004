#pragma once
// Router key and certificate rotation without a restart (issue 6 item 6): on
// `mipgatectl rotate-identity`, or on reload when router.* changed, the new key and chain are
// loaded and validated (router_identity::load: path to a trust anchor, RFC 3779 blocks), the new
// CGAs are formed and added to the FIB (forwarding-table swap), signing switches to the new key
// (send_service::rotate_identity), and the old identity keeps answering for its old CGAs until
// router.rotation_grace_s (0: its certificate's notAfter); then its CGAs leave the FIB (another
// swap, from send_service::tick through on_identity_retired).

#include "tables_swap.hpp"

#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/control/router_identity.hpp"
#include "mipgate/control/send_service.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace mipgate::app {

/// What rotation touches. Every pointer outlives the context; control lcore only.
struct rotation_context {
    forwarding_state* fwd = nullptr;
    control::send_service* send = nullptr;
    /// The app's current identity (banner, summary): replaced on success.
    std::shared_ptr<const control::router_identity>* identity = nullptr;
    /// The configuration the tables are built from (routes, neighbors, port addresses).
    const config::config* running = nullptr;
};

struct rotation_result {
    bool rotated = false;         ///< false: the files hold the identity already in use
    std::string router;           ///< the (new) link-local CGA
    std::string previous;         ///< the link-local CGA it replaced
    std::size_t addresses = 0;    ///< CGAs answered now (new + retiring)
    std::int64_t retiring_until = 0; ///< seconds since 1970 when the old CGAs go
};

/// Loads the identity `router` names (with `running`'s ports for the CGAs), and if it differs
/// from the current one: swaps the forwarding tables to hold the new and the old CGAs, switches
/// the SEND service to it and schedules the old identity's retirement. On any error nothing
/// changed. Control lcore; allocates; blocks on file I/O, the Hash2 search (Sec 1: milliseconds)
/// and one worker pass (the swap).
result<rotation_result> rotate_identity(rotation_context& ctx, const config::router_identity& router);

/// Makes the SEND service's retirement of an old identity remove its CGAs from the FIB (a swap
/// with send_service::addresses()). Control thread at start-up.
void install_retirement_swap(rotation_context& ctx);

} // namespace mipgate::app
