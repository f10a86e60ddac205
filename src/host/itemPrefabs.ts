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
import { IdentifierIndex } from "../core/identifierIndex";

/** Every item prefab of the game's collection; outside the game (module specs) there are none. */
function readItemPrefabs(this: void, add: (this: void, identifier: unknown, prefab: ItemPrefab) => void): void {
    const prefabs = (_G as unknown as { ItemPrefab?: typeof ItemPrefab }).ItemPrefab;
    if (prefabs === undefined) return;
    for (const prefab of prefabs.Prefabs) add(prefab.Identifier.Value, prefab);
}

const index = new IdentifierIndex<ItemPrefab>(readItemPrefabs);
let hooked = false;

/** The loaded item prefab with exactly this identifier (any case), undefined when there is none. */
export function itemPrefab(identifier: string): ItemPrefab | undefined {
    if (type(identifier) !== "string" || identifier === "") return undefined;
    if (!hooked && (_G as unknown as { Hook?: unknown }).Hook !== undefined) {
        hooked = true;
        addHook("roundStart", "databaseio.itemprefabs", () => {
            index.reset();
        });
    }
    return index.get(identifier);
}
