#pragma once
// Private: IPsec-MB helpers shared by badf.cpp (precompute) and badf_mb.cpp (jobs).

// Without this the header #defines legacy names such as SHA1, which clash with OpenSSL's.
#ifndef NO_COMPAT_IMB_API_053
#define NO_COMPAT_IMB_API_053
#endif
#include <intel-ipsec-mb.h>

namespace mipgate::fmip::detail {

/// A manager for the stateless one-block hash helpers (IMB_SHA1_ONE_BLOCK, IMB_SHA256_ONE_BLOCK),
/// created on first use and kept for the process; nullptr if IPsec-MB cannot initialise.
/// Any thread (the function pointers it hands out keep no state); allocates once.
IMB_MGR* one_block_mgr() noexcept;

} // namespace mipgate::fmip::detail
