-- mipgate line-rate kit: FMIPv6 PAR scenarios for pktgen-dpdk (docs/benchmarking.md).
--
-- Phase 1 replays fbu.pcap (`-s 0:fbu.pcap`, written by `mipgate-mn fbu-pcap`, keys preloaded in
-- mipgate with handover_keys.preload_file) on port 0 for the measurement window: the FBU verify
-- rate is read on mipgate (`mipgatectl show counters`: fbu_verified, fbu_bad_mac, control_ring_full
-- — verified FBUs beyond the control plane's appetite are shed at the ring, after verification),
-- pktgen only reports what it offered. Phase 2 (MIPGATE_TRAFFIC_DATA=1, pktgen started with
-- `-s 0:pcoa-data.pcap` instead) replays the data to the PCoAs and counts on port 1 what mipgate
-- tunnelled towards the NCoAs (IPv6-in-IPv6; confirm on the far port with tshark that the outer
-- destination is the NCoA).
--
-- Environment (read by the Lua interpreter inside pktgen):
--   MIPGATE_TRAFFIC_SECONDS  measurement window per step (default 10)
--   MIPGATE_TRAFFIC_RATES    comma-separated TX rates in % of line rate (default "100")
--   MIPGATE_TRAFFIC_TX / _RX pktgen port numbers (default 0 / 1)
--
-- Written against pktgen-dpdk's Lua API (pktgen.set, pktgen.pcap, pktgen.start, pktgen.portStats);
-- check `pktgen.help()` on your pktgen version. Not exercised in CI: pktgen is not in Debian.

package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local tx = os.getenv("MIPGATE_TRAFFIC_TX") or "0"
local rx = os.getenv("MIPGATE_TRAFFIC_RX") or "1"
local seconds = tonumber(os.getenv("MIPGATE_TRAFFIC_SECONDS") or "10")
local data = os.getenv("MIPGATE_TRAFFIC_DATA") == "1"
local rates = {}
for r in string.gmatch(os.getenv("MIPGATE_TRAFFIC_RATES") or "100", "[^,]+") do
    rates[#rates + 1] = tonumber(r)
end
local txn, rxn = tonumber(tx), tonumber(rx)

pktgen.screen("off")
pktgen.pcap(tx, "on")
pktgen.set(tx, "count", 0)

printf("mipgate %s: tx port %s, rx port %s, %d s per step\n", data and "pcoa-data (tunnel)" or "fbu (verify)",
       tx, rx, seconds)
printf("%8s %12s %12s %12s\n", "rate%", "tx Mpps", "rx Mpps", "rx/tx")
for _, rate in ipairs(rates) do
    pktgen.set(tx, "rate", rate)
    pktgen.clr()
    pktgen.start(tx)
    pktgen.delay(2000)
    local a = pktgen.portStats("all", "port")
    pktgen.delay(seconds * 1000)
    local b = pktgen.portStats("all", "port")
    pktgen.stop(tx)
    pktgen.delay(500)
    local sent = (b[txn].opackets - a[txn].opackets) / seconds
    local got = (b[rxn].ipackets - a[rxn].ipackets) / seconds
    printf("%8d %12.3f %12.3f %12.4f\n", rate, sent / 1e6, got / 1e6, sent > 0 and got / sent or 0)
    if not data then
        printf("         read fbu_verified / fbu_bad_mac on mipgate for this window (mipgatectl show counters)\n")
    end
end
pktgen.quit()
