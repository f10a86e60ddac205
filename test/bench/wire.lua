-- Bytes on the wire for terminal sync (bench.sync_bytes): the page open a client receives (the
-- chunked snapshot of the whole view), one single-key change (a coalesced delta), and what
-- resending the whole view for that change would cost, at 100, 1,000 and 10,000 keys. Sizes,
-- not times: the same on every machine and on MoonSharp.
local sync_bytes = require("bench.sync_bytes")
local store_ops = require("bench.store_ops")

local SIZES = { 100, 1000, 10000 }
--- design.md "Budgets": a single-key delta is at most 1/50 of a full-view resend at 1,000 keys.
local BUDGET_SIZE = 1000
local BUDGET = 1 / 50

local M = { id = "wire", title = "Sync bytes on the wire: page open, single-key delta, full-view resend" }

function M.run(ctx)
    local measured = {}
    for _, size in ipairs(SIZES) do
        local r = sync_bytes.measure(size)
        if r.keys ~= size or r.delta <= 0 or r.open <= 0 then
            error(string.format("sync bytes at %d keys measured nothing (open %d, delta %d)", size, r.open, r.delta), 0)
        end
        measured[size] = r
        ctx.log(string.format("  %s: open %d bytes in %d messages, delta %d bytes", store_ops.size_label(size), r.open, r.openMessages, r.delta))
    end
    for _, size in ipairs(SIZES) do
        local r = measured[size]
        local label = store_ops.size_label(size)
        local function fig(id, name, value, unit)
            ctx.results:figure({ id = string.format("wire.%s.%d", id, size), group = M.id, name = string.format("%s, %s", name, label), value = value, unit = unit })
        end
        fig("open", "page open (snapshot of the whole view)", r.open, "bytes")
        fig("open.messages", "page open, messages", r.openMessages, "messages")
        fig("open.largest", "page open, largest message", r.largest, "bytes")
        fig("delta", "single-key change (delta)", r.delta, "bytes")
        fig("delta.messages", "single-key change, messages", r.deltaMessages, "messages")
        fig("resend", "the same change as a full-view resend", r.resend, "bytes")
    end
    for _, size in ipairs(SIZES) do
        local r = measured[size]
        ctx.results:ratio({
            id = string.format("wire.delta.%d", size),
            group = M.id,
            name = string.format("single-key delta / full-view resend, %s", store_ops.size_label(size)),
            definition = "bytes sent for one changed key divided by the bytes of resending the whole view",
            value = r.delta / r.resend,
            budget = size == BUDGET_SIZE and { max = BUDGET } or nil,
        })
    end
    ctx.results:ratio({
        id = "wire.delta.flatness",
        group = M.id,
        name = "single-key delta at 10,000 keys / at 100 keys",
        definition = "bytes of the same single-key change with 10,000 keys divided by those with 100",
        value = measured[10000].delta / measured[100].delta,
    })
end

return M
