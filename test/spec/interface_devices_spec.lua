-- Power, unpacking and limits under contention: a wall interface without power stores nothing
-- (and stores what waited once power returns), unpack interfaces take a container's direct
-- children and keep the container, and two interfaces plus the API racing for the last unit of
-- capacity never take the database over its limit.
local K = require("kits.interface_kit")

describe("interface devices", function()
    local k
    after_each(function()
        if k then k:cleanup() end
        k = nil
    end)

    it("stores nothing without power and catches up when power returns", function()
        k = K.new()
        local wall = k:named("wall")
        k.sim:setVoltage(wall, 0)
        local steel = k:live("steel")
        assert.is_true(k:put(steel[1], "wall"))
        assert.is_true(k:put(steel[2], "wall"))
        k:tick(300)
        assert.are.equal(0, k:amount("steel"))
        assert.are.equal(2, #k:inside(wall))
        local lines = k:chat("Alice")
        -- One line per waiting item, each said once.
        assert.are.equal(2, #lines)
        assert.is_truthy(lines[1]:find("no power", 1, true))
        k.sim:setVoltage(wall, 1)
        k:tick(180)
        assert.are.equal(2, k:amount("steel"))
        assert.are.same({}, k:inside(wall))
        assert.are.equal(2, #k:chat("Alice"))
        assert.are.same({}, k.sim.errors)
    end)

    it("a handheld interface needs no power", function()
        k = K.new()
        k.sim:setVoltage(k:named("hand"), 0)
        assert.is_true(k:put(k:live("copper")[1], "hand"))
        k:tick(3)
        assert.are.equal(1, k:amount("copper"))
    end)

    for _, device in ipairs({ "unpack", "unpackwall" }) do
        it(device .. " takes each direct child of a container and keeps the container", function()
            k = K.new({ extra = {
                { id = "smg", key = "gun", inside = "cab",
                  contents = { { id = "smgmagazine", contents = { { id = "smground", count = 5 } } } } },
                { id = "toolbox", key = "mixed", inside = "cab",
                  contents = { { id = "steel", count = 3 }, { id = "databaseinterface" }, { id = "wrench", condition = 50 } } },
            } })
            local gun = k:live("smg")[1]
            local mixed = k:live("toolbox")[2]
            assert.is_true(k:put(gun, device))
            assert.is_true(k:put(mixed, device))
            k:tick(3)
            -- The magazine went in with its rounds (its own contents stay with it).
            local exact = k:exact()
            local byId = {}
            for _, e in ipairs(exact) do byId[e.record.identifier] = e.record end
            assert.is_not_nil(byId.smgmagazine)
            assert.are.equal(5, #byId.smgmagazine.contents)
            assert.are.equal(0, k.sim:countUnits("smground"))
            assert.are.equal(50, byId.wrench.condition)
            assert.are.equal(3, k:amount("steel"))
            -- Containers stay in their slots; the blocked child stays in its box.
            local dev = k:named(device)
            assert.are.equal(dev.ID, gun.Container.ID)
            assert.are.equal(dev.ID, mixed.Container.ID)
            assert.is_true(gun.OwnInventory:IsEmpty())
            local left = mixed.OwnInventory.AllItemsMod
            assert.are.equal(1, #left)
            assert.are.equal("databaseinterface", left[1].Prefab.Identifier.Value)
            local lines = k:chat("Alice")
            assert.are.equal(1, #lines)
            k:tick(600)
            assert.are.equal(1, #k:chat("Alice"))
            assert.are.same({}, k.sim.errors)
        end)
    end

    it("an ordinary interface keeps a gun's magazine with the gun", function()
        k = K.new({ extra = {
            { id = "smg", inside = "cab", contents = { { id = "smgmagazine", contents = { { id = "smground", count = 5 } } } } },
        } })
        assert.is_true(k:put(k:live("smg")[1], "hand"))
        k:tick(3)
        local exact = k:exact()
        assert.are.equal(1, #exact)
        assert.are.equal("smg", exact[1].record.identifier)
        assert.are.equal("smgmagazine", exact[1].record.contents[1].record.identifier)
        assert.are.equal(5, #exact[1].record.contents[1].record.contents)
        assert.are.equal(0, k.sim:countUnits("smgmagazine"))
    end)

    it("keeps a magazine in a gun lying in an interface out of the API unless it unpacks", function()
        k = K.new({ extra = {
            { id = "smg", inside = "cab", contents = { { id = "smgmagazine" } } },
        } })
        k.sim:setVoltage(k:named("wall"), 0)
        local gun = k:live("smg")[1]
        assert.is_true(k:put(gun, "wall"))
        k:tick(1)
        local magazine = gun.OwnInventory.AllItemsMod[1]
        local r = k:api().ingest(magazine, "default", "spec")
        assert.is_false(r.ok)
        assert.are.equal("contained", r.code)
    end)

    --- Fills the database to one unit below its limit of 5, then races for the last unit.
    local function race(apiFirst)
        k = K.new({ config = { maxUnits = 5 } })
        local steel = k:live("steel")
        for i = 1, 4 do k:put(steel[i], "hand") end
        k:tick(3)
        assert.are.equal(4, k:amount("steel"))
        assert.is_true(k:put(steel[13], "hand"))
        assert.is_true(k:put(steel[14], "wall"))
        local viaApi
        if apiFirst then
            viaApi = k:api().ingest(k:live("copper")[1], "default", "race")
        else
            -- The interfaces act on the next think; their items are still in the world after it.
            k:tick(1)
            assert.is_false(steel[13].Removed)
            viaApi = k:api().ingest(k:live("copper")[1], "default", "race")
        end
        local peak = 0
        for _ = 1, 300 do
            k:tick(1)
            local s = k:snapshot()
            local units = #s.exact
            for _, c in ipairs(s.counts) do units = units + c[2] end
            if units > peak then peak = units end
        end
        assert.are.equal(5, peak)
        assert.are.equal(5, k:amount("steel") + k:amount("copper"))
        -- The policy refused up front: the store never had to bounce an insert back into the world.
        assert.are.equal(0, k:printed("could not store"))
        assert.are.same({}, k.sim.errors)
        return viaApi
    end

    it("two interfaces and the API racing for the last unit: the API first wins it", function()
        local viaApi = race(true)
        assert.is_true(viaApi.ok, viaApi.message)
        assert.are.equal(2, #k:inside(k:named("hand")) + #k:inside(k:named("wall")))
        assert.are.equal(2, #k:chat("Alice"))
    end)

    it("two interfaces and the API racing for the last unit: the first interface wins it", function()
        local viaApi = race(false)
        assert.is_false(viaApi.ok)
        assert.are.equal("full", viaApi.code)
        assert.are.equal(5, k:amount("steel"))
        assert.are.equal(1, #k:inside(k:named("hand")) + #k:inside(k:named("wall")))
        assert.are.equal(1, #k:chat("Alice"))
    end)
end)
