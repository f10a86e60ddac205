-- Every text a player sees exists in English and Simplified Chinese:
--  * the item XML's names and descriptions (entityname.X / entitydescription.X for every item the
--    manifest's item files define) and every text tag used in a text="" or label="" attribute;
--  * the two languages' text files hold the same keys, none empty;
--  * the player-facing messages of the Lua code (src/host/texts.ts) have both languages with the
--    same placeholders.
local profile = require("moonsharp_profile")
local ROOT = profile.ROOT

local readFile = require("kits.files").read

--- Manifest entries of one kind ("Item", "Text"): paths under mod/.
local function manifestFiles(kind)
    local files = {}
    for file in readFile(ROOT .. "/filelist.xml"):gmatch("<" .. kind .. ' file="%%ModDir%%/([^"]+)"') do
        files[#files + 1] = ROOT .. "/mod/" .. file
    end
    return files
end

--- language name -> { key -> text } over every text file of the manifest.
local function textsByLanguage()
    local out = {}
    for _, path in ipairs(manifestFiles("Text")) do
        local xml = readFile(path)
        local language = assert(xml:match('<infotexts[^>]-language="([^"]+)"'), path .. ": no language")
        out[language] = out[language] or {}
        for key, value in xml:gmatch("<([%w_%.%-]+)>(.-)</%1>") do
            assert.is_nil(out[language][key], path .. ": " .. key .. " defined twice")
            out[language][key] = value
        end
    end
    return out
end

--- Identifiers of the items the item files define (elements directly under <Items>).
local function itemIdentifiers()
    local ids = {}
    for _, path in ipairs(manifestFiles("Item")) do
        for id in readFile(path):gmatch('\n  <Item identifier="([^"]+)"') do ids[#ids + 1] = id end
    end
    return ids
end

--- Text tags the item files use in text="" and label="" attributes (the game's own tags excluded).
local VANILLA = { "connection.", "itemmsg" }
local function textTags()
    local tags, seen = {}, {}
    for _, path in ipairs(manifestFiles("Item")) do
        local xml = readFile(path)
        for attr, value in xml:gmatch('%s(%a+)="([^"]*)"') do
            local a = attr:lower()
            if (a == "text" or a == "label") and value ~= "" and not seen[value] then
                local vanilla = false
                for _, prefix in ipairs(VANILLA) do
                    if value:lower():sub(1, #prefix) == prefix then vanilla = true end
                end
                if not vanilla then
                    seen[value] = true
                    tags[#tags + 1] = value
                end
            end
        end
    end
    return tags
end

describe("text files", function()
    local texts = textsByLanguage()
    local english, chinese = texts["English"], texts["Simplified Chinese"]

    it("exist for English and Simplified Chinese", function()
        assert.is_table(english)
        assert.is_table(chinese)
    end)

    it("name and describe every item in both languages", function()
        local ids = itemIdentifiers()
        assert.is_true(#ids >= 8, "found only " .. #ids .. " items")
        local missing = {}
        for _, id in ipairs(ids) do
            for _, key in ipairs({ "entityname." .. id, "entitydescription." .. id }) do
                if english[key] == nil then missing[#missing + 1] = "English " .. key end
                if chinese[key] == nil then missing[#missing + 1] = "Simplified Chinese " .. key end
            end
        end
        assert.are.same({}, missing)
    end)

    it("have every text tag the item XML uses (buttons, text fields, labels)", function()
        local tags = textTags()
        assert.is_true(#tags >= 5, "found only " .. #tags .. " text tags")
        local missing = {}
        for _, tag in ipairs(tags) do
            if english[tag] == nil then missing[#missing + 1] = "English " .. tag end
            if chinese[tag] == nil then missing[#missing + 1] = "Simplified Chinese " .. tag end
        end
        assert.are.same({}, missing)
    end)

    it("hold the same keys in both languages, none empty", function()
        local problems = {}
        for key, value in pairs(english) do
            if chinese[key] == nil then problems[#problems + 1] = "no Simplified Chinese " .. key end
            if value:match("^%s*$") then problems[#problems + 1] = "empty English " .. key end
        end
        for key, value in pairs(chinese) do
            if english[key] == nil then problems[#problems + 1] = "no English " .. key end
            if value:match("^%s*$") then problems[#problems + 1] = "empty Simplified Chinese " .. key end
        end
        table.sort(problems)
        assert.are.same({}, problems)
    end)
end)

describe("content package manifest (filelist.xml)", function()
    it("has a name, modversion and gameversion, and lists every item and text file of mod/", function()
        local manifest = readFile(ROOT .. "/filelist.xml")
        local root = assert(manifest:match("<contentpackage[^>]*>"))
        for _, attr in ipairs({ "name", "modversion", "gameversion" }) do
            assert.truthy(root:match("%s" .. attr .. '="[^"]+"'), attr)
        end
        local listed = {}
        for _, kind in ipairs({ "Item", "Text" }) do
            for _, path in ipairs(manifestFiles(kind)) do listed[path] = true end
        end
        local unlisted = {}
        for _, folder in ipairs({ "Items", "Texts" }) do
            local handle = assert(io.popen("ls '" .. ROOT .. "/mod/" .. folder .. "'", "r"))
            for name in handle:lines() do
                local path = ROOT .. "/mod/" .. folder .. "/" .. name
                if name:match("%.xml$") and not listed[path] then unlisted[#unlisted + 1] = folder .. "/" .. name end
            end
            handle:close()
        end
        assert.are.same({}, unlisted)
    end)
end)

describe("player messages (host/texts)", function()
    local texts = require("host.texts")

    local function placeholders(s)
        local list = {}
        for p in s:gmatch("%%(.)") do list[#list + 1] = p end
        return list
    end

    it("every message has both languages with the same placeholders", function()
        local count = 0
        for id, message in pairs(texts.MESSAGES) do
            count = count + 1
            for _, language in ipairs(texts.LANGUAGES) do
                assert.is_string(message[language], id .. " has no " .. language)
                assert.is_true(#message[language] > 0, id .. " is empty in " .. language)
            end
            assert.are_not.equal(message.en, message.zh, id .. " is not translated")
            assert.are.same(placeholders(message.en), placeholders(message.zh), id)
        end
        assert.is_true(count >= 10)
    end)

    it("formats in the chosen language and never raises", function()
        assert.are.equal("Not stored, handed back: full", texts.playerText("terminal.handed_back", "en", "full"))
        assert.are.equal("未存入，已退还：满", texts.playerText("terminal.handed_back", "zh", "满"))
        assert.are.equal("database 'main' is full (5 of 5 units)", texts.playerText("ingest.full", "en", "main", 5, 5))
        assert.are.equal("no.such.id", texts.playerText("no.such.id", "zh"))
        assert.is_string(texts.playerText("ingest.full", "en")) -- missing arguments: the template
        assert.are.equal("zh", texts.languageOf("Simplified Chinese"))
        assert.are.equal("en", texts.languageOf("English"))
        assert.are.equal("en", texts.languageOf(nil))
    end)
end)
