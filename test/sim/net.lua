-- LuaCs net messages: a writer that records typed values and counts their size on the wire, and a
-- reader that must read the same types in the same order (a mismatch or a read past the end
-- raises a string error, which LuaCs logs from the receiving callback).
local Obj = require("sim.object")

local N = {}

-- Header of a LuaCs message: packet header, LuaCs message type, ushort name id.
N.HEADER_BYTES = 4

local INT_RANGES = {
    Byte = { 0, 255, 8 }, Int16 = { -32768, 32767, 16 }, UInt16 = { 0, 65535, 16 },
    Int32 = { -2147483648, 2147483647, 32 }, UInt32 = { 0, 4294967295, 32 },
    Int64 = { -9007199254740992, 9007199254740992, 64 }, UInt64 = { 0, 9007199254740992, 64 },
}

local function varintBits(v)
    local bytes = 1
    while v >= 128 do
        v = math.floor(v / 128)
        bytes = bytes + 1
    end
    return bytes * 8
end

local Writer = Obj.class("Barotrauma.Networking.WriteOnlyMessage")
N.Writer = Writer

local function push(self, t, v, bits)
    local vals = self._values
    vals[#vals + 1] = { t, v }
    self._bits = self._bits + bits
end

local function checkInt(kind, v)
    local r = INT_RANGES[kind]
    if type(v) ~= "number" or v ~= v then
        error("Write" .. kind .. ": expected a number, got " .. type(v), 4)
    end
    if v % 1 ~= 0 or v < r[1] or v > r[2] then
        error("Write" .. kind .. ": value " .. string.format("%.17g", v) .. " is not a valid " .. kind, 4)
    end
end

for kind, r in pairs(INT_RANGES) do
    Writer.methods["Write" .. kind] = function(self, v)
        checkInt(kind, v)
        push(self, kind, v, r[3])
    end
end
Writer.methods.WriteBoolean = function(self, v)
    if type(v) ~= "boolean" then error("WriteBoolean: expected a boolean, got " .. type(v), 3) end
    push(self, "Boolean", v, 1)
end
Writer.methods.WriteSingle = function(self, v)
    if type(v) ~= "number" then error("WriteSingle: expected a number, got " .. type(v), 3) end
    push(self, "Single", v, 32)
end
Writer.methods.WriteDouble = function(self, v)
    if type(v) ~= "number" then error("WriteDouble: expected a number, got " .. type(v), 3) end
    push(self, "Double", v, 64)
end
Writer.methods.WriteVariableUInt32 = function(self, v)
    checkInt("UInt32", v)
    push(self, "VariableUInt32", v, varintBits(v))
end
Writer.methods.WriteString = function(self, v)
    if type(v) ~= "string" then error("WriteString: expected a string, got " .. type(v), 3) end
    push(self, "String", v, varintBits(#v) + #v * 8)
end
Writer.getters.LengthBits = function(self) return self._bits end
Writer.getters.LengthBytes = function(self) return math.ceil(self._bits / 8) end

--- Bytes this message takes on the wire (payload rounded up to bytes plus the LuaCs header).
function N.wireBytes(writer)
    return math.ceil(writer._bits / 8) + N.HEADER_BYTES
end

function N.newWriter(name)
    return Obj.new(Writer, { _name = name, _values = {}, _bits = 0 })
end

local Reader = Obj.class("Barotrauma.Networking.ReadOnlyMessage")
N.Reader = Reader

local function take(self, kind)
    local i = self._pos + 1
    local v = self._values[i]
    if v == nil then
        error("Trying to read past the buffer size - likely caused by mismatching Write/Read calls (message '"
            .. tostring(self._name) .. "', read #" .. i .. " as " .. kind .. ")", 3)
    end
    if v[1] ~= kind then
        error("message '" .. tostring(self._name) .. "': read #" .. i .. " as " .. kind
            .. " but " .. v[1] .. " was written there", 3)
    end
    self._pos = i
    return v[2]
end

for _, kind in ipairs({ "Boolean", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
    "Single", "Double", "VariableUInt32", "String" }) do
    Reader.methods["Read" .. kind] = function(self) return take(self, kind) end
end
Reader.getters.LengthBits = function(self) return self._bits end
Reader.getters.LengthBytes = function(self) return math.ceil(self._bits / 8) end

--- A reader over what `writer` recorded (values are shared, positions are per reader).
function N.newReader(writerOrMessage)
    return Obj.new(Reader, {
        _name = writerOrMessage._name, _values = writerOrMessage._values, _pos = 0, _bits = writerOrMessage._bits,
    })
end

--- A frozen copy of a written message, as it went on the wire.
function N.snapshot(writer)
    local vals = {}
    for i, v in ipairs(writer._values) do vals[i] = { v[1], v[2] } end
    local msg = { name = writer._name, _name = writer._name, _values = vals, _bits = writer._bits, bytes = N.wireBytes(writer) }
    msg.values = {}
    for i, v in ipairs(vals) do msg.values[i] = v[2] end
    msg.types = {}
    for i, v in ipairs(vals) do msg.types[i] = v[1] end
    function msg.reader() return N.newReader(msg) end
    return msg
end

return N
