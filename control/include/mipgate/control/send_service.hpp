#pragma once
// The SEND slow path (design §2): RtSolPr → verify → key → signed PrRtAdv with Handover Key
// Reply (RFC 5269 §3.2), CPS → CPA (RFC 3971 §6.4.2), and signed answers to RS (RA) and to NS
// for the router's CGAs (NA), and periodic unsolicited signed RAs (RFC 4861 §6.2.4, RFC 3971 §7).
// The identity can be rotated at run time (rotate_identity): signing switches to the new key at
// once, and the old identity keeps answering for its own CGAs until its deadline (tick()).
//
// Threads:
//  - control lcore: submit() runs the cheap checks (lengths, Hop Limit 255, checksum, option
//    list, Handover Key Request, rate limits) and answers CPS itself (no RSA); RtSolPrs, RSs and
//    NSs that pass go to a signer thread chosen by a hash of the source address, so one peer's timestamp and
//    replay state stay on one thread. take_replies() hands finished frames back to it.
//  - signer threads (service_options::signer_threads, std::thread): SEND verification, replay
//    check, key get-or-create (key_service's mutex is the table's single writer), RSAES encryption,
//    the RSA signature. Bounded queues in and out: full → dropped and counted.
//  - with signer_threads == 0 the signer work runs inline in submit() (tests, single-core runs).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/control/key_service.hpp"
#include "mipgate/control/packet.hpp"
#include "mipgate/control/router_identity.hpp"
#include "mipgate/control/service_counters.hpp"
#include "mipgate/send/timestamp.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace mipgate::control {

struct service_options {
    unsigned signer_threads = 1;       ///< 0 = inline in submit()
    std::size_t signer_queue = 256;    ///< per signer thread
    std::size_t reply_queue = 1024;    ///< frames waiting for the control lcore
    double failure_reply_rate = 10;    ///< PrRtAdv without HK Reply per second (burst the same)
    std::size_t replay_cache = 1024;   ///< (source, nonce) entries per signer thread
    std::size_t max_rate_sources = 65536; ///< per-source buckets kept
    double nd_answer_rate = 100;       ///< signed RA/NA answers to RS/NS per second (burst the same)
    /// SEND clock (48.16 seconds since 1970) for timestamps; empty = send::send_time_now.
    std::function<send::send_time()> clock;
};

class send_service {
public:
    /// Builds the service over an identity and a key service (both must outlive it) and starts
    /// the signer threads. `ports` is indexed like cfg.ports. Control thread; allocates; spawns threads.
    static result<std::unique_ptr<send_service>> create(const config::config& cfg,
                                                        const router_identity& id, key_service& keys,
                                                        std::vector<port_info> ports,
                                                        service_options opts = {});
    /// The same over a shared identity (the service keeps it alive; rotate_identity replaces it).
    static result<std::unique_ptr<send_service>> create(const config::config& cfg,
                                                        std::shared_ptr<const router_identity> id,
                                                        key_service& keys, std::vector<port_info> ports,
                                                        service_options opts = {});
    ~send_service();
    send_service(const send_service&) = delete;
    send_service& operator=(const send_service&) = delete;

    /// One local ICMPv6 packet (`ip` = IPv6 header onwards) received on port index `port` from
    /// Ethernet source `src_mac`. The bytes are copied when queued. Control lcore only (not
    /// thread-safe against itself); allocates; never blocks (full queues drop and count).
    void submit(std::uint16_t port, const mac_addr& src_mac, bytes_view ip);

    /// Moves up to `max` finished frames into `out` (appended). Control lcore; never blocks.
    std::size_t take_replies(std::vector<tx_frame>& out, std::size_t max = SIZE_MAX);

    /// Removes handover keys whose lifetime ended (counted as keys_expired); returns how many.
    /// Control lcore; takes the key service's mutex; walks the whole table.
    std::uint32_t expire_keys(std::uint64_t now_s);

    /// Reload (issue 6): replaces the RtSolPr per-source and global buckets and the CPA bucket
    /// with ones at the new rates (they start full). Control lcore only (the buckets' owner).
    void set_rate_limits(const config::limits_cfg& lim);

    /// Waits until every queued RtSolPr has been handled (tests, shutdown). Control thread; blocks.
    void wait_idle();
    /// Stops and joins the signer threads; queued work is dropped. Idempotent. Control thread.
    void stop();

    /// Periodic duties at monotonic time `now_ns` (any fixed origin; tests pass a fake clock):
    /// queues the unsolicited RAs that are due — on every port with a router CGA, from the
    /// link-local CGA to ff02::1, CGA + Timestamp + RSA Signature and no Nonce (RFC 3971 §7),
    /// signed on a signer thread — each port's next one after a uniform random interval in
    /// [router.ra_interval_min_s, ra_interval_max_s], the first MAX_INITIAL_RTR_ADVERTISEMENTS (3)
    /// capped at MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) (RFC 4861 §6.2.4, §10); and retires rotated-out
    /// identities whose deadline passed (then calls the on_identity_retired callback).
    /// Returns the RAs queued. Control lcore only; allocates; never blocks.
    unsigned tick(std::uint64_t now_ns);

    /// Switches to `fresh` (from router_identity::load; must not be null): every message signed
    /// from now on uses its key and CGAs. The identity it replaces keeps answering NS for its own
    /// CGAs, CPS sent to them, and RtSolPr addressed to them, until monotonic time
    /// `old_until_ns` (tick() retires it then). A final RA with Router Lifetime 0 is sent from the
    /// old link-local CGA and the new one is advertised at the next tick (RFC 4861 §6.2.8).
    /// Control thread (the same one that calls tick); allocates; never blocks on the signers
    /// (each job loads the identity set once, atomically).
    void rotate_identity(std::shared_ptr<const router_identity> fresh, std::uint64_t old_until_ns);

    /// Called on the control lcore from tick() after a rotated-out identity was retired, so the
    /// app can remove its CGAs from the FIB. Control thread, before or between ticks.
    void on_identity_retired(std::function<void()> cb);

    /// Every CGA the service answers for: the current identity's, then those of identities
    /// still in their grace period. Any thread; allocates.
    std::vector<ipv6_addr> addresses() const;
    /// Identities still answering after a rotation (not counting the current one). Any thread.
    std::size_t retiring_identities() const;

    const service_counters& counters() const noexcept { return _counters; }
    key_service& keys() noexcept { return _keys; }
    /// The identity that signs now. Any thread; the pointer keeps it alive.
    std::shared_ptr<const router_identity> identity() const;

    struct impl;

private:
    explicit send_service(key_service& keys);
    key_service& _keys;
    service_counters _counters;
    std::unique_ptr<impl> _impl;
};

} // namespace mipgate::control
