/**
 * C# collections reach Lua in two shapes (docs/platform.md): an IList or array is copied into a
 * 1-based table, any other IEnumerable stays userdata that `for x in obj do` iterates. Which one a
 * member is can change between game versions, so list-valued members are read through this.
 */
export function toArray<T>(raw: unknown): T[] {
    if (raw === undefined || raw === null) return [];
    if (type(raw) === "table") return raw as T[];
    const out: T[] = [];
    let nOut = 0;
    for (const x of raw as LuaIterable<T>) { out[nOut] = x; nOut++; }
    return out;
}
