#pragma once
// Burst verification of BADF authenticators (design §2: the FBU MAC is verified on the worker).
// A badf_engine is per-worker state (house style 5): created once at start-up and owned by the
// worker, never per packet. The default backend is the one measured faster for a 32-message
// burst of FBU size (docs/crypto-choices.md).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/fmip/badf.hpp"

#include <cstddef>
#include <memory>
#include <span>

struct IMB_MGR; // Intel IPsec-MB manager, kept out of this header

namespace mipgate::fmip {

enum class badf_backend : unsigned char {
    ipsec_mb, ///< Intel IPsec-MB multi-buffer HMAC jobs (lanes filled from one burst)
    openssl,  ///< badf_key::verify per message (copied OpenSSL SHA contexts)
    hybrid,   ///< per chunk and AT: IPsec-MB when enough messages share the AT, else OpenSSL
};

/// Measured default (docs/crypto-choices.md, `bench_fmip`): multi-buffer lanes pay off only when
/// several messages of one AT are in the burst; a lone FBU is faster on the OpenSSL path.
inline constexpr badf_backend badf_default_backend = badf_backend::hybrid;

/// hybrid: fewest messages of one AT in a chunk for which IPsec-MB beats per-message OpenSSL
/// (measured crossover with init_mb_mgr_auto on AVX-512 + SHA-NI; docs/crypto-choices.md).
inline constexpr std::size_t badf_hybrid_min_sha1 = 8;
inline constexpr std::size_t badf_hybrid_min_sha256 = 16;

/// Messages handed to IPsec-MB before a flush; larger bursts are processed in chunks of this.
inline constexpr std::size_t badf_burst_chunk = 32;

/// One authenticator to check. Views point into the packet; nothing is written to them.
struct badf_job {
    const badf_key* key = nullptr; ///< nullptr → the job fails
    ipv6_addr ncoa{};              ///< Alternate CoA, else IPv6 source (design §4)
    ipv6_addr par{};               ///< FBU destination (PAR address)
    bytes_view mh;                 ///< Mobility Header, at least auth_offset bytes
    std::size_t auth_offset = 0;   ///< first authenticator byte in mh
    bytes_view authenticator;      ///< received authenticator, must be key->auth_len() bytes
};

/// Per-worker BADF verifier holding the IPsec-MB manager and bounded scratch buffers.
class badf_engine {
public:
    /// Creates the engine (unless `backend` is openssl: an IPsec-MB manager via alloc_mb_mgr(0) +
    /// init_mb_mgr_auto; scratch for badf_burst_chunk messages of up to badf_max_mh_len bytes).
    /// Control thread at start-up; allocates about 70 KiB; never blocks.
    static result<badf_engine> create(badf_backend backend = badf_default_backend);

    badf_engine(badf_engine&&) noexcept;
    badf_engine& operator=(badf_engine&&) noexcept;
    ~badf_engine();

    /// The backend chosen at creation. Any thread; no allocation; never blocks.
    badf_backend backend() const noexcept { return _backend; }

    /// Sets ok[i] for each jobs[i] (i < min(jobs.size(), ok.size())): true when the job has a key,
    /// good geometry (badf_geometry_ok), an authenticator of the key's length, and that
    /// authenticator matches (constant-time compare). Returns the number of true entries.
    /// Mixed ATs and keys in one burst are fine. The owning worker only (not thread-safe);
    /// no allocation; never blocks.
    std::size_t verify_burst(std::span<const badf_job> jobs, std::span<bool> ok) noexcept;

private:
    struct scratch;
    badf_engine(badf_backend b, std::unique_ptr<scratch> s) noexcept;
    std::size_t verify_chunk(std::span<const badf_job> jobs, std::span<bool> ok) noexcept;

    std::unique_ptr<scratch> _s;
    badf_backend _backend = badf_default_backend;
};

} // namespace mipgate::fmip
