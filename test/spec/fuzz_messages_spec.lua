-- Hostile clients against the real mod on a simulated server: 10,000 random and mutated sync
-- requests (databaseio.sync.up) and OTHER_PER_NAME more for every other message name the mod
-- receives (found at run time: every `databaseio.*` receiver the mod registered), from
-- connected, disconnected, dead, distant and vanilla clients, plus terminal and restocker
-- buttons, text fields, networked property edits and console lines. Nothing may change: every database (dumped
-- through the public API) and every live item (with its database binding) is compared before
-- and after, no Lua error may escape (sim.errors), and dbio verify stays clean.
-- Randomized: the seed is printed; DBIO_SEED=<seed> replays a run.
local Sim = require("sim.runtime")
local F = require("kits.fuzz")

local MOD = Sim.ROOT .. "/dist/DatabaseIO"
local NET_UP = "databaseio.sync.up"
local MESSAGES = 10000
local OTHER_PER_NAME = 1500
local OTHER_ACTIONS = 2500
local FAR = 100000

local function sub()
    return {
        name = "Fuzz Sub",
        items = {
            { id = "databasecore", key = "core" },
            { id = "databaseterminalfixed", key = "wall" },
            { id = "storagecabinet", key = "cab" },
            { id = "databaseterminal", inside = "cab" },
            { id = "databaserestocker", key = "restocker" },
            { id = "databaseinterfacefixed", key = "iface" },
            { id = "steel", count = 4, inside = "cab" },
            { id = "fabricator", key = "fab" },
        },
    }
end

local GOODS = { "steel", "copper", "plastic", "wrench", "smground", "oxygentank", "toolbox" }

local function seedDatabase(sim)
    local api = sim.env.DatabaseIO
    for i, id in ipairs(GOODS) do
        for n = 1, 3 + i do
            local item = sim:spawnNow(id, { condition = (n == 1 and id == "wrench") and 40 or nil })
            local r = api.ingest(item, "default", "seed")
            assert(r.ok, r.message)
        end
    end
    sim:tick(5)
end

local function refusedTotal(sim)
    local stats = sim.env.Hook.Call("databaseio.sync.inspect")
    assert(type(stats) == "table", "the sync server publishes its figures (databaseio.sync.inspect)")
    local n = 0
    for _, count in pairs(stats.refused) do n = n + count end
    return n, stats.refused
end

local function terminalSessions(sim)
    local inspect = sim.env.Hook.Call("databaseio.terminal.inspect")
    return #inspect.sessions
end

-- ---------------------------------------------------------------------------------------------
-- Message generation: a message is a list of { writer method, value } pairs.

local BYTE_VALUES = { 0, 1, 2, 3, 4, 5, 127, 128, 254, 255 }
local UINT32_EDGES = { 0, 1, 2, 255, 256, 65535, 65536, 2147483647, 2147483648, 4294967295 }

