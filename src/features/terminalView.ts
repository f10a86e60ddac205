/**
 * What a terminal offers: the rows of one database, searched and sorted.
 *
 * The view keeps the set of offered keys and when each last changed from the store's mutation
 * events (a reset event reseeds it once), so nothing scans the database per tick. Rows are built
 * when a page is requested: one row per key's counted units and one per exact entry (damaged
 * items, items with contents, stolen goods), each with a total order so pages stay stable.
 */
import type { DatabaseStore } from "../core/store";
import type { MutationEvent } from "../core/events";
import { ItemKey, keyIdentifier, keyQuality } from "../core/keys";
import { containsText } from "./terminalText";

export type SortMode = "name" | "amount" | "condition" | "recent";
export const SORT_MODES: readonly SortMode[] = ["name", "amount", "condition", "recent"];

export interface ViewRow {
    readonly key: ItemKey;
    /** Set for an exact entry (one unit). */
    readonly exactId?: number;
    readonly identifier: string;
    /** Localized name in lower case (the server's language). */
    readonly name: string;
    readonly amount: number;
    readonly condition: number;
    readonly changed: number;
}

export interface ViewQuery {
    readonly sort: SortMode;
    readonly descending: boolean;
    /** Cleaned, lower-case search text ("" = everything). */
    readonly search: string;
}

export interface RowSet {
    readonly rows: readonly ViewRow[];
    readonly units: number;
    readonly kinds: number;
}

/** Localized prefab names, by identifier. */
function nameOf(identifier: string): string {
    const prefab = ItemPrefab.GetItemPrefab(identifier);
    if (prefab === undefined) return identifier;
    const [success, value] = pcall(() => prefab.Name.Value);
    if (!success || type(value) !== "string" || value === "") return identifier;
    return string.lower(value as string);
}

export class DatabaseView {
    private offered = new LuaMap<ItemKey, true>();
    private changedAt = new LuaMap<ItemKey, number>();
    private names = new LuaMap<string, string>();
    private serial = 0;
    private seeded = false;
    /** Bumped on every change: cached row sets compare it. */
    version = 0;

    constructor(
        private readonly store: DatabaseStore,
        readonly dbId: string,
    ) {}

    onEvent(event: MutationEvent): void {
        this.version++;
        if (event.reset === true) {
            this.seeded = false;
            this.names = new LuaMap<string, string>();
            return;
        }
        for (const change of event.changes) {
            this.serial++;
            this.changedAt.set(change.key, this.serial);
            if (change.after > 0) this.offered.set(change.key, true);
            else this.offered.delete(change.key);
        }
    }

    private seed(): void {
        if (this.seeded) return;
        this.seeded = true;
        this.offered = new LuaMap<ItemKey, true>();
        const db = this.store.database(this.dbId);
        if (db === undefined) return;
        for (const key of db.offeredKeys()) this.offered.set(key, true);
    }

    private nameFor(identifier: string): string {
        let name = this.names.get(identifier);
        if (name === undefined) {
            name = nameOf(identifier);
            this.names.set(identifier, name);
        }
        return name;
    }

    /** Every row matching `query`, sorted. O(rows log rows); only on a page request. */
    rows(query: ViewQuery): RowSet {
        this.seed();
        const db = this.store.database(this.dbId);
        const rows: ViewRow[] = [];
        let units = 0;
        let kinds = 0;
        if (db === undefined) return { rows, units, kinds };
        // An exact name in any language the game resolves (ItemPrefab.GetItemPrefab) also matches.
        let byName: string | undefined;
        if (query.search !== "") {
            const prefab = ItemPrefab.GetItemPrefab(query.search);
            if (prefab !== undefined) byName = string.lower(prefab.Identifier.Value);
        }
        for (const [key] of this.offered) {
            if (db.isParked(key)) continue;
            const identifier = keyIdentifier(key);
            const name = this.nameFor(identifier);
            if (query.search !== "" && identifier !== byName && !containsText(identifier, query.search) && !containsText(name, query.search)) continue;
            const changed = this.changedAt.get(key) ?? 0;
            const counted = db.aggregatedOf(key);
            let any = false;
            if (counted > 0) {
                rows.push({ key, identifier, name, amount: counted, condition: 100, changed });
                units += counted;
                any = true;
            }
            for (const id of db.exactIdsOf(key)) {
                const entry = db.exactEntry(id);
                if (entry === undefined) continue;
                rows.push({ key, exactId: id, identifier, name, amount: 1, condition: entry.record.condition, changed });
                units += 1;
                any = true;
            }
            if (any) kinds++;
        }
        sortRows(rows, query);
        return { rows, units, kinds };
    }
}

/** Ascending total order under one sort mode: the mode's value, then name, key, exact id. */
function before(a: ViewRow, b: ViewRow, sort: SortMode): boolean {
    if (sort === "amount" && a.amount !== b.amount) return a.amount < b.amount;
    if (sort === "condition" && a.condition !== b.condition) return a.condition < b.condition;
    if (sort === "recent" && a.changed !== b.changed) return a.changed < b.changed;
    if (a.name !== b.name) return a.name < b.name;
    if (a.key !== b.key) return a.key < b.key;
    return (a.exactId ?? 0) < (b.exactId ?? 0);
}

export function sortRows(rows: ViewRow[], query: ViewQuery): void {
    const sort = query.sort;
    if (query.descending) {
        table.sort(rows, (a, b) => before(b, a, sort));
    } else {
        table.sort(rows, (a, b) => before(a, b, sort));
    }
}

export function qualityOf(row: ViewRow): number {
    return keyQuality(row.key);
}
