/**
 * Reading the mod's own device items: which prefab they are and which database they are bound to.
 *
 * A device is bound to a database by an item tag `dbid:<name>`, editable in the submarine editor
 * (Item.Tags is saved with the item). No tag means the "default" database.
 */
import { normalizeDatabaseId } from "../core/keys";

export const DB_TAG_PREFIX = "dbid:";

export function prefabIdOf(item: Item): string {
    return string.lower(item.Prefab.Identifier.Value);
}

export function databaseIdOf(item: Item): string {
    const tags = item.Tags;
    if (tags === undefined || tags === "") return "default";
    for (const [tag] of string.gmatch(tags, "[^,]+")) {
        const [trimmed] = string.gsub(tag, "^%s*(.-)%s*$", "%1");
        if (string.lower(string.sub(trimmed, 1, DB_TAG_PREFIX.length)) === DB_TAG_PREFIX) {
            return normalizeDatabaseId(string.sub(trimmed, DB_TAG_PREFIX.length + 1));
        }
    }
    return "default";
}
