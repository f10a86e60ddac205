/**
 * Item keys: what makes units interchangeable. A key is "identifier#quality" with the
 * identifier in lower case, e.g. "steel#0". Keys are plain strings so they can index Lua tables
 * directly (no userdata keys, see docs/platform.md).
 */
export type ItemKey = string;

export function makeKey(identifier: string, quality: number): ItemKey {
    return string.lower(identifier) + "#" + string.format("%d", quality);
}

export function keyIdentifier(key: ItemKey): string {
    const [at] = string.find(key, "#", 1, true);
    return at === undefined ? key : string.sub(key, 1, at - 1);
}

export function keyQuality(key: ItemKey): number {
    const [at] = string.find(key, "#", 1, true);
    if (at === undefined) return 0;
    return tonumber(string.sub(key, at + 1)) ?? 0;
}

const BLANK: { readonly [c: string]: true | undefined } = { " ": true, "\t": true, "\n": true, "\r": true };

/**
 * Trims ASCII blanks by comparing single characters: on MoonSharp, pattern classes like %s look
 * only at the low byte of a UTF-16 unit and would eat some Chinese characters.
 */
export function trimBlanks(raw: string): string {
    let first = 1;
    let last = raw.length;
    while (first <= last && BLANK[string.sub(raw, first, first)] === true) first++;
    while (last >= first && BLANK[string.sub(raw, last, last)] === true) last--;
    return string.sub(raw, first, last);
}

/** Database ids: trimmed, case-insensitive, empty means "default". */
export function normalizeDatabaseId(raw: string | undefined): string {
    if (type(raw) !== "string") return "default";
    const lowered = string.lower(trimBlanks(raw as string));
    return lowered === "" ? "default" : lowered;
}
