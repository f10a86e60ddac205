-- A Database Core removed mid-round (an admin's console, another mod, anything that can remove an
-- item): another core of the same database on the submarine adopts it at once; with none left the
-- database is kept, `dbio status` says so, and every save writes it to a backup file the host can
-- restore from. No unit is ever dropped silently. Both modes, on the real built mod.
local H = require("kits.harness")

local joined = H.joined

local with = H.with

local function cores(h)
    local list = {}
    for _, c in ipairs(h.sim:findAll("databasecore")) do
        if not c.Removed then list[#list + 1] = c end
    end
    table.sort(list, function(a, b) return a.ID < b.ID end)
    return list
end

local blobOf = H.coreBlob

local function storeSteel(h, n) h:store("steel", n) end

local function transition(h, mode)
    if mode == "server" then h.sim:mpTransition() else h.sim:spTransition() end
    h:tick(2)
end

local function backupsIn(lines)
    local names, seen = {}, {}
    for _, line in ipairs(lines) do
        for name in line:gmatch("([%w_%-%.]+%.dbio)") do
            if not seen[name] then
                seen[name] = true
                names[#names + 1] = name
            end
        end
    end
    return names
end

for _, mode in ipairs({ "server", "singleplayer" }) do
    describe("a Database Core removed mid-round (" .. mode .. ")", function()
        it("another core of that database on the submarine adopts it at once", function()
            with({ mode = mode }, function(h)
                storeSteel(h, 3)
                local first = cores(h)[1]
                local second = h.sim:spawnNow("databasecore", {})
                h:tick(2)
                assert.truthy(joined(h:command("dbio status")):find("CONFLICT: core " .. second.ID, 1, true))
                h.sim:removeNow(first)
                h:tick(1)
                local status = joined(h:command("dbio status"))
                assert.truthy(status:find("core " .. second.ID, 1, true), status)
                assert.falsy(status:find("CONFLICT", 1, true), status)
                -- it keeps working: new items are stored, not refused for lack of a core
                storeSteel(h, 2)
                assert.are.equal(5, h:amount("steel"))
                transition(h, mode)
                assert.are.equal(5, h:amount("steel"))
                assert.are_not.equal("", blobOf(cores(h)[1]))
                local clean, text = h:verifyClean()
                assert.is_true(clean, text)
                assert.are.equal("", h:errors())
            end)
        end)

        it("backs up what the adopting core held before the live database overwrites it", function()
            with({ mode = mode }, function(h)
                storeSteel(h, 2)
                transition(h, mode)
                local old = blobOf(cores(h)[1])
                storeSteel(h, 3)
                -- a second core carrying the older copy of the database: it loses the conflict
                local second = h.sim:spawnNow("databasecore", { memory = old })
                h:tick(2)
                local lines = {}
                local before = #h.sim.printed
                h.sim:removeNow(cores(h)[1])
                h:tick(1)
                for i = before + 1, #h.sim.printed do lines[#lines + 1] = h.sim.printed[i] end
                local names = backupsIn(lines)
                assert.are.equal(1, #names, joined(lines))
                local listed = joined(h:command("dbio backups"))
                assert.truthy(listed:find(names[1], 1, true), listed)
                transition(h, mode)
                assert.are.equal(5, h:amount("steel"))
                assert.are.equal(second.ID, cores(h)[1].ID)
            end)
        end)

        it("with no core left keeps the database, says so, and every save writes it to a backup to restore", function()
            with({ mode = mode }, function(h)
                storeSteel(h, 3)
                local core = cores(h)[1]
                h.sim:removeNow(core)
                h:tick(1)
                -- still usable this round: a take works, the units are not gone
                assert.are.equal(3, h:amount("steel"))
                local status = joined(h:command("dbio status"))
                assert.truthy(status:find("NO DATABASE CORE", 1, true), status)
                assert.truthy(status:find("dbio restore", 1, true), status)
                -- the host can back the kept database up by hand as well
                local manual = joined(h:command("dbio backup default"))
                assert.truthy(manual:find("backed up as", 1, true), manual)
                local before = #h.sim.printed
                transition(h, mode)
                local lines = {}
                for i = before + 1, #h.sim.printed do lines[#lines + 1] = h.sim.printed[i] end
                local names = backupsIn(lines)
                assert.are.equal(1, #names, joined(lines))
                assert.truthy(joined(lines):find("dbio restore " .. names[1], 1, true), joined(lines))
                -- the next round has no database; the host places a core and restores
                assert.are.equal(0, h:amount("steel"))
                h.sim:spawnNow("databasecore", {})
                h:tick(2)
                local restored = joined(h:command("dbio restore " .. names[1] .. " default"))
                assert.truthy(restored:find("restored", 1, true), restored)
                assert.are.equal(3, h:amount("steel"))
                transition(h, mode)
                assert.are.equal(3, h:amount("steel"))
            end)
        end)

        it("with no core left a Lua restart writes it to a backup to restore; nothing is dropped", function()
            with({ mode = mode }, function(h)
                storeSteel(h, 3)
                h.sim:removeNow(cores(h)[1])
                h:tick(1)
                local before = #h.sim.printed
                h.sim:reloadLua()
                h:tick(2)
                local lines = {}
                for i = before + 1, #h.sim.printed do lines[#lines + 1] = h.sim.printed[i] end
                local names = backupsIn(lines)
                assert.are.equal(1, #names, joined(lines))
                assert.truthy(joined(lines):find("dbio restore " .. names[1], 1, true), joined(lines))
                h.sim:spawnNow("databasecore", {})
                h:tick(2)
                local restored = joined(h:command("dbio restore " .. names[1] .. " default"))
                assert.truthy(restored:find("restored", 1, true), restored)
                assert.are.equal(3, h:amount("steel"))
                assert.are.equal("", h:errors())
            end)
        end)

        it("an item accepted just before the last core goes is stored and backed up, never lost", function()
            with({ mode = mode }, function(h)
                storeSteel(h, 3)
                local total = h:total("steel")
                -- accepted (its removal is queued), then the core goes and the save starts in the same update
                for _, r in ipairs(h:ingest(h:find("steel", 2))) do assert.is_true(r.ok, r.message) end
                h.sim:removeNow(cores(h)[1])
                local before = #h.sim.printed
                -- save & quit: Lua stops after the save, so nothing queued then lands later
                if mode == "server" then
                    h.sim:mpSaveAndQuit({ nextRound = true })
                else
                    h.sim:spSaveAndQuit()
                    h.sim:spLoadGame()
                end
                h:tick(2)
                local lines = {}
                for i = before + 1, #h.sim.printed do lines[#lines + 1] = h.sim.printed[i] end
                local names = backupsIn(lines)
                assert.is_true(#names >= 1, joined(lines))
                h.sim:spawnNow("databasecore", {})
                h:tick(2)
                local restored = joined(h:command("dbio restore " .. names[1] .. " default"))
                assert.truthy(restored:find("restored", 1, true), restored)
                h:tick(2)
                assert.are.equal(total, h:total("steel"))
                assert.are.equal(5, h:amount("steel"))
                assert.are.equal("", h:errors())
            end)
        end)

        it("a restore over a database that already holds items backs those up first and says so", function()
            with({ mode = mode }, function(h)
                storeSteel(h, 3)
                local listed = joined(h:command("dbio backup default"))
                local name = listed:match("backed up as (%S+%.dbio)")
                assert.is_not_nil(name, listed)
                -- two more are stored after that backup; the restore replaces the database
                storeSteel(h, 2)
                local restored = joined(h:command("dbio restore " .. name .. " default"))
                assert.truthy(restored:find("restored", 1, true), restored)
                assert.are.equal(3, h:amount("steel"))
                local kept = restored:match("backed up as (%S+%.dbio)")
                assert.is_not_nil(kept, restored)
                -- the replaced state is in that file: restoring it brings the five back
                local back = joined(h:command("dbio restore " .. kept .. " default"))
                assert.truthy(back:find("restored", 1, true), back)
                assert.are.equal(5, h:amount("steel"))
                assert.are.equal("", h:errors())
            end)
        end)
    end)
end
