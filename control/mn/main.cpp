// mipgate-mn: a SEND mobile node for operators and benchmarks (RFC 3971, RFC 5268, RFC 5269).

#include "commands.hpp"
#include "options.hpp"

#include <cstdio>

int main(int argc, char** argv) {
    using namespace mipgate::mn;
    auto o = parse_options(argc, argv);
    if (!o) {
        std::fprintf(stderr, "mipgate-mn: %s\n%s", o.err().message.c_str(), usage_text());
        return exit_usage;
    }
    if (o->command == "help") {
        std::fputs(usage_text(), stdout);
        return exit_ok;
    }
    if (o->command == "provision") {
        return run_provision(*o);
    }
    if (o->command == "fbu-pcap") {
        return run_fbu_pcap(*o);
    }
    return run_pcap(*o);
}
