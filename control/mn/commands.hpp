#pragma once
// mipgate-mn subcommands; each returns the process exit code (options.hpp).

#include "options.hpp"

#include <string>

namespace mipgate::mn {

/// CPS/CPA, path validation, signed RtSolPr, PrRtAdv check and HK decryption; prints the report.
/// Main thread; blocks on the link up to the timeout per phase.
int run_provision(const options& o);

/// Writes N signed RtSolPrs from M CGAs into a pcap. Main thread; file I/O; CPU-bound.
int run_pcap(const options& o);

/// Writes N FBUs (HAO = PCoA, Alternate CoA = NCoA, BADF with SPI 0) for M MNs, the key file
/// mipgate preloads (handover_keys.preload_file, mode 0600) and optionally UDP data to the PCoAs.
/// Main thread; file I/O; CPU-bound.
int run_fbu_pcap(const options& o);

/// JSON string literal (quotes, escapes). Any thread; allocates.
std::string json_str(const std::string& s);

} // namespace mipgate::mn
