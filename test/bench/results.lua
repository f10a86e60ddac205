-- What a benchmark run found, and its serialization for scripts/bench.mjs (which prints the
-- table, writes bench-results.json and applies --check).
--
--   cases    one timed thing: median seconds per op, spread, bytes allocated per op, and the
--            median of per-run ratios to its reference (timed in the same loop)
--   ratios   derived ratios (flatness, batching gain...); a ratio with a budget is checked
--   figures  plain numbers that are not times (encoded size in bytes...)
--   pending  measurements the issue asks for that no suite provides yet (with their budgets)
--   failures suites that stopped with an error
local harness = require("bench.harness")

local Results = {}
Results.__index = Results

local M = {}

function M.new(settings)
    return setmetatable({ settings = settings, cases = {}, ratios = {}, figures = {}, pending = {}, groups = {}, failures = {} }, Results)
end

function Results:group(id, title)
    self.groups[#self.groups + 1] = { id = id, title = title }
end

--- Records a timed case from interleave samples. `reference` (optional) is another series' samples.
function Results:case(spec, samples, reference)
    local lo, hi = harness.min_max(samples.per_op)
    local entry = {
        id = spec.id,
        group = spec.group,
        name = spec.name,
        size = spec.size,
        per_op = harness.median(samples.per_op),
        min = lo,
        max = hi,
        runs = #samples.per_op,
        ops_per_batch = samples.n,
        bytes_per_op = samples.bytes_per_op,
    }
    if reference ~= nil then
        entry.reference = {
            name = spec.reference,
            per_op = harness.median(reference.per_op),
            bytes_per_op = reference.bytes_per_op,
        }
        local quotients = harness.quotients(samples.per_op, reference.per_op)
        entry.ratio = harness.median(quotients)
        entry.ratio_min, entry.ratio_max = harness.min_max(quotients)
    end
    self.cases[#self.cases + 1] = entry
    return entry
end

--- A derived ratio: the median of per-run quotients (spec.quotients), or a plain spec.value.
--- spec.budget = { max = x } makes it a pass/fail figure for --check.
function Results:ratio(spec)
    local entry = {
        id = spec.id,
        group = spec.group,
        name = spec.name,
        value = spec.value,
        definition = spec.definition,
        budget = spec.budget,
    }
    if spec.quotients ~= nil then
        entry.value = harness.median(spec.quotients)
        entry.min, entry.max = harness.min_max(spec.quotients)
    end
    self.ratios[#self.ratios + 1] = entry
end

function Results:figure(spec)
    self.figures[#self.figures + 1] = {
        id = spec.id,
        group = spec.group,
        name = spec.name,
        value = spec.value,
        unit = spec.unit,
    }
end

--- A suite that stopped with an error: its figures are missing and the run counts as failed.
function Results:failure(suite, message)
    self.failures[#self.failures + 1] = { suite = suite, message = message }
end

function Results:pending_case(spec)
    self.pending[#self.pending + 1] = { id = spec.id, name = spec.name, budget = spec.budget }
end

-- ---------------------------------------------------------------------------------------------
-- Serialization (a small writer: object keys sorted, so the output is stable)

local encode

local function encode_string(s)
    local escaped = string.gsub(s, '[%c"\\]', function(c)
        if c == '"' then return '\\"' end
        if c == "\\" then return "\\\\" end
        if c == "\n" then return "\\n" end
        return string.format("\\u%04x", string.byte(c))
    end)
    return '"' .. escaped .. '"'
end

local function encode_number(n)
    if n ~= n or n == math.huge or n == -math.huge then return "null" end
    if math.floor(n) == n and n > -1e15 and n < 1e15 then return string.format("%d", n) end
    return string.format("%.6g", n)
end

local function is_array(t)
    local count = 0
    for _ in pairs(t) do count = count + 1 end
    return count == #t
end

function encode(v, out)
    local kind = type(v)
    if v == nil then
        out[#out + 1] = "null"
    elseif kind == "boolean" then
        out[#out + 1] = v and "true" or "false"
    elseif kind == "number" then
        out[#out + 1] = encode_number(v)
    elseif kind == "string" then
        out[#out + 1] = encode_string(v)
    elseif kind == "table" then
        if is_array(v) then
            out[#out + 1] = "["
            for i = 1, #v do
                if i > 1 then out[#out + 1] = "," end
                encode(v[i], out)
            end
            out[#out + 1] = "]"
        else
            local keys = {}
            for k in pairs(v) do keys[#keys + 1] = tostring(k) end
            table.sort(keys)
            out[#out + 1] = "{"
            for i, k in ipairs(keys) do
                if i > 1 then out[#out + 1] = "," end
                out[#out + 1] = encode_string(k)
                out[#out + 1] = ":"
                encode(v[k], out)
            end
            out[#out + 1] = "}"
        end
    else
        error("cannot serialize a " .. kind, 0)
    end
end

function Results:serialize()
    local out = {}
    encode({
        format = "dbio-bench-1",
        settings = self.settings,
        groups = self.groups,
        cases = self.cases,
        ratios = self.ratios,
        figures = self.figures,
        pending = self.pending,
        failures = self.failures,
    }, out)
    return table.concat(out)
end

return M