local function hugeText(r)
    local pieces = { "steel#0", "数据库", "\0", "%s%d", "\n", "\255\254", "<xml attr=\"", "A" }
    local out = {}
    local length = F.pick(r, { 1000, 20000, 100000 })
    local total = 0
    while total < length do
        local p = F.pick(r, pieces)
        out[#out + 1] = p
        total = total + #p
    end
    return table.concat(out)
end

local function keyText(r, ctx)
    local choice = r(9)
    if choice == 1 then return F.pick(r, ctx.keys) end
    if choice == 2 then return "" end
    if choice == 3 then return hugeText(r) end
    if choice == 4 then return "unknownthing#0" end
    if choice == 5 then return "steel#-1" end
    if choice == 6 then return "steel#99999999999" end
    if choice == 7 then return "steel" end
    if choice == 8 then return "数据库#0" end
    local chars = {}
    for i = 1, r(0, 40) do chars[i] = string.char(r(0, 255)) end
    return table.concat(chars)
end

local function terminalId(r, ctx)
    local choice = r(6)
    if choice <= 2 then return F.pick(r, ctx.terminals) end
    if choice == 3 then return F.pick(r, ctx.otherIds) end
    if choice == 4 then return F.pick(r, { 0, 1, 65535 }) end
    return r(0, 65535)
end

local function shaped(r, ctx, op)
    local m = { { "WriteByte", 1 }, { "WriteByte", op }, { "WriteUInt16", terminalId(r, ctx) } }
    if op == 3 then
        m[#m + 1] = { "WriteVariableUInt32", F.pick(r, UINT32_EDGES) }
    elseif op == 4 then
        m[#m + 1] = { "WriteString", keyText(r, ctx) }
        m[#m + 1] = { "WriteVariableUInt32", r(2) == 1 and 0 or F.pick(r, UINT32_EDGES) }
    end
    return m
end

local function randomValue(r)
    local kind = r(10)
    if kind == 1 then return { "WriteByte", F.pick(r, BYTE_VALUES) } end
    if kind == 2 then return { "WriteBoolean", r(2) == 1 } end
    if kind == 3 then return { "WriteUInt16", r(0, 65535) } end
    if kind == 4 then return { "WriteInt32", F.pick(r, { -2147483648, -1, 0, 2147483647 }) } end
    if kind == 5 then return { "WriteSingle", F.pick(r, { -1e38, -1, 0.5, 1e38 }) } end
    if kind == 6 then return { "WriteDouble", F.pick(r, { -1e308, -0.0, 1e-300, 1e308 }) } end
    if kind == 7 then return { "WriteVariableUInt32", F.pick(r, UINT32_EDGES) } end
    if kind == 8 then return { "WriteString", keyText(r, { keys = { "steel#0" } }) } end
    if kind == 9 then return { "WriteInt64", F.pick(r, { -9007199254740991, -1, 9007199254740991 }) } end
    return { "WriteUInt32", F.pick(r, UINT32_EDGES) }
end

--- Other requests (fabricator fill and query): item id, identifier, recipe hash, batches.
local function shapedOther(r, ctx)
    return {
        { "WriteUInt16", terminalId(r, ctx) },
        { "WriteString", keyText(r, ctx) },
        { "WriteUInt32", F.pick(r, UINT32_EDGES) },
        { "WriteInt32", F.pick(r, { -2147483648, -1, 0, 1, 2, 99, 100, 2147483647 }) },
    }
end

--- A hostile message for a name other than the sync request.
local function makeOther(r, ctx)
    local kind = r(6)
    local m = shapedOther(r, ctx)
    if kind == 1 then return "shaped", m end
    if kind == 2 then
        local cut = {}
        for i = 1, r(0, #m - 1) do cut[i] = m[i] end
        return "truncated", cut
    end
    if kind == 3 then
        local w = {}
        for i = 1, r(0, 8) do w[i] = randomValue(r) end
        return "wrong types", w
    end
    if kind == 4 then
        m[r(#m)] = randomValue(r)
        return "one value swapped", m
    end
    if kind == 5 then
        m[2] = { "WriteString", hugeText(r) }
        return "huge string", m
    end
    m[1] = { "WriteUInt16", F.pick(r, ctx.otherIds) }
    return "other item", m
end

--- One hostile message and the name of how it was made.
local function makeMessage(r, ctx)
    local kind = r(8)
    if kind == 1 then
        return "shaped", shaped(r, ctx, r(4))
    elseif kind == 2 then
        -- any operation byte, including unknown ones
        return "unknown op", shaped(r, ctx, F.pick(r, BYTE_VALUES))
    elseif kind == 3 then
        local m = shaped(r, ctx, r(4))
        local keep = r(0, #m - 1)
        local cut = {}
        for i = 1, keep do cut[i] = m[i] end
        return "truncated", cut
    elseif kind == 4 then
        local m = {}
        for i = 1, r(0, 8) do m[i] = randomValue(r) end
        return "wrong types", m
    elseif kind == 5 then
        local m = shaped(r, ctx, r(4))
        m[1] = { "WriteByte", F.pick(r, { 0, 2, 3, 255 }) }
        return "other protocol version", m
    elseif kind == 6 then
        local m = shaped(r, ctx, r(4))
        local i = r(#m)
        m[i] = randomValue(r)
        return "one value swapped", m
    elseif kind == 7 and #ctx.sent > 0 then
        return "replayed", ctx.sent[r(#ctx.sent)]
    end
    local m = shaped(r, ctx, 4)
    m[4] = { "WriteString", hugeText(r) }
    return "huge string", m
end

-- ---------------------------------------------------------------------------------------------

describe("hostile clients (fuzz)", function()
    it("refuses or harmlessly answers every request and changes nothing", function()
        local seed = F.seed("fuzz_messages")
        local r = F.rng(seed)
        local sim = Sim.new({ mode = "server" })
        sim:loadMod(MOD)
        sim:startCampaign(sub())
        seedDatabase(sim)

        local api = sim.env.DatabaseIO
        local wall = sim:find("databaseterminalfixed")
        local handheld = sim:find("databaseterminal")
        local restocker = sim:find("databaserestocker")
        local core = sim:find("databasecore")
        local iface = sim:find("databaseinterfacefixed")
        local cab = sim:findAll("storagecabinet")[1]

        -- Senders: one using the wall terminal (subscriptions to it are accepted: they read,
        -- never write; the wall is unpowered, so no page leases units meanwhile), distant ones,
        -- a dead one, a vanilla one, and ones that have left.
        local senders = {}
        local near = sim:addClient({ name = "Near", luacs = true })
        sim:setVoltage(wall, 0)
        sim:select(near.Character, wall)
        senders[#senders + 1] = near
        for i = 1, 3 do
            local c = sim:addClient({ name = "Far" .. i, luacs = true })
            sim:setPosition(c.Character, FAR * i, FAR)
            senders[#senders + 1] = c
        end
        local dead = sim:addClient({ name = "Dead", luacs = true })
        sim:kill(dead.Character)
        senders[#senders + 1] = dead
        senders[#senders + 1] = sim:addClient({ name = "Vanilla" })
        for i = 1, 2 do
            local gone = sim:addClient({ name = "Gone" .. i, luacs = true })
            sim:disconnect(gone)
            senders[#senders + 1] = gone
        end
        local characters = {}
        for _, c in ipairs(senders) do characters[#characters + 1] = c.Character end
        sim:tick(5)

        local keys = {}
        for _, e in ipairs(api.entries("default")) do keys[#keys + 1] = e.key end
        local removed = sim:spawnNow("steel", { sub = false })
        local removedId = removed.ID
        sim:removeNow(removed)
        local ctx = {
            keys = keys,
            terminals = { wall.ID, handheld.ID },
            otherIds = { core.ID, restocker.ID, iface.ID, cab.ID, near.Character.ID, removedId },
            sent = {},
        }

        local dbBefore = F.dumpDatabases(api)
        local worldBefore = F.dumpWorld(sim)
        local refusedBefore = refusedTotal(sim)
        local kinds = {}
        local delivered = 0

        -- 1. Sync requests.
        for i = 1, MESSAGES do
            local kind, m = makeMessage(r, ctx)
            kinds[kind] = (kinds[kind] or 0) + 1
            local from = F.pick(r, senders)
            local took = sim:clientSend(from, NET_UP, function(w)
                for _, v in ipairs(m) do w[v[1]](w, v[2]) end
            end)
            if took then delivered = delivered + 1 end
            if #ctx.sent < 200 then ctx.sent[#ctx.sent + 1] = m else ctx.sent[r(200)] = m end
            -- 20 updates a second of requests per sender on average: the rate limit is reached
            -- now and then, and most requests still reach the parser.
            if i % 2 == 0 then sim:tick(1) end
        end
        local refusedAfter, reasons = refusedTotal(sim)
        local syncRefused = refusedAfter - refusedBefore

        -- 1b. Every other message name the mod receives.
        assert.is_truthy(sim.lua.receivers[NET_UP], "the server receives " .. NET_UP)
        local names = {}
        for name in pairs(sim.lua.receivers) do
            if name ~= NET_UP and string.sub(name, 1, 11) == "databaseio." then names[#names + 1] = name end
        end
        table.sort(names)
        local otherTried = {}
        for _, name in ipairs(names) do
            local sent = {}
            for i = 1, OTHER_PER_NAME do
                local kind, m = makeOther(r, ctx)
                if r(10) == 1 and #sent > 0 then kind, m = "replayed", sent[r(#sent)] end
                kinds[kind] = (kinds[kind] or 0) + 1
                sim:clientSend(F.pick(r, senders), name, function(w)
                    for _, v in ipairs(m) do w[v[1]](w, v[2]) end
                end)
                if #sent < 100 then sent[#sent + 1] = m end
                if i % 2 == 0 then sim:tick(1) end
            end
            otherTried[#otherTried + 1] = string.format("%s %d", name, OTHER_PER_NAME)
        end

        -- 2. Buttons, hook calls with nonsense, text fields, property edits, console lines.
        local terminalLabels = { "previous", "next", "sort", "direction", "compact", "refresh" }
        local other = { presses = 0, pressRefused = 0, hooks = 0, texts = 0, edits = 0, editRefused = 0, console = 0, consoleRefused = 0, toggles = 0 }
        local fakeEffect = {}
        local function element(attrs)
            return { GetAttributeString = function(_, name, fallback)
                local v = attrs[name]
                if v == nil then return fallback end
                return v
            end }
        end
        -- The game passes the item the effect ran on (always an item) and the hook's own XML
        -- element; any item may turn up, and the element is replaced by nonsense now and then.
        local targets = { core, cab, restocker, wall, handheld, iface }
        local garbage = { 0, -1, "text", {}, true, core }
        for _ = 1, OTHER_ACTIONS do
            local action = r(7)
            if action == 1 then
                local terminal = r(2) == 1 and wall or handheld
                sim:pressButton(F.pick(r, characters), terminal, "dbioterminal." .. F.pick(r, terminalLabels))
                other.presses = other.presses + 1
                if terminalSessions(sim) == 0 then other.pressRefused = other.pressRefused + 1 end
            elseif action == 2 then
                -- The LuaHooks called directly with what the game never passes.
                local name = "databaseio.terminal." .. F.pick(r, { "page", "next", "sort", "refresh", "previous" })
                if r(4) == 1 then name = "databaseio.restocker.toggle" end
                local target = F.pick(r, targets)
                local attrs = { page = F.pick(r, { "0", "-5", "1e309", "nan", "99999999", "2", "", hugeText(r) }), db = F.pick(r, { "", "other", "default", "数据库" }) }
                local el = r(3) == 1 and F.pick(r, garbage) or element(attrs)
                sim.env.Hook.Call(name, fakeEffect, 1.0, target, { target }, nil, el)
                other.hooks = other.hooks + 1
            elseif action == 3 then
                local text = F.pick(r, { "", "steel", "数据库核心", hugeText(r), "\0\1\2", "amount=-5 per=slot", "tag: min=500 amount=1e309" })
                if r(2) == 1 then
                    sim:setText(F.pick(r, characters), r(2) == 1 and wall or handheld, "dbioterminal.search", text)
                else
                    sim:setText(F.pick(r, characters), restocker, "restocker.config", text)
                end
                other.texts = other.texts + 1
            elseif action == 4 then
                local client = F.pick(r, senders)
                local applied
                if r(3) == 1 then
                    applied = sim:editProperty(client, core, "MemoryComponent", "Value", F.pick(r, { "", "DBIO1|x", hugeText(r) }))
                else
                    local target = F.pick(r, { wall, handheld, restocker, iface, core })
                    applied = sim:editProperty(client, target, nil, "Tags", F.pick(r, { "dbid:other", "", "dbio_device,dbid:数据库", "dbid:" .. hugeText(r) }))
                end
                other.edits = other.edits + 1
                if not applied then other.editRefused = other.editRefused + 1 end
            elseif action == 5 then
                local line = F.pick(r, {
                    "dbio restore x.dbio", "dbio restore ../../../etc/passwd", "dbio backup", "dbio migrate",
                    "dbio restore /tmp/a.dbio default", "dbio restore ..\\..\\a.dbio", "dbio", "dbio status",
                })
                local client = F.pick(r, senders)
                local before = #sim.printed
                local ran = sim:runCommand(line, client)
                other.console = other.console + 1
                -- The game refuses commands from non-admins before the mod sees them.
                if not ran or #sim.printed == before then other.consoleRefused = other.consoleRefused + 1 end
            elseif action == 6 then
                sim:pressButton(F.pick(r, characters), restocker, "restocker.toggle")
                other.toggles = other.toggles + 1
            else
                -- An admin at the console: backup names that point outside the backup folder.
                local name = F.pick(r, { "../a.dbio", "/etc/passwd", "..\\x.dbio", "a/../../b.dbio", "数据库.dbio", "nothere.dbio", hugeText(r) })
                local lines = {}
                local before = #sim.printed
                sim:runCommand("dbio restore \"" .. name .. "\"")
                for k = before + 1, #sim.printed do lines[#lines + 1] = sim.printed[k] end
                local text = table.concat(lines, "\n")
                assert.is_truthy(text:find("refused", 1, true) or text:find("no backup", 1, true) or text:find("a backup name", 1, true),
                    "restore of " .. name:sub(1, 40) .. " was refused: " .. text:sub(1, 300))
                other.console = other.console + 1
                other.consoleRefused = other.consoleRefused + 1
            end
            sim:tick(1)
        end

        -- Let every pending upkeep, flush and access check run, then compare.
        sim:tick(120)
        local dbAfter = F.dumpDatabases(api)
        local worldAfter = F.dumpWorld(sim)
        local lines = sim:runCommand("dbio verify") and sim.printed or {}
        local verifyLine = lines[#lines] or ""

        local reasonList = {}
        for reason, n in pairs(reasons) do reasonList[#reasonList + 1] = string.format("%s=%d", reason, n) end
        table.sort(reasonList)
        local kindList = {}
        for kind, n in pairs(kinds) do kindList[#kindList + 1] = string.format("%s=%d", kind, n) end
        table.sort(kindList)
        print(string.format("[fuzz_messages] sync requests tried %d, delivered %d, refused %d, answered %d", MESSAGES, delivered, syncRefused, MESSAGES - syncRefused))
        print("[fuzz_messages] other message names tried: " .. (#otherTried > 0 and table.concat(otherTried, ", ") or "none"))
        print("[fuzz_messages]   made as: " .. table.concat(kindList, ", "))
        print("[fuzz_messages]   refusals: " .. table.concat(reasonList, ", "))
        print(string.format("[fuzz_messages] other actions %d: button presses %d (refused %d), hook calls with nonsense %d, text fields %d, property edits %d (refused %d), console lines %d (refused %d), restocker toggles %d",
            OTHER_ACTIONS, other.presses, other.pressRefused, other.hooks, other.texts, other.edits, other.editRefused, other.console, other.consoleRefused, other.toggles))
        local changes = (dbAfter == dbBefore and 0 or 1) + (worldAfter == worldBefore and 0 or 1)
        print(string.format("[fuzz_messages] Lua errors escaped %d, state changes %d", #sim.errors, changes))

        assert.are.same({}, sim.errors)
        assert.is_nil(F.firstDifference(dbBefore, dbAfter), "databases changed")
        assert.is_nil(F.firstDifference(worldBefore, worldAfter), "world changed")
        assert.are.equal(0, changes)
        assert.are.equal(other.presses, other.pressRefused)
        assert.are.equal(other.edits, other.editRefused)
        assert.are.equal(other.console, other.consoleRefused)
        assert.is_truthy(verifyLine:find(" 0 finding(s)", 1, true), verifyLine)
        -- Requests from senders that may not ask are all refused: most of the run.
        assert.is_true(syncRefused > MESSAGES / 2, string.format("refused %d of %d", syncRefused, MESSAGES))
        sim:cleanup()
    end)
end)
