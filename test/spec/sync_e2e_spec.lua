-- Terminal sync on the built mod in the simulated game: players with client-side LuaCs get a
-- snapshot when they subscribe to a terminal they use and deltas after changes; players who join
-- mid-round or reconnect get a fresh snapshot; players without client-side LuaCs receive
-- nothing. Bad requests are refused and logged once per client and reason, change nothing, and
-- raise no Lua error.
local H = require("kits.harness")

local UP = "databaseio.sync.up"
local DOWN = "databaseio.sync.down"

local function serverRows(h)
    local rows = {}
    for _, e in ipairs(h:api().entries("default")) do rows[e.key] = e.amount end
    return rows
end

local function clientRows(sim, client, terminal)
    local model = sim:clientEnv(client).DatabaseIO.client.model(terminal)
    if model == nil then return nil end
    local rows = {}
    for _, r in ipairs(model:syncRows()) do rows[r.key] = r.amount end
    return rows
end

local function messagesTo(sim, name)
    local n = 0
    for _, e in ipairs(sim.netLog) do
        if e.dir == "toClients" and e.to == name then n = n + 1 end
    end
    return n
end

local function countPrinted(sim, needle)
    local n = 0
    for _, line in ipairs(sim.printed) do
        if line:find(needle, 1, true) then n = n + 1 end
    end
    return n
end

