-- Fixture blobs of schema 1 and 2 (test/fixtures/blobs): they decode to the snapshots written
-- out in snapshots.lua, their checksums match independent implementations of the documented
-- definitions, schema 1 migrates to the same content as schema 2, and schema 2 re-encodes
-- byte for byte.
local codec = require("core.codec")
local fixtures = dofile("test/fixtures/blobs/snapshots.lua")

local DIR = "test/fixtures/blobs/"

local function read_fixture(name)
    local f = assert(io.open(DIR .. name, "rb"))
    local s = f:read("*a")
    f:close()
    return (s:gsub("[\r\n]+$", ""))
end

-- The definitions in test/fixtures/blobs/README.md, written again here from the text.
local function schema1_checksum(content)
    local h = 0
    for i = 1, #content do h = (h * 31 + content:byte(i)) % 2147483647 end
    return string.format("%08X", h)
end

local function schema2_checksum(content)
    local function one(B, P)
        local h = 0
        for i = 1, #content do h = (h * B + content:byte(i)) % P end
        return (h * B + #content) % P
    end
    return string.format("%08X%08X", one(65599, 2147483647), one(92821, 2147483629))
end

local function decoded(blob)
    local r = codec.decodeSnapshot(blob)
    assert(r.ok, "refused: " .. tostring(r.code) .. ": " .. tostring(r.message))
    return r.value
end

describe("codec fixtures and migration", function()
    it("reads the schema 1 fixture as a migrated database", function()
        local blob = read_fixture("schema1_basic.blob")
        local d = decoded(blob)
        assert.are.equal(1, d.schema)
        assert.is_true(d.migrated)
        assert.are.same(fixtures.basic(), d.snapshot)
    end)

    it("migrates schema 1 to the same content the schema 2 fixture holds", function()
        local old = decoded(read_fixture("schema1_basic.blob"))
        local new = decoded(read_fixture("schema2_basic.blob"))
        assert.are.equal(2, new.schema)
        assert.is_false(new.migrated)
        assert.are.same(new.snapshot, old.snapshot)
        -- Rewriting a migrated database gives today's blob for it.
        assert.are.equal(read_fixture("schema2_basic.blob"), codec.encodeSnapshot(old.snapshot))
    end)

    it("migrates an empty schema 1 database", function()
        local d = decoded(read_fixture("schema1_empty.blob"))
        assert.is_true(d.migrated)
        assert.are.same(fixtures.empty(), d.snapshot)
    end)

    it("reads the full schema 2 fixture and re-encodes it byte for byte", function()
        local blob = read_fixture("schema2_full.blob")
        local d = decoded(blob)
        assert.are.same(fixtures.full(), d.snapshot)
        assert.are.equal(blob, codec.encodeSnapshot(d.snapshot))
        assert.are.equal(blob, codec.encodeSnapshot(fixtures.full()))
    end)

    it("carries checksums that match the documented definitions", function()
        for _, name in ipairs({ "schema1_basic.blob", "schema1_empty.blob" }) do
            local blob = read_fixture(name)
            assert.are.equal(schema1_checksum(blob:sub(1, -9)), codec.blobChecksum(blob), name)
        end
        for _, name in ipairs({ "schema2_basic.blob", "schema2_full.blob" }) do
            local blob = read_fixture(name)
            assert.are.equal("!", blob:sub(-17, -17))
            assert.are.equal(schema2_checksum(blob:sub(1, -18)), codec.blobChecksum(blob), name)
        end
    end)

    it("refuses every truncation and single-character substitution of a schema 1 blob", function()
        local blob = read_fixture("schema1_basic.blob")
        local tried = 0
        for len = 0, #blob - 1 do
            assert.is_false(codec.decodeSnapshot(blob:sub(1, len)).ok, "prefix " .. len)
            tried = tried + 1
        end
        for pos = 1, #blob do
            for c = 32, 126 do
                if c ~= blob:byte(pos) then
                    local damaged = blob:sub(1, pos - 1) .. string.char(c) .. blob:sub(pos + 1)
                    if codec.decodeSnapshot(damaged).ok then error("substitution at " .. pos .. " accepted") end
                    tried = tried + 1
                end
            end
        end
        print(string.format("\n  schema 1 damage refused: %d", tried))
    end)

    it("is strict about schema 1 content behind a valid checksum", function()
        local function seal1(content) return content .. schema1_checksum(content) end
        local cases = {
            { "DBIO1;main;4;steel#0=0;", "number" },
            { "DBIO1;main;4;steel#0=1.5;", "number" },
            { "DBIO1;main;4;steel#0=2,steel#0=3;", "duplicate" },
            { "DBIO1;main;4;steel#0;", "format" },
            { "DBIO1;main;4;steel#0=1,;", "format" },
            { "DBIO1;main;4;=1;", "format" },
            { "DBIO1;main;x;steel#0=1;", "number" },
            { "DBIO1;;4;steel#0=1;", "format" },
            { "DBIO1;main;4;steel#0=1;extra;", "format" },
            { "DBIO1;main;4;st%zzeel#0=1;", "text" },
            { "DBIO1;main;4;a b#0=1;", "text" },
        }
        for _, case in ipairs(cases) do
            local r = codec.decodeSnapshot(seal1(case[1]))
            assert.is_false(r.ok, case[1])
            assert.are.equal(case[2], r.code, case[1] .. " -> " .. tostring(r.message))
        end
        assert.is_true(codec.decodeSnapshot(seal1("DBIO1;main;4;steel#0=1;")).ok)
        assert.are.equal("checksum", codec.decodeSnapshot("DBIO1;main;4;steel#0=1;00000000").code)
    end)
end)
