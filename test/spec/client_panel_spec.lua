-- The client panels drawn with the game's GUI classes as LuaCs exposes them (test/sim/gui.lua:
-- the real constructor overloads and members, strict): the terminal panel and the fabricator
-- panel come up without turning themselves off, nothing is drawn over anything else, and the
-- controls work.
local H = require("kits.harness")
local G = require("sim.gui")

describe("simulated GUI", function()
    local env, gui
    before_each(function()
        env = {}
        gui = G.install(env)
    end)

    local function rect(w, h, parent, anchor)
        return env.GUI.RectTransform(env.Vector2(w, h), parent, anchor)
    end

    it("takes only the game's constructor overloads", function()
        local frame = env.GUI.Frame(rect(0.5, 0.5, nil, env.GUI.Anchor.Center))
        -- GUITextBlock has no overload without its text
        assert.has_error(function() env.GUI.TextBlock(rect(1, 0.1, frame.RectTransform)) end)
        -- the style is the 4th parameter of GUIButton, after the alignment
        assert.has_error(function() env.GUI.Button(rect(1, 0.1, frame.RectTransform), "x", "GUIButtonSmall") end)
        -- GUIListBox's second parameter is isHorizontal, not a style
        assert.has_error(function() env.GUI.ListBox(rect(1, 0.1, frame.RectTransform), "GUIListBox") end)
        -- RectTransform's parent is required with a relative size (nil is fine, absent is not)
        assert.has_error(function() env.GUI.RectTransform(env.Vector2(1, 1)) end)
        -- members the classes do not have
        local box = env.GUI.TextBox(rect(1, 0.1, frame.RectTransform), "")
        assert.has_error(function() box.OnTextChanged = function() return true end end)
        assert.has_error(function() return box.OnTextChangedDelegate end)
        assert.has_error(function() return env.GUI.Anchor.Middle end)
        -- strings convert to LocalizedString / RichString
        local button = env.GUI.Button(rect(1, 0.1, frame.RectTransform), "x", env.GUI.Alignment.CenterLeft, "GUIButtonSmall")
        button.Text = "y"
        assert.are.equal("y", button.Text)
    end)

    it("finds siblings drawn over each other", function()
        local frame = env.GUI.Frame(rect(0.5, 0.5, nil, env.GUI.Anchor.Center))
        env.GUI.TextBlock(rect(1, 0.1, frame.RectTransform, env.GUI.Anchor.TopLeft), "a")
        env.GUI.TextBlock(rect(1, 0.1, frame.RectTransform, env.GUI.Anchor.TopRight), "b")
        env.GUI.TextBlock(rect(1, 0.1, frame.RectTransform, env.GUI.Anchor.BottomCenter), "c")
        frame.AddToGUIUpdateList()
        assert.are.same({ "GUITextBlock 'a' over GUITextBlock 'b'" }, gui.overlaps())
    end)
end)

describe("terminal panel", function()
    local h, sim
    after_each(function()
        assert.are.same({}, sim.errors)
        sim:cleanup()
    end)

    local function panelOff()
        for _, line in ipairs(sim.printed) do
            if line:find("panel is off", 1, true) then return line end
        end
        return nil
    end

    it("is drawn beside a selected terminal, without overlaps, and its controls work", function()
        h = H.new({ mode = "server" })
        sim = h.sim
        local terminal = sim:spawnNow("databaseterminalfixed", {})
        -- unpowered: no page is leased, so every entry stays in the list
        sim:setVoltage(terminal, 0)
        h:ingest(h:find("steel", 4))
        h:ingest(h:find("copper", 2))
        h:ingest(h:find("wrench"))
        h:tick(2)
        local client = sim:addClient({ name = "Ann", luacs = true, lua = true, gui = true })
        local gui = sim:clientGui(client)
        assert.is_true(sim:select(client.Character, terminal))
        h:tick(40)
        assert.is_nil(panelOff())
        assert.is_true(sim:clientEnv(client).DatabaseIO.client.hasPanel)
        assert.are.same({}, gui.overlaps())
        local rows = {}
        for _, b in ipairs(gui.find("GUIButton")) do
            if b.Text:find("x%d") then rows[#rows + 1] = b.Text end
        end
        assert.are.equal(3, #rows) -- steel, copper, wrench
        -- the search box narrows the rows
        local boxes = gui.find("GUITextBox")
        assert.are.equal(1, #boxes)
        gui.type(boxes[1], "copp")
        h:tick(5)
        local shown = {}
        for _, b in ipairs(gui.find("GUIButton")) do
            if b.Text:find("x%d") then shown[#shown + 1] = b.Text end
        end
        assert.are.equal(1, #shown)
        assert.truthy(shown[1]:find("x2", 1, true), shown[1])
        assert.are.same({}, gui.overlaps())
        assert.is_nil(panelOff())
        -- closing the terminal hides the panel
        sim:deselect(client.Character)
        h:tick(5)
        assert.are.same({}, gui.find("GUIButton"))
    end)
end)

describe("fabricator panel", function()
    it("is drawn while a recipe is chosen, without overlaps, and its button fills", function()
        local h = H.new({ mode = "server", sub = { name = "Fab Sub", items = {
            { id = "databasecore" }, { id = "fabricator" }, { id = "storagecabinet", key = "cab" },
            { id = "steel", count = 3, inside = "cab" }, { id = "plastic", count = 3, inside = "cab" },
        } } })
        local sim = h.sim
        for _, result in ipairs(h:ingest(sim:find("storagecabinet").OwnInventory.AllItemsMod)) do assert.is_true(result.ok, result.message) end
        h:tick(3)
        local client = sim:addClient({ name = "Ann", luacs = true, lua = true, gui = true })
        local gui = sim:clientGui(client)
        local fab = sim:find("fabricator")
        sim:select(client.Character, fab)
        sim:selectRecipe(fab, "screwdriver", 2)
        h:tick(10)
        local buttons = gui.find("GUIButton")
        assert.are.equal(1, #buttons)
        assert.truthy(buttons[1].Text:find("Fill from database", 1, true), buttons[1].Text)
        assert.are.same({}, gui.overlaps())
        gui.click(buttons[1])
        h:tick(5)
        assert.are.equal(1, h:amount("steel"))
        for _, line in ipairs(sim.printed) do assert.is_nil(line:find("panel is off", 1, true), line) end
        assert.are.same({}, sim.errors)
        h:cleanup()
    end)
end)
