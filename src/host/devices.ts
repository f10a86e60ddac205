/**
 * Reading the mod's own device items: which prefab they are and which database they are bound to.
 *
 * A device is bound to a database by an item tag `dbid:<name>`, editable in the submarine editor
 * (Item.Tags is saved with the item). No tag means the "default" database.
 */
import { normalizeDatabaseId, trimBlanks } from "../core/keys";

export const DB_TAG_PREFIX = "dbid:";

export function prefabIdOf(item: Item): string {
    return string.lower(item.Prefab.Identifier.Value);
}

export function databaseIdOf(item: Item): string {
    const tags = item.Tags;
    if (tags === undefined || tags === "") return "default";
    // Split on commas with a plain find: patterns are not safe on UTF-16 text (docs/platform.md).
    let start = 1;
    while (start <= tags.length + 1) {
        const [comma] = string.find(tags, ",", start, true);
        const stop = comma === undefined ? tags.length + 1 : comma;
        const tag = trimBlanks(string.sub(tags, start, stop - 1));
        if (string.lower(string.sub(tag, 1, DB_TAG_PREFIX.length)) === DB_TAG_PREFIX) {
            return normalizeDatabaseId(string.sub(tag, DB_TAG_PREFIX.length + 1));
        }
        start = stop + 1;
    }
    return "default";
}
