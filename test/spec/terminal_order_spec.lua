-- The terminal's kept orders (features/terminal/view.ts): after any sequence of store changes,
-- every (sort, direction, search) order read incrementally equals the same order built from
-- scratch, and a change costs a few comparisons, not a sort of the database. Randomized: the
-- seed is printed; DBIO_SEED=<n> replays it.
local new = require("kits.classes").new

-- Outside the game there are no prefabs: every identifier is its own name.
local DatabaseStore = require("core.store").DatabaseStore
local View = require("features.terminal.view")
local Ext = require("features.terminal.extensions")

local IDS = { "alpha", "beta", "gamma", "delta", "abacus", "zeta", "crab", "oboe", "tuba", "lab" }

local function newStore()
    local store = new(DatabaseStore, {})
    store:rebuild({ { anchorId = 1, dbId = "main", blob = "" } })
    return store
end

local function record(id, q, condition)
    return { identifier = id, quality = q, condition = condition, stolen = false, outpost = "", contents = {} }
end

local function rowText(r)
    return string.format("%s/%d/%d/%.2f/%d", r.key, r.exactId or 0, r.amount, r.condition, r.changed)
end

local function texts(rows)
    local out = {}
    for i, r in ipairs(rows) do out[i] = rowText(r) end
    return out
end

local compared = 0
Ext.registerSortMode("spec.reverse", "Reverse", function(a, b)
    compared = compared + 1
    if a.identifier == b.identifier then return 0 end
    return a.identifier > b.identifier and -1 or 1
end)

describe("terminal orders kept from store events", function()
    it("equal a from-scratch sort after random changes, for every mode, direction and search", function()
        local seed = tonumber(os.getenv("DBIO_SEED") or "") or os.time()
        print(string.format("terminal orders: seed %d (DBIO_SEED=%d replays)", seed, seed))
        math.randomseed(seed)
        local rnd = math.random
        local store = newStore()
        local view = new(View.DatabaseView, store, "main")
        store:subscribe("spec.view", function(event) view:onEvent(event) end)
        local queries = {}
        for _, sort in ipairs({ "name", "amount", "condition", "recent", "spec.reverse" }) do
            for _, search in ipairs({ "", "ab", "a" }) do
                queries[#queries + 1] = { sort = sort, descending = false, search = search }
                queries[#queries + 1] = { sort = sort, descending = true, search = search }
            end
        end
        for round = 1, 60 do
            for _ = 1, rnd(1, 12) do
                local id = IDS[rnd(#IDS)]
                local q = rnd(0, 2)
                local key = id .. "#" .. q
                local r = rnd(4)
                local tx = store:transaction("main", "spec")
                if r == 1 then
                    tx:insertCount(key, rnd(1, 20))
                elseif r == 2 then
                    tx:insert(record(id, q, rnd(1, 99)))
                elseif r == 3 then
                    local db = store:database("main")
                    local have = db:aggregatedOf(key)
                    if have > 0 then tx:take(key, rnd(1, have)) end
                else
                    local exact = store:database("main"):exactList()
                    if #exact > 0 then tx:takeExact(exact[rnd(#exact)].id) end
                end
                tx:commit()
            end
            -- read a few queries now (the others fall behind and catch up later)
            for _ = 1, 4 do
                local query = queries[rnd(#queries)]
                local got = view:index(query):all(query.descending)
                local fresh = new(View.OrderIndex, view, query.sort, query.search)
                fresh:refresh()
                assert.are.same(texts(fresh:all(query.descending)), texts(got),
                    string.format("seed %d round %d: %s %s '%s'", seed, round, query.sort, tostring(query.descending), query.search))
                local index = view:index(query)
                assert.are.equal(fresh.units, index.units)
                assert.are.equal(fresh.kinds, index.kinds)
            end
        end
    end)

    it("a change costs comparisons in proportion to log(rows), not a sort of every row", function()
        local store = newStore()
        local view = new(View.DatabaseView, store, "main")
        store:subscribe("spec.view", function(event) view:onEvent(event) end)
        local tx = store:transaction("main", "spec")
        for i = 1, 4000 do tx:insertCount(string.format("item%05d#0", i), 1) end
        assert.is_true(tx:commit().ok)
        local query = { sort = "spec.reverse", descending = false, search = "" }
        compared = 0
        local index = view:index(query)
        assert.are.equal(4000, index:size())
        local build = compared
        assert.is_true(build > 4000 * 8, string.format("a sort of 4000 rows took %d comparisons", build))
        assert.are.equal("item04000#0", index:at(1, false).key)
        -- one key changes, one is added: the next read re-sorts just those
        store:transaction("main", "spec"):insertCount("item00007#0", 2):insertCount("item09999#0", 1):commit()
        compared = 0
        index = view:index(query)
        assert.is_true(compared <= 4 * 13, string.format("%d comparisons for 2 changed keys", compared))
        assert.are.equal("item09999#0", index:at(1, false).key)
        assert.are.equal(3, index:at(index:positionOf("item00007#0", nil, false), false).amount)
        -- a page reads only its rows
        local page = index:window(41, 40, true)
        assert.are.equal(40, #page)
        assert.are.equal("item00041#0", page[1].key) -- descending: item00001 first
        compared = 0
        view:index(query)
        assert.are.equal(0, compared)
    end)
end)
