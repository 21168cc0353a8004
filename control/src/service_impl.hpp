#pragma once
// Private state of send_service, shared by its source files (dispatch, RtSolPr, CPS, builders).

#include "mipgate/control/rate_limit.hpp"
#include "mipgate/control/replay_cache.hpp"
#include "mipgate/control/send_service.hpp"
#include "mipgate/send/verify.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace mipgate::control {

/// What a signer job is: a received packet to answer, or an unsolicited RA to sign.
enum class job_kind : std::uint8_t { packet, unsolicited_ra };

/// One job for a signer: a received packet (RtSolPr, RS, NS) copied out of its mbuf, or an
/// unsolicited RA for `port` (ip empty).
struct job {
    std::uint16_t port = 0;
    mac_addr src_mac;
    std::vector<std::uint8_t> ip;
    job_kind kind = job_kind::packet;
    std::uint16_t router_lifetime = 1800;          ///< unsolicited RA
    std::shared_ptr<const router_identity> as;     ///< unsolicited RA: sign as this (null = current)

    /// A received packet's job (`ip` copied).
    static job packet(std::uint16_t port, const mac_addr& src_mac, bytes_view ip) {
        job j;
        j.port = port;
        j.src_mac = src_mac;
        j.ip.assign(ip.begin(), ip.end());
        return j;
    }
};

/// The identities the service answers for: the current one signs everything new; rotated-out
/// ones still answer for their own CGAs until retired. Immutable; replaced as a whole (RCU by
/// shared_ptr: a signer loads it once per job).
struct identity_set {
    std::shared_ptr<const router_identity> current;
    std::vector<std::shared_ptr<const router_identity>> retiring; ///< newest first

    struct hit {
        const router_identity* id = nullptr;
        const router_address* addr = nullptr;
    };
    /// The identity and entry holding CGA `a` (current first). Any thread; no allocation.
    hit find(const ipv6_addr& a) const noexcept;
    /// The identity that should answer a message sent to `dst`: the owner of `dst` (or of the
    /// solicited-node group `dst`), else the current one. Any thread; no allocation.
    const router_identity& for_destination(const ipv6_addr& dst) const noexcept;
};

/// A signer thread and the SEND state it owns (one peer's state lives on one thread).
struct signer_state {
    signer_state(const send::send_policy& policy, const config::limits_cfg& lim, std::size_t replay_entries);

    send::timestamp_cache timestamps;
    send::send_verifier verifier;
    replay_cache replays;

    std::thread thread;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<job> queue;
    bool stopping = false;
};

/// A configured neighbour router with its AP identifier decoded.
struct nar_entry {
    std::vector<std::uint8_t> ap_id;
    config::neighbor_router cfg;
};

/// The Handover Key Reply to put in a PrRtAdv.
struct hk_reply_fields {
    unsigned at = 0;
    std::uint16_t lifetime = 0;
    bytes_view encrypted_key;
};

struct send_service::impl {
    impl(const config::config& c, std::shared_ptr<const router_identity> id_, key_service& keys_,
         service_counters& ctr, std::vector<port_info> ports_, service_options o);

    std::atomic<std::shared_ptr<const identity_set>> ids;
    key_service& keys;
    service_counters& counters;
    config::limits_cfg limits;
    service_options opts;
    std::vector<port_info> ports;
    std::vector<nar_entry> nars;
    std::vector<std::vector<ipv6_prefix>> port_prefixes; ///< config ports[i].addresses (for RA)
    send::send_policy policy;

    // Control lcore only.
    source_limiter per_source;
    token_bucket global;
    token_bucket cpa;
    std::mutex nd_mu;
    token_bucket nd_answers;

    // Shared between signers.
    std::mutex fail_mu;
    token_bucket fail_replies;
    std::mutex reply_mu;
    std::deque<tx_frame> replies;
    std::atomic<std::size_t> in_flight{0};
    std::mutex idle_mu;
    std::condition_variable idle_cv;

    std::vector<std::unique_ptr<signer_state>> signers;

