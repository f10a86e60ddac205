-- What a capture writes and a load reads back: the saveable state of items (see README.md
-- "Save format"), as plain tables.
local Items = require("sim.items")
local Inv = require("sim.inventory")

local S = {}

function S.deepcopy(v)
    if type(v) ~= "table" then return v end
    local out = {}
    for k, x in pairs(v) do out[k] = S.deepcopy(x) end
    return out
end

-- Characters XmlWriter refuses in an attribute value (XML 1.0 forbids them).
local INVALID_XML = "[%z\1-\8\11\12\14-\31]"

local function checkXml(problems, item, what, value)
    if type(value) == "string" and value:find(INVALID_XML) then
        problems[#problems + 1] = string.format("invalid XML character in %s of %s", what, tostring(item))
    end
end

--- One item's record. parent: the container's record id, container: 1-based inventory index of
--- the container, slot: 0-based slot.
local function record(item, parentId, container, slot, problems)
    local memory, signals = {}, {}
    for i, c in ipairs(Items.componentsOf(item, "MemoryComponent")) do
        memory[i] = c._value
        checkXml(problems, item, "MemoryComponent.Value", c._value)
    end
    for i, c in ipairs(Items.componentsOf(item, "CustomInterface")) do
        local values = {}
        for j, e in ipairs(c._elements) do
            values[j] = e._signal
            checkXml(problems, item, "CustomInterface signal", e._signal)
        end
        signals[i] = values
    end
    local labels = {}
    for i, c in ipairs(Items.componentsOf(item, "ItemLabel")) do
        labels[i] = c._text
        checkXml(problems, item, "ItemLabel.Text", c._text)
    end
    local tags = table.concat(item._tags, ",")
    checkXml(problems, item, "Tags", tags)
    local links = {}
    for _, other in ipairs(item._links) do
        if not other._removed then links[#links + 1] = other._id end
    end
    checkXml(problems, item, "OriginalOutpost", item._outpost)
    return {
        identifier = item._prefab._id,
        id = item._id,
        condition = item._condition,
        quality = item._quality,
        tags = tags,
        memory = memory,
        signals = signals,
        labels = labels,
        links = links,
        stolen = item._stolen,
        allowStealing = item._allowStealing,
        outpost = item._outpost,
        parent = parentId,
        container = container,
        slot = slot,
        x = item._x,
        y = item._y,
    }
end

local function addTree(out, item, parentId, container, slot, problems)
    out[#out + 1] = record(item, parentId, container, slot, problems)
    for k, inv in ipairs(item._ownInvs) do
        for s = 1, inv._cap do
            for _, child in ipairs(inv._slots[s]) do
                addTree(out, child, item._id, k, s - 1, problems)
            end
        end
    end
end

--- Every item saved with the main submarine: items whose root lies on it and is not held by a
--- character. Parents come before their contents.
function S.captureSub(world, problems)
    local out = {}
    local sub = world.mainSub
    for _, item in ipairs(world:liveItems()) do
        if item._parentInv == nil and item._sub ~= nil and item._sub == sub then
            addTree(out, item, nil, nil, nil, problems)
        end
    end
    return { name = sub and sub._info._name or "", items = out }
end

--- A character's inventory (top-level records have `slot` = the character inventory slot).
function S.captureCharacter(character, problems)
    local out = {}
    local inv = character._inventory
    for s = 1, inv._cap do
        for _, item in ipairs(inv._slots[s]) do
            local n = #out
            addTree(out, item, nil, nil, s - 1, problems)
            out[n + 1].top = true
        end
    end
    return out
end

local function applyProps(item, r)
    item.Condition = r.condition
    item.Quality = r.quality
    item.Tags = r.tags
    for i, c in ipairs(Items.componentsOf(item, "MemoryComponent")) do
        if r.memory and r.memory[i] ~= nil then c.Value = r.memory[i] end
    end
    for i, c in ipairs(Items.componentsOf(item, "CustomInterface")) do
        local values = r.signals and r.signals[i]
        if values then
            for j, e in ipairs(c._elements) do
                if values[j] ~= nil then e._signal = values[j] end
            end
        end
    end
    for i, c in ipairs(Items.componentsOf(item, "ItemLabel")) do
        if r.labels and r.labels[i] ~= nil then c._text = r.labels[i] end
    end
    item._stolen = r.stolen == true
    item._allowStealing = r.allowStealing ~= false
    item._outpost = r.outpost or ""
end

--- Item.Load for each record: construct (item.created fires), then apply the saved properties
--- (MemoryComponent.Value is not truncated while loading); then, as OnMapLoaded does, put the
--- contents into their containers. opts: keepIds, sub, character (top-level records go into its
--- inventory), note(msg).
function S.load(world, records, opts)
    local byRecordId, loaded = {}, {}
    world.loading = true
    for _, r in ipairs(records) do
        local prefab = world.prefabs.get(r.identifier)
        if prefab == nil then
            opts.note("Error loading item: could not find the item prefab \"" .. tostring(r.identifier) .. "\"")
        else
            local item = world:createItem(prefab, {
                id = opts.keepIds and r.id or nil,
                sub = opts.character and opts.character._sub or opts.sub,
                x = r.x, y = r.y,
            })
            applyProps(item, r)
            byRecordId[r.id] = item
            loaded[#loaded + 1] = { item = item, r = r }
        end
    end
    -- Links (the "linked" attribute): resolved once every item of the save exists.
    for _, e in ipairs(loaded) do
        for _, id in ipairs(e.r.links or {}) do
            local other = byRecordId[id]
            if other ~= nil then Items.link(e.item, other) end
        end
    end
    for _, e in ipairs(loaded) do
        local r, item = e.r, e.item
        local inv
        if r.parent ~= nil then
            local parent = byRecordId[r.parent]
            inv = parent and parent._ownInvs[r.container or 1]
        elseif opts.character and r.top then
            inv = opts.character._inventory
        end
        if inv ~= nil then
            local ok = Inv.tryPutSlot(inv, item, r.slot or 0, false, false, nil, true)
            if not ok then ok = Inv.tryPut(inv, item, nil, true) end
            if not ok then opts.note("could not put " .. tostring(item) .. " back into its container") end
        end
    end
    world.loading = false
    return byRecordId
end

--- Every record of a save (submarine and characters), for assertions.
function S.allRecords(save)
    local out = {}
    if save == nil then return out end
    for _, r in ipairs(save.sub and save.sub.items or {}) do out[#out + 1] = r end
    local names = {}
    for name in pairs(save.players or {}) do names[#names + 1] = name end
    table.sort(names)
    for _, name in ipairs(names) do
        for _, r in ipairs(save.players[name]) do out[#out + 1] = r end
    end
    return out
end

return S
