/**
 * The names a terminal search looks at, per identifier: the identifier, the name in the server's
 * language, and the item's names in English and Simplified Chinese read from the game's text packs
 * (see languageNames). Lower case; cached per identifier by the view (names do not change during a
 * round).
 */
import { warn } from "../../host/log";
import { itemPrefab } from "../../host/itemPrefabs";

function lowerName(get: (this: void) => unknown): string | undefined {
    const [success, value] = pcall(get);
    if (!success || type(value) !== "string" || value === "") return undefined;
    return string.lower(value as string);
}

/**
 * The game's prefab for a name or an identifier a player typed (none outside the game):
 * ItemPrefab.GetItemPrefab tries names first (host/itemPrefabs.ts); identifiers use itemPrefab.
 */
export function prefabOf(text: string): ItemPrefab | undefined {
    const prefabs = (_G as unknown as { ItemPrefab?: typeof ItemPrefab }).ItemPrefab;
    if (prefabs === undefined) return undefined;
    return prefabs.GetItemPrefab(text);
}

/** The prefab's name in the server's language, lower case (the identifier when it has none). */
export function displayNameOf(identifier: string): string {
    const prefab = itemPrefab(identifier);
    if (prefab === undefined) return identifier;
    return lowerName(() => prefab.Name.Value) ?? identifier;
}

/** Besides the server's language (prefab.Name), a search matches the item's names in these. */
const SEARCH_LANGUAGES = ["English", "Simplified Chinese"];
/** Text tag of an item's name: `entityname.<identifier>`. */
const ENTITY_NAME = "entityname.";
/** Element types of the TextManager.TextPacks copy; unregistered, reading it raises (luacs.d.ts). */
const TEXT_TYPES = ["Barotrauma.TextPack", "Barotrauma.TextPack+Text"];

/** Lower-case identifier -> lower-case names in SEARCH_LANGUAGES; read on the first search. */
let languageNameCache: LuaMap<string, string[]> | undefined;

function textOf(entry: unknown): string | undefined {
    if (type(entry) === "string") return entry as string;
    const [success, value] = pcall(() => (entry as TextPackText).RetrieveValue());
    return success && type(value) === "string" ? (value as string) : undefined;
}

function readLanguageNames(): LuaMap<string, string[]> {
    const names = new LuaMap<string, string[]>();
    const host = _G as unknown as { TextManager?: unknown; LuaUserData?: unknown };
    if (host.TextManager === undefined) return names;
    if (host.LuaUserData !== undefined) {
        for (const typeName of TEXT_TYPES) pcall(() => LuaUserData.RegisterType(typeName));
    }
    const wanted = new LuaMap<string, true>();
    for (const language of SEARCH_LANGUAGES) wanted.set(string.lower(language), true);
    // One pass over the wanted packs: their tables are keyed by userdata (no lookups by key).
    const [success, err] = pcall(() => {
        for (const [language, packs] of TextManager.TextPacks) {
            if (!wanted.has(string.lower(language.Value.Value))) continue;
            for (const pack of packs) {
                for (const [tag, entries] of pack.Texts) {
                    const key = string.lower(tag.Value);
                    if (string.sub(key, 1, ENTITY_NAME.length) !== ENTITY_NAME) continue;
                    const id = string.sub(key, ENTITY_NAME.length + 1);
                    for (const entry of entries) {
                        const text = textOf(entry);
                        if (text === undefined || text === "") continue;
                        let list = names.get(id);
                        if (list === undefined) {
                            list = [];
                            names.set(id, list);
                        }
                        list.push(string.lower(text));
                    }
                }
            }
        }
    });
    if (!success) {
        warn(string.format("item names in other languages are unavailable, search uses the server's language: %s", tostring(err)));
        return new LuaMap<string, string[]>();
    }
    return names;
}

/** The item's names in SEARCH_LANGUAGES, lower case (none when the game's texts cannot be read). */
export function languageNames(identifier: string): string[] {
    if (languageNameCache === undefined) languageNameCache = readLanguageNames();
    return languageNameCache.get(string.lower(identifier)) ?? [];
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
    for (const name of languageNames(identifier)) add(name);
    return names;
}
