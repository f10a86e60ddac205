-- Counts what the cost-counting build (scripts/lib/lua-instrument.mjs, build/instrumented/)
-- reports, modelling what MoonSharp pays where PUC Lua pays nothing:
--   scanned   length reads. MoonSharp caches a table's length but forgets it whenever a new
--             integer key is added, so the next `#t` walks the whole array part again. A read
--             of a table whose length changed since its last read counts that length; a read
--             of an unchanged table, or of a string, counts 1. An array grown by
--             `t[#t + 1] = v` thus counts n^2/2 over n appends, one grown by a counter nothing.
--   searched  string searches. MoonSharp's string.find / match / gsub copy the whole subject on
--             every call; each call counts the subject's length (gmatch once, when it starts).
-- Usage: local meter = require("kits.cost_meter").new(); DBIO_COST = meter (or sim.env.DBIO_COST),
-- then load the instrumented Lua; meter:reset(), run, meter:total().
local M = {}

local Meter = {}
Meter.__index = Meter

function M.new()
    local meter = setmetatable({ scanned = 0, searched = 0, reads = 0, searches = 0 }, Meter)
    local known = setmetatable({}, { __mode = "k" })
    local function countSearch(subject)
        meter.searches = meter.searches + 1
        if type(subject) == "string" then meter.searched = meter.searched + #subject end
    end
    function meter.len(v)
        local n = #v
        meter.reads = meter.reads + 1
        if type(v) == "table" and known[v] ~= n then
            known[v] = n
            meter.scanned = meter.scanned + n
        else
            meter.scanned = meter.scanned + 1
        end
        return n
    end
    meter.string = {}
    for _, name in ipairs({ "find", "match", "gsub", "gmatch" }) do
        local original = string[name]
        meter.string[name] = function(s, ...)
            countSearch(s)
            return original(s, ...)
        end
    end
    function meter.method(base, name, ...)
        if type(base) == "string" then countSearch(base) end
        return base[name](base, ...)
    end
    return meter
end

function Meter:reset()
    self.scanned, self.searched, self.reads, self.searches = 0, 0, 0, 0
end

--- Array entries scanned plus string bytes searched since the last reset.
function Meter:total()
    return self.scanned + self.searched
end

return M
