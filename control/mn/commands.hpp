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

/// JSON string literal (quotes, escapes). Any thread; allocates.
std::string json_str(const std::string& s);

} // namespace mipgate::mn
