-- Requests from players that must change nothing, on the real mod in the simulated server:
-- networked property edits of the mod's devices (a device's database binding is its `dbid:` tag
-- and is set in the submarine editor only) and of the Database Core, and console commands from
-- players without permission. Each refusal is logged at most once per client and reason per
-- interval.
local H = require("kits.harness")

local function sub()
    local s = H.defaultSub()
    s.items[#s.items + 1] = { id = "databaseterminalfixed", key = "wall" }
    s.items[#s.items + 1] = { id = "databaseinterfacefixed", key = "iface" }
    s.items[#s.items + 1] = { id = "databaserestocker", key = "restocker" }
    return s
end

local function linesWith(h, text, from)
    local n = 0
    for i = (from or 0) + 1, #h.sim.printed do
        if string.find(h.sim.printed[i], text, 1, true) then n = n + 1 end
    end
    return n
end

describe("networked property edits", function()
    it("refuse retagging a device onto another database, logged once per client and interval", function()
        local h = H.new({ sub = sub() })
        local mallory = h.sim:addClient({ name = "Mallory" })
        for _, id in ipairs({ "databaseterminalfixed", "databaseinterfacefixed", "databaserestocker" }) do
            local device = h.sim:find(id)
            local tags = device.Tags
            for _ = 1, 5 do
                assert.is_false(h.sim:editProperty(mallory, device, nil, "Tags", "dbio_device,dbid:other"))
            end
            assert.are.equal(tags, device.Tags)
        end
        -- one line per client and property within the interval, whatever the device
        assert.are.equal(1, linesWith(h, "Mallory (1) tried to change 'tags'"))
        h:tick(60 * 31)
        assert.is_false(h.sim:editProperty(mallory, h.sim:find("databaseterminalfixed"), nil, "Tags", "dbid:other"))
        assert.are.equal(2, linesWith(h, "Mallory (1) tried to change 'tags'"))
        -- other items are not the mod's business
        local cab = h.sim:find("storagecabinet")
        assert.is_true(h.sim:editProperty(mallory, cab, nil, "Tags", "container,dbid:other"))
        assert.are.same({}, h.sim.errors)
        h:cleanup()
    end)

    it("refuse every edit of the Database Core and say so", function()
        local h = H.new({ sub = sub() })
        h:ingest(h:find("steel", 2))
        h:tick(2)
        h.sim:mpTransition()
        local core = h.sim:find("databasecore")
        local blob = core:GetComponentString("MemoryComponent").Value
        local eve = h.sim:addClient({ name = "Eve", admin = true })
        assert.is_false(h.sim:editProperty(eve, core, "MemoryComponent", "Value", ""))
        assert.is_false(h.sim:editProperty(eve, core, nil, "Tags", "dbio_core,dbid:other"))
        assert.are.equal(blob, core:GetComponentString("MemoryComponent").Value)
        assert.are.equal(1, linesWith(h, "Eve (1) tried to change 'value' of Database Core"))
        assert.are.equal(2, h:amount("steel"))
        assert.are.same({}, h.sim.errors)
        h:cleanup()
    end)
end)

describe("console commands from players", function()
    it("change nothing without permission; restore never leaves the backup folder", function()
        local h = H.new({ sub = sub() })
        h:ingest(h:find("steel", 3))
        h:tick(2)
        local player = h.sim:addClient({ name = "Player" })
        for _, line in ipairs({ "dbio restore x.dbio", "dbio migrate", "dbio backup", "dbio status" }) do
            h:command(line, player)
        end
        assert.are.equal(3, h:amount("steel"))
        local before = #h.sim.printed
        for _, name in ipairs({ "../x.dbio", "/etc/passwd", "..\\x.dbio", "a/../../b.dbio" }) do
            local out = table.concat(h:command("dbio restore \"" .. name .. "\""), "\n")
            assert.is_truthy(out:find("restore refused", 1, true), out)
        end
        assert.are.equal(4, linesWith(h, "restore refused", before))
        assert.are.equal(3, h:amount("steel"))
        assert.are.same({}, h.sim.errors)
        h:cleanup()
    end)
end)
