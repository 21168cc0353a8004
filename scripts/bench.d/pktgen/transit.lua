-- mipgate line-rate kit: transit IPv6 scenario for pktgen-dpdk (docs/benchmarking.md).
--
-- Replays the pcap given with `-s 0:transit.pcap` (written by scripts/traffic) on port 0 towards
-- mipgate's ingress port, and counts on port 1 what mipgate forwarded out of its egress port.
-- Prints one line per measurement window and a summary; quits pktgen at the end.
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
local rates = {}
for r in string.gmatch(os.getenv("MIPGATE_TRAFFIC_RATES") or "100", "[^,]+") do
    rates[#rates + 1] = tonumber(r)
end

local txn, rxn = tonumber(tx), tonumber(rx)

pktgen.screen("off")
pktgen.pcap(tx, "on")            -- send the pcap's frames, in order, in a loop
pktgen.set(tx, "count", 0)       -- forever, until stopped

printf("mipgate transit: tx port %s, rx port %s, %d s per step\n", tx, rx, seconds)
printf("%8s %12s %12s %12s %10s %10s\n", "rate%", "tx Mpps", "rx Mpps", "rx/tx", "rx_miss", "rx_err")
for _, rate in ipairs(rates) do
    pktgen.set(tx, "rate", rate)
    pktgen.clr()
    pktgen.start(tx)
    pktgen.delay(2000)                           -- warm-up: links, caches, mipgate's neighbours
    local a = pktgen.portStats("all", "port")
    pktgen.delay(seconds * 1000)
    local b = pktgen.portStats("all", "port")
    pktgen.stop(tx)
    pktgen.delay(500)
    local sent = (b[txn].opackets - a[txn].opackets) / seconds
    local got = (b[rxn].ipackets - a[rxn].ipackets) / seconds
    local miss = (b[rxn].imissed or 0) - (a[rxn].imissed or 0)
    local err = (b[rxn].ierrors or 0) - (a[rxn].ierrors or 0)
    printf("%8d %12.3f %12.3f %12.4f %10d %10d\n", rate, sent / 1e6, got / 1e6,
           sent > 0 and got / sent or 0, miss, err)
end
pktgen.quit()
