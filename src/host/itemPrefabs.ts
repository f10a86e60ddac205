/**
 * Item prefabs by identifier.
 *
 * `ItemPrefab.GetItemPrefab(text)` is not an identifier lookup: LuaCs defines it
 * (LuaCsForBarotrauma SharedSource/LuaCs/Lua/LuaBarotraumaAdditions.cs, ItemPrefab.GetItemPrefab)
 * as `MapEntityPrefab.Find(text, identifier: null) ?? MapEntityPrefab.Find(null, identifier: text)`,
 * and MapEntityPrefab.Find with a name (Barotrauma SharedSource/Map/MapEntityPrefab.cs) walks every
 * map entity prefab comparing the text with its Name in the current language, its OriginalName
 * and its aliases (case-insensitive) before any identifier is tried. A prefab whose display name
 * equals another prefab's identifier therefore wins, and a structure with that name makes the
 * answer nil (`as ItemPrefab`). Where an identifier is meant, look it up here: in the
 * PrefabCollection itself (`for p in ItemPrefab.Prefabs do`, its enumerator yields the active
 * prefab of every identifier), read once into a table by lower-case identifier (Identifier compares
 * case-insensitively) and read again at every round start, when content packages may have changed.
 */
import { addHook } from "./guard";

let byIdentifier: LuaMap<string, ItemPrefab> | undefined;
let hooked = false;

function build(): LuaMap<string, ItemPrefab> {
    const map = new LuaMap<string, ItemPrefab>();
    // Outside the game (module specs) there are no prefabs.
    const prefabs = (_G as unknown as { ItemPrefab?: typeof ItemPrefab }).ItemPrefab;
    if (prefabs === undefined) return map;
    for (const prefab of prefabs.Prefabs) {
        const id = prefab.Identifier.Value;
        if (type(id) === "string") map.set(string.lower(id), prefab);
    }
    return map;
}

/** The loaded item prefab with exactly this identifier (any case), undefined when there is none. */
export function itemPrefab(identifier: string): ItemPrefab | undefined {
    if (type(identifier) !== "string" || identifier === "") return undefined;
    if (byIdentifier === undefined) {
        byIdentifier = build();
        if (!hooked && (_G as unknown as { Hook?: unknown }).Hook !== undefined) {
            hooked = true;
            addHook("roundStart", "databaseio.itemprefabs", () => {
                byIdentifier = undefined;
            });
        }
    }
    return byIdentifier.get(string.lower(identifier));
}
