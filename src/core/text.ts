/**
 * How every field of the persisted blob is written as text.
 *
 * Text fields (database id, item keys, identifiers, outpost names) keep the characters of a safe
 * set (ASCII letters, digits, `_ . # -`) and escape every other code unit:
 *   - a unit <= 0xFF as `%XX` (two upper-case hex digits), on every runtime;
 *   - a unit  > 0xFF as `%uXXXX` (four upper-case hex digits). Only a UTF-16 runtime has such units.
 * On a byte runtime (PUC Lua) the units are the bytes of the UTF-8 text; on MoonSharp they are the
 * UTF-16 code units of the .NET string (`string.unicode`). An escaped field is therefore printable
 * ASCII on both, and ASCII-only text escapes identically on both. Decoding is the exact inverse on
 * the runtime that wrote the text; a `%u` escape cannot be read back on a byte runtime.
 *
 * The runtime is detected at call time (is there a `string.unicode`?), so a spec can install a
 * UTF-16 imitation and exercise both paths in one process.
 *
 * Why not one `string.gsub(s, "[^safe]", ...)` on MoonSharp: its pattern matcher compares the low
 * byte of each UTF-16 unit, so a character such as U+4E41 would pass as "A". The UTF-16 path reads
 * real code units instead.
 *
 * Numbers are written with string.format only ("%d" / "%.2f"); the parsers accept exactly the
 * canonical forms the writer produces, so decoding then encoding gives the same text.
 */

type UnicodeFn = (this: void, s: string, i?: number, j?: number) => LuaMultiReturn<number[]>;

/** Every character outside the safe set, as a Lua pattern class (valid on ASCII input). */
const UNSAFE_CLASS = "[^0-9A-Za-z_.#%-]";

/** Escape of every unsafe unit <= 0xFF, by unit and by one-byte string; safe ASCII by unit. */
const ESCAPE_OF_UNIT = new LuaTable<number, string>();
const ESCAPE_OF_BYTE = new LuaTable<string, string>();
const SAFE_CHAR_OF_UNIT = new LuaTable<number, string>();
for (let unit = 0; unit <= 255; unit++) {
    const ch = string.char(unit);
    const [unsafe] = string.find(ch, UNSAFE_CLASS);
    if (unit < 128 && unsafe === undefined) {
        SAFE_CHAR_OF_UNIT.set(unit, ch);
    } else {
        const escaped = string.format("%%%02X", unit);
        ESCAPE_OF_UNIT.set(unit, escaped);
        ESCAPE_OF_BYTE.set(ch, escaped);
    }
}

/** The runtime's code-unit reader, or undefined on a byte runtime. Looked up at every call. */
export function runtimeUnicode(): UnicodeFn | undefined {
    return (string as unknown as { unicode?: UnicodeFn }).unicode;
}

/**
 * Escapes on a UTF-16 runtime walk code units in Lua, so results are remembered (identifiers and
 * outposts repeat from one capture to the next). Bounded: cleared when it grows past the limit,
 * and dropped when the runtime's reader changes.
 */
const MEMO_LIMIT = 4096;
let memo = new LuaMap<string, string>();
let memoSize = 0;
let memoOwner: UnicodeFn | undefined = undefined;

function escapeUnits(s: string, unicode: UnicodeFn): string {
    if (memoOwner !== unicode) {
        memo = new LuaMap<string, string>();
        memoSize = 0;
        memoOwner = unicode;
    }
    const known = memo.get(s);
    if (known !== undefined) return known;

    const units = [...unicode(s, 1, -1)];
    let clean = true;
    for (const unit of units) {
        if (SAFE_CHAR_OF_UNIT.get(unit) === undefined) {
            clean = false;
            break;
        }
    }
    let escaped = s;
    if (!clean) {
        const parts: string[] = [];
        let nParts = 0;
        for (const unit of units) {
            const safe = SAFE_CHAR_OF_UNIT.get(unit);
            if (safe !== undefined) { parts[nParts] = safe; nParts++; }
            else if (unit <= 255) { parts[nParts] = ESCAPE_OF_UNIT.get(unit); nParts++; }
            else { parts[nParts] = string.format("%%u%04X", unit); nParts++; }
        }
        escaped = table.concat(parts);
    }
    if (memoSize >= MEMO_LIMIT) {
        memo = new LuaMap<string, string>();
        memoSize = 0;
    }
    memo.set(s, escaped);
    memoSize += 1;
    return escaped;
}

