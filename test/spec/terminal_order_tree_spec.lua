-- The ranked list behind every terminal view order, against a plain array over random operations.
local RankedList = require("features.terminal.order").RankedList
local new = require("kits.classes").new

local SEED = tonumber(os.getenv("DBIO_SEED") or "") or os.time()

local function cmp(a, b) return a - b end

describe("ranked list (terminal view order)", function()
    it("matches a plain sorted array over random inserts, removes, lookups and windows", function()
        print(string.format("  ranked list: seed %d (DBIO_SEED=%d replays)", SEED, SEED))
        math.randomseed(SEED)
        for run = 1, 60 do
            local list, model = new(RankedList), {}
            local initial = {}
            for i = 1, math.random(0, 40) do initial[i] = math.random(1, 500) end
            table.sort(initial)
            list:reset({ table.unpack(initial) })
            for i, v in ipairs(initial) do model[i] = v end
            for step = 1, 300 do
                local roll = math.random(1, 10)
                local where = string.format("seed %d run %d step %d", SEED, run, step)
                if roll <= 4 then
                    local v = math.random(1, 500)
                    local pos = list:countBefore(v, cmp, true) + 1
                    list:insertAt(pos, v)
                    table.insert(model, pos, v)
                elseif roll <= 7 and #model > 0 then
                    local pos = math.random(1, #model)
                    assert.are.equal(table.remove(model, pos), list:removeAt(pos), where)
                else
                    local v = math.random(1, 500)
                    local before = 0
                    for _, x in ipairs(model) do if x < v then before = before + 1 end end
                    assert.are.equal(before, list:countBefore(v, cmp, false), where)
                end
                assert.are.equal(#model, list:size(), where)
                if #model > 0 then
                    local pos = math.random(1, #model)
                    assert.are.equal(model[pos], list:at(pos), where)
                    local start, count = math.random(1, #model), math.random(1, 12)
                    local want = {}
                    for i = start, math.min(#model, start + count - 1) do want[#want + 1] = model[i] end
                    assert.are.same(want, list:window(start, count, false), where)
                    local backwards = {}
                    for i = #model - start + 1, math.max(1, #model - start - count + 2), -1 do backwards[#backwards + 1] = model[i] end
                    assert.are.same(backwards, list:window(start, count, true), where .. " (descending)")
                end
            end
            assert.are.same(model, list:toArray())
        end
    end)
end)
