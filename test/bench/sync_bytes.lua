-- Bytes on the wire for terminal sync: a page open (the chunked snapshot), one single-key change
-- (a coalesced delta), and what resending the whole view for that change would cost, at 100,
-- 1,000 and 10,000 distinct keys. Sizes are the simulated LuaCs message sizes (payload bits
-- rounded up to bytes plus the 4-byte LuaCs header, test/sim/net.lua).
--
-- Run on its own from the project root after `npm run build` (or `npx tstl -p tsconfig.modules.json`):
--   lua5.2 test/bench/sync_bytes.lua
-- Prints a table on stdout; `require("bench.sync_bytes").measure(n)` returns the numbers.
package.path = "lua/modules/?.lua;test/?.lua;" .. package.path
local K = require("kits.sync")

local M = {}

function M.measure(keys)
    local kit = K.new({ databases = { "main" }, terminals = { [1] = "main" } })
    local tx = kit.store:transaction("main", "bench")
    for i = 1, keys do tx:insertCount(string.format("item%05d#0", i), 1 + i % 50) end
    assert(tx:commit().ok)
    local client = kit:join(1)
    client:open(1)
    kit.bytes, kit.messages = 0, 0
    kit:deliver() -- the subscribe reaches the server, which answers with the snapshot
    local openBytes, openMessages = kit.bytes, kit.messages
    local largest = 0
    for _, e in ipairs(kit.down) do largest = math.max(largest, e.msg.bytes) end
    kit:deliver()
    assert(client:info(1).state == "live")
    kit.bytes, kit.messages = 0, 0
    assert(kit.store:transaction("main", "bench"):insertCount(string.format("item%05d#0", math.floor(keys / 2)), 3):commit().ok)
    kit:step(0.3)
    local deltaBytes, deltaMessages = kit.bytes, kit.messages
    -- the same change sent as a resend of the whole view = another snapshot
    return {
        keys = keys,
        open = openBytes, openMessages = openMessages, largest = largest,
        delta = deltaBytes, deltaMessages = deltaMessages,
        resend = openBytes, ratio = openBytes / math.max(1, deltaBytes),
    }
end

local function main()
    print(string.format("%8s %14s %10s %12s %12s %14s %10s", "keys", "open bytes", "messages", "largest msg", "delta bytes", "full resend", "resend/delta"))
    for _, n in ipairs({ 100, 1000, 10000 }) do
        local r = M.measure(n)
        print(string.format("%8d %14d %10d %12d %12d %14d %10.0f", r.keys, r.open, r.openMessages, r.largest, r.delta, r.resend, r.ratio))
    end
end

if ... == nil or ... == "test/bench/sync_bytes.lua" then main() end
return M