/** Escapes one text field: the result contains only safe characters and escapes. */
export function escapeText(s: string): string {
    if (s === "") return s;
    const unicode = runtimeUnicode();
    if (unicode !== undefined) return escapeUnits(s, unicode);
    const [escaped] = string.gsub(s, UNSAFE_CLASS, ESCAPE_OF_BYTE as unknown as Record<string, string>);
    return escaped;
}

function charOfHex(this: void, hex: string): string {
    return string.char(tonumber(hex, 16) as number);
}

function charsOfSurrogates(this: void, high: string, low: string): string {
    return string.char(tonumber(high, 16) as number, tonumber(low, 16) as number);
}

/**
 * Reverses escapeText on this runtime. Returns undefined when the field is not exactly what
 * escapeText writes (an unsafe character, a malformed or non-canonical escape, or a `%u` escape
 * on a byte runtime). `asciiChecked` says the caller has already verified that the field is
 * printable ASCII (the codec checks the whole blob once), which allows a pattern-only fast path.
 */
export function unescapeText(field: string, asciiChecked = false): string | undefined {
    const unicode = runtimeUnicode();
    const [percent] = string.find(field, "%", 1, true);
    if (percent === undefined) {
        if (unicode !== undefined && !asciiChecked) return escapeUnits(field, unicode) === field ? field : undefined;
        const [unsafe] = string.find(field, UNSAFE_CLASS);
        return unsafe === undefined ? field : undefined;
    }
    let text: string;
    if (unicode === undefined) {
        [text] = string.gsub(field, "%%(%x%x)", charOfHex);
    } else {
        // Surrogate pairs go to string.char together, then single units, then bytes. A canonical
        // field never yields a '%' from the first two passes (units <= 0xFF are written as %XX).
        [text] = string.gsub(field, "%%u(D[89AB]%x%x)%%u(D[CDEF]%x%x)", charsOfSurrogates);
        [text] = string.gsub(text, "%%u(%x%x%x%x)", charOfHex);
        [text] = string.gsub(text, "%%(%x%x)", charOfHex);
    }
    // escapeText is injective, so this accepts exactly the fields it can produce.
    return escapeText(text) === field ? text : undefined;
}

/** Whether a field uses the UTF-16 escape form (for a clearer refusal on a byte runtime). */
export function hasUnitEscape(field: string): boolean {
    const [at] = string.find(field, "%u", 1, true);
    return at !== undefined;
}

/** Largest whole number the format accepts: 15 digits stay exact in a double (< 2^53). */
export const MAX_WHOLE = 999999999999999;

/** A whole number in 0..MAX_WHOLE. */
export function isWhole(n: unknown): n is number {
    return type(n) === "number" && (n as number) >= 0 && (n as number) <= MAX_WHOLE && math.floor(n as number) === n;
}

/** "%d" of a whole number; anything else becomes a token the parser refuses (never rounded). */
export function formatWhole(n: number): string {
    return isWhole(n) ? string.format("%d", n) : "invalid";
}

/** Parses the canonical "%d" form of a whole number (no sign, no leading zero, <= 15 digits). */
export function parseWhole(token: string): number | undefined {
    if (token === "0") return 0;
    const [digits] = string.find(token, "^[1-9]%d*$");
    if (digits === undefined || token.length > 15) return undefined;
    return tonumber(token);
}

/**
 * "%.2f" of a condition, or undefined when it is not a percentage (non-finite, below 0, or above
 * 100 after rounding to two decimals). -0 and tiny negatives round to "0.00", not "-0.00".
 */
export function formatCondition(c: number): string | undefined {
    if (type(c) !== "number" || !(c >= -1 && c <= 101)) return undefined;
    let text = string.format("%.2f", c);
    if (text === "-0.00") text = "0.00";
    return parseCondition(text) === undefined ? undefined : text;
}

/** Parses the canonical "%.2f" form of a condition in 0.00..100.00. */
export function parseCondition(token: string): number | undefined {
    const [whole] = string.find(token, "^%d+%.%d%d$");
    if (whole === undefined || token.length > 6) return undefined;
    const [leadingZero] = string.find(token, "^0%d");
    if (leadingZero !== undefined) return undefined;
    const value = tonumber(token);
    if (value === undefined || value > 100) return undefined;
    return value;
}
