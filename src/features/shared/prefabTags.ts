/**
 * Tag -> prefab identifiers, for tag-based stock lists and recipe ingredients. Built once from
 * ItemPrefab.Prefabs (O(prefabs)) on first use and kept: prefabs only change when content
 * packages do, and a stale entry only makes a lookup miss (the store refuses unknown prefabs).
 */
let index: LuaMap<string, string[]> | undefined = undefined;

function build(): LuaMap<string, string[]> {
    const map = new LuaMap<string, string[]>();
    // Each tag's list grows with a counter kept beside it (docs/architecture.md, "Growing arrays").
    const sizes = new LuaMap<string, number>();
    for (const prefab of ItemPrefab.Prefabs) {
        const id = string.lower(prefab.Identifier.Value);
        for (const tag of prefab.Tags) {
            const t = string.lower(tag.Value);
            let list = map.get(t);
            if (list === undefined) {
                list = [];
                map.set(t, list);
            }
            const n = sizes.get(t) ?? 0;
            list[n] = id;
            sizes.set(t, n + 1);
        }
    }
    for (const [, list] of map) table.sort(list);
    return map;
}

/** Identifiers of every loaded prefab carrying `tag` (sorted; empty when none). */
export function tagResolver(this: void, tag: string): readonly string[] {
    if (index === undefined) index = build();
    return index.get(string.lower(tag)) ?? [];
}

/** Content changed (or a test swapped prefabs): rebuild on next use. */
export function forgetPrefabTags(): void {
    index = undefined;
}
