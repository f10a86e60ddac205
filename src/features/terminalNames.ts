/**
 * The names a terminal search looks at, per identifier: the identifier, the name in the server's
 * language, and the names in the other languages the game has loaded (see namesInLanguages).
 * Lower case; cached per identifier by the view (names do not change during a round).
 */
function lowerName(get: (this: void) => unknown): string | undefined {
    const [success, value] = pcall(get);
    if (!success || type(value) !== "string" || value === "") return undefined;
    return string.lower(value as string);
}

/** The game's prefab for an identifier or a name in any loaded language (none outside the game). */
export function prefabOf(text: string): ItemPrefab | undefined {
    const prefabs = (_G as unknown as { ItemPrefab?: typeof ItemPrefab }).ItemPrefab;
    if (prefabs === undefined) return undefined;
    return prefabs.GetItemPrefab(text);
}

/** The prefab's name in the server's language, lower case (the identifier when it has none). */
export function displayNameOf(identifier: string): string {
    const prefab = prefabOf(identifier);
    if (prefab === undefined) return identifier;
    return lowerName(() => prefab.Name.Value) ?? identifier;
}

/** Every name a search matches for `identifier`, lower case, without duplicates. */
export function searchNamesOf(identifier: string): string[] {
    const names: string[] = [identifier];
    const seen = new LuaMap<string, true>();
    seen.set(identifier, true);
    const add = (name: string | undefined): void => {
        if (name === undefined || seen.has(name)) return;
        seen.set(name, true);
        names.push(name);
    };
    add(displayNameOf(identifier));
    return names;
}
