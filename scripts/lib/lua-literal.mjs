// Serializes plain JS data (strings, finite numbers, booleans, arrays, objects) as a Lua
// expression. Object keys keep their insertion order so the output is stable.

const KEYWORDS = new Set([
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]);

/** A Lua string literal. Non-ASCII text is kept as UTF-8; control characters are escaped. */
export function luaString(s) {
    let out = '"';
    for (const ch of String(s)) {
        const code = ch.codePointAt(0);
        if (ch === '"') out += '\\"';
        else if (ch === "\\") out += "\\\\";
        else if (ch === "\n") out += "\\n";
        else if (ch === "\r") out += "\\r";
        else if (ch === "\t") out += "\\t";
        // Three digits so a following digit can never extend the escape.
        else if (code < 32 || code === 127) out += "\\" + String(code).padStart(3, "0");
        else out += ch;
    }
    return out + '"';
}

function luaNumber(n) {
    if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as a Lua number`);
    if (Number.isInteger(n)) return n.toFixed(0);
    return String(n);
}

function luaKey(k) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !KEYWORDS.has(k) ? k : `[${luaString(k)}]`;
}

/** Lua source for `value`, indented with `indent` (spaces) per level. */
export function toLua(value, indent = "    ", level = 0) {
    if (value === null || value === undefined) throw new Error("nil has no place in a Lua table literal here");
    if (typeof value === "string") return luaString(value);
    if (typeof value === "number") return luaNumber(value);
    if (typeof value === "boolean") return value ? "true" : "false";
    const pad = indent.repeat(level + 1);
    const close = indent.repeat(level);
    if (Array.isArray(value)) {
        if (value.length === 0) return "{}";
        const simple = value.every((v) => typeof v !== "object");
        if (simple) return "{ " + value.map((v) => toLua(v, indent, level + 1)).join(", ") + " }";
        return "{\n" + value.map((v) => pad + toLua(v, indent, level + 1) + ",\n").join("") + close + "}";
    }
    if (typeof value === "object") {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined);
        if (entries.length === 0) return "{}";
        return "{\n" + entries.map(([k, v]) => `${pad}${luaKey(k)} = ${toLua(v, indent, level + 1)},\n`).join("") + close + "}";
    }
    throw new Error(`cannot write a ${typeof value} as Lua`);
}
