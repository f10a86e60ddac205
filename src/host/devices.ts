/**
 * Reading the mod's own device items: which prefab they are and which database they are bound to.
 *
 * A device is bound to a database by an item tag `dbid:<name>`, editable in the submarine editor
 * (Item.Tags is saved with the item). No tag means the "default" database.
 */
import { normalizeDatabaseId, trimBlanks } from "../core/keys";
import { DB_TAG_PREFIX } from "../protocol/devices";

export function prefabIdOf(item: Item): string {
    return string.lower(item.Prefab.Identifier.Value);
}

export function databaseIdOf(item: Item): string {
    const tags = item.Tags;
    if (tags === undefined || tags === "") return "default";
    // One gmatch over the comma list (a positional find per tag copies the whole string each time
    // on MoonSharp). The only pattern class is "not a comma", which compares UTF-16 units as they
    // are: no character classes over player text (docs/platform.md).
    for (const [part] of string.gmatch(tags + ",", "([^,]*),")) {
        const tag = trimBlanks(part);
        if (string.lower(string.sub(tag, 1, DB_TAG_PREFIX.length)) === DB_TAG_PREFIX) {
            return normalizeDatabaseId(string.sub(tag, DB_TAG_PREFIX.length + 1));
        }
    }
    return "default";
}
