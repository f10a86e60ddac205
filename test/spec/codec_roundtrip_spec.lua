-- Round trips of the persisted format (src/core/codec.ts) on the byte runtime: every field,
-- nested contents, any text, empty and large databases, determinism, printable output.
local codec = require("core.codec")
local text = require("core.text")
local fixtures = dofile("test/fixtures/blobs/snapshots.lua")
local item, inside = fixtures.item, fixtures.inside

local SEED = tonumber(os.getenv("DBIO_SEED") or "") or os.time()

-- The string table the compiled modules see (kits/files.lua): runtime switches go there.
local module_strings = require("kits.files").moduleStrings
local S = module_strings(text.runtimeUnicode)

-- Runs fn on the byte runtime, whatever the test profile installed.
local function on_byte_runtime(fn)
    local saved = S.unicode
    S.unicode = nil
    local ok, err = pcall(fn)
    S.unicode = saved
    if not ok then error(err, 0) end
end

local function copy(v)
    if type(v) ~= "table" then return v end
    local t = {}
    for k, x in pairs(v) do t[k] = copy(x) end
    return t
end

-- What a snapshot looks like after a round trip: conditions keep two decimals.
local function normalize_record(r)
    r.condition = tonumber(string.format("%.2f", r.condition))
    for _, c in ipairs(r.contents) do normalize_record(c.record) end
end
local function normalized(s)
    local t = copy(s)
    for _, e in ipairs(t.exact) do normalize_record(e.record) end
    for _, e in ipairs(t.leasedExact) do normalize_record(e.record) end
    return t
end

-- Path of the first difference between two values, or nil (keeps failure output short).
local function first_difference(a, b, path)
    if type(a) ~= "table" or type(b) ~= "table" then
        if a ~= b then return path .. ": " .. tostring(a) .. " ~= " .. tostring(b) end
        return nil
    end
    for k, v in pairs(a) do
        local d = first_difference(v, b[k], path .. "." .. tostring(k))
        if d then return d end
    end
    for k in pairs(b) do
        if a[k] == nil then return path .. "." .. tostring(k) .. ": unexpected" end
    end
    return nil
end

local function roundtrip(s)
    local blob = codec.encodeSnapshot(s)
    local decoded = codec.decodeSnapshot(blob)
    assert(decoded.ok, "decode refused: " .. tostring(decoded.code) .. ": " .. tostring(decoded.message))
    return decoded.value, blob
end

local function assert_printable(blob)
    assert.is_nil(blob:find("[^\33-\126]"), "blob has a character outside 0x21..0x7E")
    assert.is_nil(blob:find("[<>&\"']"), "blob has an XML-special character")
end

local function empty_db(id)
    return { id = id or "default", version = 0, commitSerial = 0, nextExactId = 1,
        counts = {}, exact = {}, leasedCounts = {}, leasedExact = {} }
end

