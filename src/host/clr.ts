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

/**
 * Reads a C# indexer (`this[key]`) of a userdata. MoonSharp reaches an indexer only through a
 * bracket index; a name index (`obj.key`) looks for a member called `key` and raises when there is
 * none. TypeScriptToLua prints `obj["key"]` as `obj.key`, so every indexer read goes through this
 * function, whose Lua indexes with a key held in a variable (the build checks that patch argument
 * tables are never read by name).
 */
export function indexed(obj: unknown, key: AnyNotNil): unknown {
    return (obj as LuaTable<AnyNotNil, unknown>).get(key);
}

/** Writes a C# indexer (`this[key] = value`) of a userdata; see `indexed`. */
export function setIndexed(obj: unknown, key: AnyNotNil, value: unknown): void {
    (obj as LuaTable<AnyNotNil, unknown>).set(key, value);
}