    // Unsolicited RAs and identity retirement (control lcore only).
    struct ra_timer {
        bool armed = false;
        std::uint64_t next_ns = 0;
        unsigned initial_left = 0;   ///< of MAX_INITIAL_RTR_ADVERTISEMENTS
    };
    std::vector<ra_timer> ra_timers;   ///< per port
    std::uint64_t ra_min_ms = 200000;
    std::uint64_t ra_max_ms = 600000;
    std::mt19937_64 rng;
    bool restart_ra = true;            ///< (re)arm every port's timer at the next tick
    bool ra_now = false;               ///< …with the first RA at once (after a rotation)
    struct retiring_entry {
        const router_identity* id;
        std::uint64_t until_ns;
    };
    std::vector<retiring_entry> retire_at;
    std::function<void()> on_retired;

    std::shared_ptr<const identity_set> identities() const { return ids.load(std::memory_order_acquire); }
    /// Ports that carry a CGA of `id` (a global one: the link-local CGA is on every port).
    std::vector<bool> ra_ports(const router_identity& id) const;
    std::uint64_t ra_interval_ns(bool initial);

    send::send_time now() const { return opts.clock ? opts.clock() : send::send_time_now(); }

    // dispatch (control lcore)
    void on_rtsolpr(std::uint16_t port, const mac_addr& src_mac, const wire::ipv6_view& v, bytes_view ip);
    void on_cps(std::uint16_t port, const mac_addr& src_mac, const wire::ipv6_view& v, bytes_view ip);
    void on_nd(std::uint16_t port, const mac_addr& src_mac, const wire::ipv6_view& v, bytes_view ip);
    /// Hands a job to the signer owning its source (or runs it inline). Control lcore.
    void dispatch(job&& j, const ipv6_addr& src);
    // signer side
    void run_signer(signer_state& s);
    void handle_job(signer_state& s, const job& j);
    void handle_rtsolpr(signer_state& s, const job& j);
    void handle_nd(signer_state& s, const job& j);
    void handle_unsolicited_ra(const job& j);
    void fail_reply(const job& j, const wire::ipv6_view& v, bytes_view icmp, const wire::nd_option_list& opts,
                    bytes_view nonce);
    void finished_job();
    /// Records the MN's link-layer address with its key (key_service::note_link_layer).
    void note_mn_link_layer(const ipv6_addr& cga, const mac_addr& eth_src, const wire::nd_option_list& opts);
    // builders (reply_build.cpp)
    /// `as` signs (its link-local CGA is the source).
    std::optional<tx_frame> build_prrtadv(const job& j, const router_identity& as, const ipv6_addr& dst,
                                          std::uint16_t identifier, const wire::nd_option_list& rtsolpr_opts,
                                          const hk_reply_fields* hk, bytes_view nonce);
    std::optional<tx_frame> build_ra(const job& j, const router_identity& as, const ipv6_addr& dst,
                                     const mac_addr& eth_dst, bytes_view nonce, std::uint16_t router_lifetime = 1800);
    std::optional<tx_frame> build_na(const job& j, const router_identity& as, const router_address& target,
                                     const ipv6_addr& dst, const mac_addr& eth_dst, bool solicited, bytes_view nonce);
    /// Appends CGA (of `me`), Timestamp, Nonce (when given) and the RSA Signature (by `as`, which
    /// owns `me`) to the ICMPv6 message of `len` bytes in `buf` (at the reply offset), then IPv6
    /// (src `me`) and Ethernet.
    std::optional<tx_frame> sign_and_wrap(std::vector<std::uint8_t>&& buf, std::size_t len, std::uint16_t port,
                                          const mac_addr& eth_dst, const router_identity& as,
                                          const router_address& me, const ipv6_addr& dst, bytes_view nonce);
    std::optional<tx_frame> build_cpa(std::uint16_t port, const router_identity& as, const ipv6_addr& dst,
                                      std::uint16_t identifier, std::uint16_t all, std::uint16_t component,
                                      bytes_view cert);
    /// Queues a finished frame for the control lcore (reply_queue_full when full). Any service thread.
    bool emit(tx_frame&& f);
};

/// Options before the first RSA Signature option: SEND ignores the rest (RFC 3971 §5.2.2).
wire::nd_option_list signed_part(const wire::nd_option_list& all) noexcept;
/// The first Nonce option's nonce, or empty.
bytes_view nonce_of(const wire::nd_option_list& opts) noexcept;

/// Parses "aa:bb:cc" (1..32 hex octets). Empty on error.
std::vector<std::uint8_t> parse_ap_id(const std::string& text);

} // namespace mipgate::control
