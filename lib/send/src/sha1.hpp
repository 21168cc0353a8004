#pragma once
// Private SHA-1 helper over OpenSSL EVP (RFC 3972 Hash1/Hash2, RFC 3971 Key Hash).

#include "mipgate/common/bytes.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>

namespace mipgate::send::detail {

using sha1_digest = std::array<std::uint8_t, 20>;

/// SHA-1 over the concatenation of `parts`. Any thread; allocates an EVP_MD_CTX; false on
/// library failure.
bool sha1(std::initializer_list<bytes_view> parts, sha1_digest& out) noexcept;

} // namespace mipgate::send::detail
