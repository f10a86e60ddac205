/**
 * Values by identifier, compared case-insensitively (as the game's Identifier does): read in full
 * on the first lookup and again after reset(). What is read comes from the caller (the game's
 * prefab collection on the server's host/itemPrefabs.ts and in the client's client/game.ts);
 * this module knows no game.
 */
export class IdentifierIndex<T> {
    private byId: LuaMap<string, T> | undefined;

    /** `fill` calls `add` once per value; a non-string identifier is skipped. */
    constructor(private readonly fill: (this: void, add: (this: void, identifier: unknown, value: T) => void) => void) {}

    /** The value with exactly this identifier (any case), undefined when there is none. */
    get(identifier: string): T | undefined {
        if (type(identifier) !== "string" || identifier === "") return undefined;
        if (this.byId === undefined) {
            const map = new LuaMap<string, T>();
            this.fill((id, value) => {
                if (type(id) === "string") map.set(string.lower(id as string), value);
            });
            this.byId = map;
        }
        return this.byId.get(string.lower(identifier));
    }

    /** The next lookup reads everything again. */
    reset(): void {
        this.byId = undefined;
    }
}