describe("codec round trip", function()
    it("keeps every field of a realistic database", function()
        local s = fixtures.full()
        local decoded, blob = roundtrip(s)
        assert.are.equal(2, decoded.schema)
        assert.is_false(decoded.migrated)
        assert.are.same(normalized(s), decoded.snapshot)
        assert_printable(blob)
    end)

    it("keeps contents nested three levels deep with their container and slot indices", function()
        local s = empty_db("nest")
        s.nextExactId = 8
        s.exact = { { id = 7, record = item("crate", 0, 100, false, "", {
            inside(2, 9, item("toolbox", 1, 50, false, "", {
                inside(0, 3, item("flashlight", 0, 75.5, true, "Outpost A", {
                    inside(1, 0, item("batterycell", 3, 0.01, false, "")),
                })),
            })),
            inside(0, 0, item("steel", 0, 100, false, "")),
        }) } }
        local got = roundtrip(s).snapshot.exact[1]
        assert.are.equal(7, got.id)
        local level1 = got.record.contents[1]
        local level2 = level1.record.contents[1]
        local level3 = level2.record.contents[1]
        assert.are.same({ 2, 9, "toolbox", 1, 50 }, { level1.container, level1.slot, level1.record.identifier, level1.record.quality, level1.record.condition })
        assert.are.same({ 0, 3, "flashlight", true, "Outpost A" }, { level2.container, level2.slot, level2.record.identifier, level2.record.stolen, level2.record.outpost })
        assert.are.same({ 1, 0, "batterycell", 3, 0.01 }, { level3.container, level3.slot, level3.record.identifier, level3.record.quality, level3.record.condition })
        assert.are.equal(0, #level3.record.contents)
        assert.are.equal("steel", got.record.contents[2].record.identifier)
    end)

    it("keeps the stolen flag both ways and conditions at two decimals", function()
        local s = empty_db()
        s.nextExactId = 5
        s.exact = {
            { id = 1, record = item("smg", 0, 99.994, true, "X") },
            { id = 2, record = item("smg", 0, 99.996, false, "") },
            { id = 4, record = item("smg", 0, 0, true, "") },
            { id = 3, record = item("smg", 0, -0.0, false, "") },
        }
        local got, blob = roundtrip(s)
        got = got.snapshot.exact
        assert.are.same({ true, false, true, false }, { got[1].record.stolen, got[2].record.stolen, got[3].record.stolen, got[4].record.stolen })
        assert.are.same({ 99.99, 100, 0, 0 }, { got[1].record.condition, got[2].record.condition, got[3].record.condition, got[4].record.condition })
        assert.is_nil(blob:find("-0.00", 1, true))
    end)

    it("round-trips any outpost text on the byte runtime (Chinese, emoji, accents, separators)", function()
        on_byte_runtime(function()
            local texts = {
                "北京前哨站", "前哨站 #7; 深海", "🚀🐟 Station", "Ünïcödé Öutpost", "a;b!c%d,e=f#g",
                "<tag attr=\"x\">&amp;'</tag>", "100%", "%41%u4E2D", "tab\tnew\nline", "\0nul",
                " lead and trail ", string.rep("长", 300),
            }
            local s = empty_db()
            s.nextExactId = #texts + 1
            for i, t in ipairs(texts) do
                s.exact[i] = { id = i, record = item("idcard", 0, 100, true, t) }
            end
            local decoded, blob = roundtrip(s)
            for i, t in ipairs(texts) do
                assert.are.equal(t, decoded.snapshot.exact[i].record.outpost)
            end
            assert_printable(blob)
        end)
    end)

    it("round-trips identifiers, keys and database ids that contain separators", function()
        local odd = { "a;b", "a!b", "a%b", "a,b", "a=b", "a b", "a<b>&\"'", "%3B", "a#b#c", "-._#", "ünï" }
        local s = empty_db("db; with! odd%chars")
        s.nextExactId = #odd + 1
        for i, name in ipairs(odd) do
            s.counts[i] = { name .. "#" .. i, i }
            s.leasedCounts[i] = { name, i + 100 }
            s.exact[i] = { id = i, record = item(name, i, 50, false, name) }
        end
        local decoded, blob = roundtrip(s)
        assert.are.same(normalized(s), decoded.snapshot)
        assert_printable(blob)
    end)

    it("round-trips an empty database", function()
        local s = empty_db()
        local decoded, blob = roundtrip(s)
        assert.are.same(s, decoded.snapshot)
        assert.are.equal("DBIO2;default;0;0;1;0;0;0;0;!", blob:sub(1, -17))
    end)

    it("round-trips a large database and stays compact (prints size and time)", function()
        local bases = { "oxygentank", "steel", "copper", "fpgacircuit", "weldingfueltank", "antibleeding1",
            "harpoon", "divingmask", "plastic", "sodium", "uranium", "batterycell", "screwdriver", "wrench",
            "flashlight", "coilgunammobox", "explosivespear", "fulgurium", "ballisticfiber", "organicfiber" }
        local s = empty_db("big")
        for i = 1, 10000 do
            local base = bases[(i % #bases) + 1]
            s.counts[i] = { base .. "_" .. i .. "#" .. (i % 4), (i * 7919) % 500 + 1 }
        end
        local keys_only = copy(s)
        for i = 1, 500 do
            s.exact[i] = { id = i, record = item(bases[(i % #bases) + 1], i % 3, (i * 37) % 10001 / 100, i % 5 == 0,
                i % 5 == 0 and "Outpost " .. i or "", i % 2 == 0 and { inside(0, i % 10, item("oxygentank", 0, 50, false, "")) } or {}) }
        end
        s.nextExactId = 501

        local t0 = os.clock()
        local blob = codec.encodeSnapshot(s)
        local t1 = os.clock()
        local decoded = codec.decodeSnapshot(blob)
        local t2 = os.clock()
        assert.is_true(decoded.ok)
        assert.is_nil(first_difference(normalized(s), decoded.value.snapshot, "snapshot"))

        local keys_blob = codec.encodeSnapshot(keys_only)
        local per_key = #keys_blob / 10000
        print(string.format("\n  large database: 10000 keys + 500 exact -> %d bytes; encode %.3f s, decode %.3f s; %.1f bytes per aggregated key",
            #blob, t1 - t0, t2 - t1, per_key))
        assert.is_true(per_key <= 25, "aggregated keys cost " .. per_key .. " bytes each")
    end)

    it("is deterministic", function()
        local s = fixtures.full()
        local blob = codec.encodeSnapshot(s)
        assert.are.equal(blob, codec.encodeSnapshot(copy(s)))
        assert.are.equal(blob, codec.encodeSnapshot(codec.decodeSnapshot(blob).value.snapshot))
        local other = copy(s)
        other.counts[1][2] = other.counts[1][2] + 1
        assert.are_not.equal(blob, codec.encodeSnapshot(other))
    end)

    it("round-trips random databases and always writes printable ASCII (prints seed)", function()
        print(string.format("\n  random round trips: seed %d (replay with DBIO_SEED=%d)", SEED, SEED))
        math.randomseed(SEED)
        local function rtext(max)
            local parts = {}
            for i = 1, math.random(0, max) do
                local pick = math.random(4)
                if pick == 1 then parts[i] = string.char(math.random(0, 255))
                elseif pick == 2 then parts[i] = string.char(math.random(32, 126))
                elseif pick == 3 then parts[i] = ({ "中", "文", "é", "🚀", ";", "!", "%", "#" })[math.random(8)]
                else parts[i] = string.char(math.random(97, 122)) end
            end
            return table.concat(parts)
        end
        local function rrecord(depth)
            local contents = {}
            if depth < 3 then
                for i = 1, math.random(0, 2) do
                    contents[i] = inside(math.random(0, 3), math.random(0, 40), rrecord(depth + 1))
                end
            end
            local id = rtext(12)
            if id == "" then id = "x" end
            return item(id, math.random(0, 3), math.random(0, 10000) / 100, math.random(2) == 1, rtext(10), contents)
        end
        local runs = 200
        on_byte_runtime(function()
            for _ = 1, runs do
                local s = empty_db(rtext(8) .. "d")
                s.version = math.random(0, 1e9)
                s.commitSerial = math.random(0, 1000)
                s.nextExactId = math.random(30, 1e6)
                local used = {}
                local function rcounts(list, n, most)
                    local seen = {}
                    for i = 1, n do
                        local key = rtext(10) .. "#" .. i
                        if not seen[key] then
                            seen[key] = true
                            list[#list + 1] = { key, math.random(1, most) }
                        end
                    end
                end
                rcounts(s.counts, math.random(0, 20), 1e6)
                rcounts(s.leasedCounts, math.random(0, 5), 63)
                local function rid()
                    local id
                    repeat id = math.random(0, s.nextExactId - 1) until not used[id]
                    used[id] = true
                    return id
                end
                for i = 1, math.random(0, 6) do s.exact[i] = { id = rid(), record = rrecord(0) } end
                for i = 1, math.random(0, 3) do s.leasedExact[i] = { id = rid(), record = rrecord(0) } end
                assert.is_true(codec.checkSnapshot(s).ok)
                local decoded, blob = roundtrip(s)
                assert.are.same(normalized(s), decoded.snapshot)
                assert_printable(blob)
            end
        end)
        print(string.format("  %d random databases round-tripped", runs))
    end)
end)