describe("terminal sync in the simulated game", function()
    local h, sim, terminal
    before_each(function()
        h = H.new({ mode = "server" })
        sim = h.sim
        terminal = sim:spawnNow("databaseterminalfixed", {})
        -- Unpowered: the players below use it (the panel and the server serve only a character
        -- using the terminal), but no page leases units, so the view changes only by the specs'
        -- own ingests.
        sim:setVoltage(terminal, 0)
        h:ingest(h:find("steel", 4))
        h:ingest(h:find("wrench"))
        h:tick(2)
    end)
    after_each(function()
        assert.are.same({}, sim.errors)
        sim:cleanup()
    end)

    -- A player with client-side LuaCs whose character uses the terminal (has it selected: the
    -- panel follows the selected terminal, and the server serves only a character using it).
    local function join(name)
        local c = sim:addClient({ name = name, luacs = true, lua = true })
        sim:select(c.Character, terminal)
        return c, sim:clientEnv(c).DatabaseIO.client
    end

    it("a subscriber gets a snapshot, then deltas; the view equals the server's", function()
        local c, api = join("Alice")
        api.open(terminal.ID)
        h:tick(30)
        assert.are.equal("live", api.info(terminal.ID).state)
        assert.are.equal("default", api.info(terminal.ID).db)
        assert.are.same(serverRows(h), clientRows(sim, c, terminal.ID))
        assert.is_not_nil(serverRows(h)["steel#0"])
        local before = sim.netStats.toClients.bytes
        h:ingest(h:find("copper", 2))
        h:tick(30)
        assert.are.same(serverRows(h), clientRows(sim, c, terminal.ID))
        -- one key changed: a small delta, not the view again
        assert.is_true(sim.netStats.toClients.bytes - before < 60)
        assert.are.equal(0, api.sync.resyncRequests)
    end)

    it("a player who joins mid-round, and one who reconnects, get a fresh snapshot", function()
        local a, apiA = join("Alice")
        apiA.open(terminal.ID)
        h:tick(20)
        h:ingest(h:find("copper", 3))
        h:tick(20)
        local late, apiLate = join("Bob")
        apiLate.open(terminal.ID)
        h:tick(20)
        assert.are.same(serverRows(h), clientRows(sim, late, terminal.ID))
        sim:disconnect(a)
        local sent = messagesTo(sim, "Alice")
        h:ingest(h:find("copper"))
        h:tick(200) -- past heartbeats and access checks
        assert.are.equal(sent, messagesTo(sim, "Alice"))
        local again, apiAgain = join("Alice")
        apiAgain.open(terminal.ID)
        h:tick(20)
        assert.are.equal("live", apiAgain.info(terminal.ID).state)
        assert.are.same(serverRows(h), clientRows(sim, again, terminal.ID))
        assert.are.same(serverRows(h), clientRows(sim, late, terminal.ID))
    end)

    it("players without client-side LuaCs, or who never subscribe, receive nothing", function()
        local vanilla = sim:addClient({ name = "Vanilla", luacs = false })
        local quiet = sim:addClient({ name = "Quiet", luacs = true })
        local _, api = join("Alice")
        api.open(terminal.ID)
        h:tick(30)
        h:ingest(h:find("copper", 2))
        h:tick(200)
        assert.are.same({}, vanilla.inbox)
        assert.are.same({}, quiet.inbox)
        assert.are.equal(0, messagesTo(sim, "Vanilla") + messagesTo(sim, "Quiet"))
        assert.is_true(messagesTo(sim, "Alice") > 0)
        -- a message from the vanilla client is refused (it never reported client-side LuaCs)
        sim:clientSend(vanilla, UP, function(w) w:WriteByte(1) w:WriteByte(1) w:WriteUInt16(terminal.ID) end)
        assert.are.same({}, vanilla.inbox)
        assert.are.equal(1, countPrinted(sim, "client Vanilla"))
    end)

    it("a subscriber who stops using the terminal is closed; bring is refused while no terminal serves it", function()
        local c, api = join("Alice")
        api.open(terminal.ID)
        h:tick(20)
        assert.is_true(api.bring(terminal.ID, "steel#0"))
        h:tick(5)
        local reply = api.info(terminal.ID).reply
        assert.is_false(reply.ok)
        assert.truthy(reply.text:find("not available", 1, true))
        sim:deselect(c.Character)
        h:tick(90)
        assert.are.equal("closed", api.info(terminal.ID).state)
        local sent = messagesTo(sim, "Alice")
        h:ingest(h:find("copper"))
        h:tick(200)
        assert.are.equal(sent, messagesTo(sim, "Alice"))
    end)

    describe("bad input", function()
        local c, api, before
        before_each(function()
            c, api = join("Mallory")
            h:tick(2)
            before = serverRows(h)
        end)

        local function send(fill)
            return sim:clientSend(c, UP, fill)
        end

        local function refusedOnce(needle)
            assert.are.equal(1, countPrinted(sim, needle))
            assert.are.same(before, serverRows(h))
            assert.are.same({}, sim.errors)
        end

        it("an unknown operation, twice, is logged once", function()
            for _ = 1, 2 do send(function(w) w:WriteByte(1) w:WriteByte(99) w:WriteUInt16(terminal.ID) end) end
            refusedOnce("unknown sync operation 99")
        end)

        it("a truncated message and wrong types are refused", function()
            send(function(w) w:WriteByte(1) end)
            send(function(w) w:WriteByte(1) w:WriteByte(4) w:WriteUInt16(terminal.ID) end)
            refusedOnce("malformed sync message")
            send(function(w) w:WriteString("hello") end)
            assert.are.equal(1, countPrinted(sim, "malformed sync message"))
            send(function(w) w:WriteByte(7) w:WriteByte(1) w:WriteUInt16(terminal.ID) end)
            refusedOnce("speaks sync protocol 7")
        end)

        it("a subscribe for something that is not a terminal, or a terminal out of reach", function()
            local core = sim:find("databasecore")
            send(function(w) w:WriteByte(1) w:WriteByte(1) w:WriteUInt16(core.ID) end)
            send(function(w) w:WriteByte(1) w:WriteByte(1) w:WriteUInt16(65000) end)
            h:tick(2)
            assert.are.equal(1, countPrinted(sim, "may not subscribe"))
            local far = sim:spawnNow("databaseterminalfixed", { tags = "dbid:secret" })
            sim:setPosition(far, 9000, 9000)
            send(function(w) w:WriteByte(1) w:WriteByte(1) w:WriteUInt16(far.ID) end)
            h:tick(2)
            assert.are.same(before, serverRows(h))
            -- nothing was subscribed: only refusals went out
            for _, msg in ipairs(c.inbox) do
                assert.are.equal(DOWN, msg.name)
                assert.are.equal(3, msg.values[2]) -- CLOSED
            end
            assert.are.equal(3, #c.inbox)
        end)

        it("an absurd number of subscriptions: the fifth is refused", function()
            -- the selected terminal and five handheld ones carried: six terminals in use
            local ids = { terminal.ID }
            for i = 1, 5 do ids[#ids + 1] = sim:spawnNow("databaseterminal", { inventory = c.Character.Inventory }).ID end
            -- the carried ones open their pages (leasing units): the view to keep is the one after
            h:tick(120)
            before = serverRows(h)
            for _, id in ipairs(ids) do api.open(id) end
            h:tick(20)
            local live, closed = 0, 0
            for _, id in ipairs(ids) do
                local state = api.info(id).state
                if state == "live" then live = live + 1 elseif state == "closed" then closed = closed + 1 end
            end
            assert.are.equal(4, live)
            assert.are.equal(2, closed)
            refusedOnce("more than 4 subscriptions")
        end)

        it("a bring with an invalid key, or without a subscription, changes nothing", function()
            send(function(w) w:WriteByte(1) w:WriteByte(4) w:WriteUInt16(terminal.ID) w:WriteString("steel#0") w:WriteVariableUInt32(0) end)
            refusedOnce("without a subscription")
            api.open(terminal.ID)
            h:tick(10)
            send(function(w) w:WriteByte(1) w:WriteByte(4) w:WriteUInt16(terminal.ID) w:WriteString("NOT A KEY") w:WriteVariableUInt32(0) end)
            refusedOnce("invalid key")
        end)

        it("a flood is rate limited and logged once", function()
            for _ = 1, 60 do send(function(w) w:WriteByte(1) w:WriteByte(3) w:WriteUInt16(terminal.ID) w:WriteVariableUInt32(0) end) end
            refusedOnce("too fast")
        end)
    end)
end)
