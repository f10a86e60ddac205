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

/** Database ids: trimmed, case-insensitive, empty means "default". */
export function normalizeDatabaseId(raw: string | undefined): string {
    if (raw === undefined) return "default";
    const [trimmed] = string.gsub(raw, "^%s*(.-)%s*$", "%1");
    const lowered = string.lower(trimmed);
    return lowered === "" ? "default" : lowered;
}
