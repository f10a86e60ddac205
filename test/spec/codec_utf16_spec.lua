-- MoonSharp's strings are UTF-16: `string.unicode` returns code units and `string.char(n)` makes
-- one character of any unit. This spec imitates that on PUC Lua (strings stay UTF-8 underneath):
-- a fake `string.unicode` decodes UTF-8 into UTF-16 units, a fake `string.char` turns units back
-- into UTF-8 (joining surrogate pairs passed together). text.ts looks for `string.unicode` at
-- call time, so installing the fakes switches the codec onto its UTF-16 path.
local codec = require("core.codec")
local text = require("core.text")
local fixtures = dofile("test/fixtures/blobs/snapshots.lua")
local item = fixtures.item

-- The string table the compiled modules see (kits/files.lua): runtime switches go there.
local module_strings = require("kits.files").moduleStrings
local S = module_strings(text.runtimeUnicode)
local real_char, real_unicode = string.char, S.unicode

local function utf8_of(cp)
    if cp < 0x80 then return real_char(cp) end
    if cp < 0x800 then return real_char(0xC0 + math.floor(cp / 64), 0x80 + cp % 64) end
    if cp < 0x10000 then
        return real_char(0xE0 + math.floor(cp / 4096), 0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
    end
    return real_char(0xF0 + math.floor(cp / 262144), 0x80 + math.floor(cp / 4096) % 64,
        0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
end

-- UTF-16 units of a UTF-8 string; a stray byte stands for itself.
local function units_of(s)
    local units, i = {}, 1
    while i <= #s do
        local b = s:byte(i)
        local len = b >= 0xF0 and 4 or b >= 0xE0 and 3 or b >= 0xC0 and 2 or 1
        local cp = len == 1 and b or b % (2 ^ (7 - len))
        local valid = len == 1 or i + len - 1 <= #s
        for k = 1, len - 1 do
            local cont = s:byte(i + k)
            if not cont or cont < 0x80 or cont > 0xBF then valid = false break end
            cp = cp * 64 + cont % 64
        end
        if not valid then cp, len = b, 1 end
        if cp >= 0x10000 then
            cp = cp - 0x10000
            units[#units + 1] = 0xD800 + math.floor(cp / 1024)
            units[#units + 1] = 0xDC00 + cp % 1024
        else
            units[#units + 1] = cp
        end
        i = i + len
    end
    return units
end

local function fake_unicode(s, i, j)
    return table.unpack(units_of(s:sub(i or 1, j or i or 1)))
end

local function fake_char(...)
    local args, out, k = { ... }, {}, 1
    while k <= #args do
        local u, nxt = args[k], args[k + 1]
        if u >= 0xD800 and u <= 0xDBFF and nxt and nxt >= 0xDC00 and nxt <= 0xDFFF then
            out[#out + 1] = utf8_of(0x10000 + (u - 0xD800) * 1024 + (nxt - 0xDC00))
            k = k + 2
        else
            out[#out + 1] = utf8_of(u)
            k = k + 1
        end
    end
    return table.concat(out)
end

local function use_utf16()
    S.unicode = fake_unicode
    S.char = fake_char
end

local function use_bytes()
    S.unicode = nil
    S.char = real_char
end

local function outposts_db(texts)
    local s = fixtures.empty()
    s.nextExactId = #texts + 1
    for i, t in ipairs(texts) do s.exact[i] = { id = i, record = item("idcard", 0, 100, true, t) } end
    return s
end

local function assert_printable(blob)
    assert.is_nil(blob:find("[^\33-\126]"), "blob has a character outside 0x21..0x7E")
    assert.is_nil(blob:find("[<>&\"']"), "blob has an XML-special character")
end

describe("codec on a UTF-16 runtime (simulated)", function()
    after_each(function()
        S.unicode = real_unicode
        S.char = real_char
    end)

    it("escapes Chinese text as %uXXXX code units and keeps the blob ASCII", function()
        use_utf16()
        assert.are.equal("%u5317%u4EAC%20Outpost", text.escapeText("北京 Outpost"))
        local texts = { "北京前哨站", "深海 #7; 站点!", "欧罗巴 Station <东>" }
        local blob = codec.encodeSnapshot(outposts_db(texts))
        assert_printable(blob)
        assert.is_truthy(blob:find("%u5317%u4EAC", 1, true))
        local r = codec.decodeSnapshot(blob)
        assert.is_true(r.ok, tostring(r.message))
        for i, t in ipairs(texts) do assert.are.equal(t, r.value.snapshot.exact[i].record.outpost) end
    end)

    it("round-trips emoji as surrogate pairs and Latin-1 as %XX", function()
        use_utf16()
        assert.are.equal("%uD83D%uDE80", text.escapeText("🚀"))
        assert.are.equal("caf%E9", text.escapeText("café"))
        local texts = { "🚀🐟 Station", "café Ünïcödé", "mixed 中文🚀é;%!", "a\0b" }
        local blob = codec.encodeSnapshot(outposts_db(texts))
        assert_printable(blob)
        local r = codec.decodeSnapshot(blob)
        assert.is_true(r.ok, tostring(r.message))
        for i, t in ipairs(texts) do assert.are.equal(t, r.value.snapshot.exact[i].record.outpost) end
    end)

    it("escapes a character whose low byte is a safe ASCII letter", function()
        -- U+4E41 ends in 0x41 ('A'); a byte-wise pattern on MoonSharp would let it through.
        use_utf16()
        local ch = fake_char(0x4E41)
        assert.are.equal("%u4E41", text.escapeText(ch))
        assert.are.equal(ch, text.unescapeText("%u4E41", true))
    end)

    it("writes ASCII-only text the same way on both runtimes", function()
        local s = fixtures.full()
        use_bytes()
        local on_bytes = codec.encodeSnapshot(s)
        use_utf16()
        local on_units = codec.encodeSnapshot(s)
        assert.are.equal(on_bytes, on_units)
        assert.are.equal(on_bytes, codec.encodeSnapshot(codec.decodeSnapshot(on_units).value.snapshot))
    end)

    it("uses %XX for bytes on a byte runtime, %uXXXX for units on a UTF-16 one", function()
        use_bytes()
        assert.are.equal("%E5%8C%97", text.escapeText("北"))
        use_utf16()
        assert.are.equal("%u5317", text.escapeText("北"))
    end)

    it("refuses %u escapes on a byte runtime with a clear message", function()
        use_utf16()
        local blob = codec.encodeSnapshot(outposts_db({ "北京" }))
        use_bytes()
        local r = codec.decodeSnapshot(blob)
        assert.is_false(r.ok)
        assert.are.equal("text", r.code)
        assert.is_truthy(r.message:find("UTF-16", 1, true))
    end)

    it("refuses non-canonical escapes on a UTF-16 runtime", function()
        use_utf16()
        for _, bad in ipairs({ "%u0041", "%u00E9", "%u4e2d", "%uD83D%u0041x", "%u12", "%E" }) do
            assert.is_nil(text.unescapeText(bad, true), bad)
        end
        assert.are.equal(fake_char(0xD83D), text.unescapeText("%uD83D", true))
    end)

    it("reads code units for the checksum: a non-ASCII character is refused", function()
        use_utf16()
        local content = "DBIO2;main;5;1;10;1;中#0;1;0;0;0;"
        local r = codec.decodeSnapshot(content .. "!" .. string.rep("0", 16))
        assert.are.equal("charset", r.code)
    end)

    it("reads the fixtures the same as the byte runtime does", function()
        for _, name in ipairs({ "schema1_basic.blob", "schema2_basic.blob", "schema2_full.blob" }) do
            local f = assert(io.open("test/fixtures/blobs/" .. name, "rb"))
            local blob = f:read("*a")
            f:close()
            use_bytes()
            local on_bytes = codec.decodeSnapshot(blob)
            use_utf16()
            local on_units = codec.decodeSnapshot(blob)
            assert.is_true(on_bytes.ok and on_units.ok, name)
            assert.are.same(on_bytes.value, on_units.value)
        end
    end)
end)
