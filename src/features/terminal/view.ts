/**
 * What a terminal offers: the rows of one database, searched and sorted.
 *
 * One row per key's counted units and one per exact entry (damaged items, items with contents,
 * stolen goods). Each (sort mode, search) pair of a database has one OrderIndex, shared by every
 * terminal showing that query: its rows stay sorted as the database changes. A store event only
 * marks the changed keys dirty; the next read re-sorts just those keys' rows (O(log n) remove and
 * insert in a RankedList), so a page open reads the page's rows and never sorts or shifts the
 * whole database.
 * Direction is the same index read backwards. Every order is total (the mode's value, then name,
 * key, exact id), so pages are stable.
 */
import type { StoreReader } from "../../core/store";
import type { Database } from "../../core/database";
import type { MutationEvent } from "../../core/mutationEvents";
import { ItemKey, keyIdentifier, keyQuality } from "../../core/keys";
import { containsText } from "../shared/fieldText";
import {
    compareWith,
    extensionGeneration,
    filterFor,
    filterMatches,
    SearchFilterDef,
    sortModeOf,
    SortModeDef,
} from "./extensions";
import { displayNameOf, prefabOf, searchNamesOf } from "./names";
import { RankedList } from "./order";
import type { ViewRow } from "./row";

/** "name" | "amount" | "condition" | "recent", or a registered sort mode's id. */
export type SortMode = string;

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

/** Orders kept per database at most; the least recently used one goes first. */
const MAX_INDEXES = 24;

function tieBreak(a: ViewRow, b: ViewRow): number {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    if (a.key !== b.key) return a.key < b.key ? -1 : 1;
    const ea = a.exactId ?? 0;
    const eb = b.exactId ?? 0;
    if (ea !== eb) return ea < eb ? -1 : 1;
    return 0;
}

function byValue(x: number, y: number): number {
    if (x === y) return 0;
    return x < y ? -1 : 1;
}

/** The rows of one (sort, search) query of a database, kept sorted ascending. */
export class OrderIndex {
    private readonly rows = new RankedList<ViewRow>();
    private readonly cmp: (this: void, a: ViewRow, b: ViewRow) => number;
    private byKey = new LuaMap<ItemKey, ViewRow[]>();
    private dirty = new LuaMap<ItemKey, true>();
    private dirtyCount = 0;
    private built = false;
    /** The extension comparator failed to give an order: the tie-break alone is used. */
    private fallback = false;
    private readonly mode: SortModeDef | undefined;
    private readonly filter: SearchFilterDef | undefined;
    private readonly filterText: string;
    /** An exact name in any language the game resolves (ItemPrefab.GetItemPrefab) also matches. */
    private readonly byName: string | undefined;
    units = 0;
    kinds = 0;
    lastUsed = 0;

    constructor(
        private readonly view: DatabaseView,
        readonly sort: SortMode,
        readonly search: string,
    ) {
        this.cmp = (a, b) => this.compare(a, b);
        this.mode = sortModeOf(sort);
        const [filter, text] = filterFor(search);
        this.filter = filter;
        this.filterText = text;
        if (filter === undefined && search !== "") {
            const prefab = prefabOf(search);
            if (prefab !== undefined) this.byName = string.lower(prefab.Identifier.Value);
        }
    }

    compare(a: ViewRow, b: ViewRow): number {
        const sort = this.sort;
        let c = 0;
        if (sort === "amount") c = byValue(a.amount, b.amount);
        else if (sort === "condition") c = byValue(a.condition, b.condition);
        else if (sort === "recent") c = byValue(a.changed, b.changed);
        else if (this.mode !== undefined && !this.fallback) c = compareWith(this.mode, a, b);
        if (c < 0) return -1;
        if (c > 0) return 1;
        return tieBreak(a, b);
    }

    /** `compare(a, b) < 0`, without the mode dispatch per call (a first build sorts every row). */
    private lessThan(): (this: void, a: ViewRow, b: ViewRow) => boolean {
        const sort = this.sort;
        if (sort === "amount") return (a, b) => (a.amount !== b.amount ? a.amount < b.amount : tieBreak(a, b) < 0);
        if (sort === "condition") return (a, b) => (a.condition !== b.condition ? a.condition < b.condition : tieBreak(a, b) < 0);
        if (sort === "recent") return (a, b) => (a.changed !== b.changed ? a.changed < b.changed : tieBreak(a, b) < 0);
        if (this.mode === undefined) return (a, b) => (a.name !== b.name ? a.name < b.name : tieBreak(a, b) < 0);
        return (a, b) => this.compare(a, b) < 0;
    }

    markDirty(key: ItemKey): void {
        if (this.dirty.has(key)) return;
        this.dirty.set(key, true);
        this.dirtyCount++;
    }

    private keyMatches(identifier: string): boolean {
        const search = this.search;
        if (search === "" || this.filter !== undefined) return true;
        if (identifier === this.byName) return true;
        for (const name of this.view.searchNames(identifier)) {
            if (containsText(name, search)) return true;
        }
        return false;
    }

    /** The rows `key` has in this query now. */
    private rowsOf(db: Database, key: ItemKey): ViewRow[] {
        const out: ViewRow[] = [];
        let nOut = 0;
        if (db.isParked(key)) return out;
        const identifier = keyIdentifier(key);
        if (!this.keyMatches(identifier)) return out;
        const name = this.view.nameOf(identifier);
        const changed = this.view.changedOf(key);
        const counted = db.aggregatedOf(key);
        if (counted > 0) { out[nOut] = { key, identifier, name, amount: counted, condition: 100, changed }; nOut++; }
        if (db.exactCountOf(key) > 0) {
            for (const id of db.exactIdsOf(key)) {
                const entry = db.exactEntry(id);
                if (entry !== undefined) { out[nOut] = { key, exactId: id, identifier, name, amount: 1, condition: entry.record.condition, changed }; nOut++; }
            }
        }
        const filter = this.filter;
        if (filter === undefined || out.length === 0) return out;
        const kept: ViewRow[] = [];
        let nKept = 0;
        for (const row of out) {
            if (filterMatches(filter, row, this.filterText)) { kept[nKept] = row; nKept++; }
        }
        return kept;
    }

    private account(rows: ViewRow[], sign: number): void {
        if (rows.length === 0) return;
        for (const r of rows) this.units += sign * r.amount;
        this.kinds += sign;
    }

    /** Builds every row and sorts once: on first use, or when most keys changed at once. */
    private build(): void {
        this.built = true;
        this.byKey = new LuaMap<ItemKey, ViewRow[]>();
        this.units = 0;
        this.kinds = 0;
        const all: ViewRow[] = [];
        let nAll = 0;
        const db = this.view.database();
        if (db !== undefined) {
            for (const key of db.offeredKeys()) {
                const rows = this.rowsOf(db, key);
                if (rows.length === 0) continue;
                this.byKey.set(key, rows);
                this.account(rows, 1);
                for (const r of rows) { all[nAll] = r; nAll++; }
            }
        }
        const [sorted] = pcall(() => table.sort(all, this.lessThan()));
        if (!sorted) {
            // An inconsistent extension comparator: fall back to the name order.
            this.fallback = true;
            table.sort(all, (a, b) => tieBreak(a, b) < 0);
        }
        this.rows.reset(all);
    }

    /** Position (1-based) where `row` goes: after every row that sorts before or equal to it. */
    private insertAt(row: ViewRow): number {
        return this.rows.countBefore(row, this.cmp, true) + 1;
    }

    /** Position (1-based) of this very row object, or undefined. */
    private positionOfRow(row: ViewRow): number | undefined {
        const at = this.rows.countBefore(row, this.cmp, false) + 1;
        if (this.rows.at(at) === row) return at;
        // Only an extension comparator that changed its mind gets here.
        const all = this.rows.toArray();
        for (let i = 0; i < all.length; i++) {
            if (all[i] === row) return i + 1;
        }
        return undefined;
    }

    /**
     * Applies the keys changed since the last read. A full build reads and sorts every key of the
     * database, while a changed key costs O(log n) here, so a build is worth it only when about
     * half the keys changed (measured against the database's keys, not this query's rows: a
     * search with few matches would otherwise be rebuilt from every key on each page change).
     */
    refresh(): void {
        const db = this.view.database();
        const keyCount = db === undefined ? 0 : db.keyCount();
        if (!this.built || this.dirtyCount > 16 + keyCount / 2) {
            this.dirty = new LuaMap<ItemKey, true>();
            this.dirtyCount = 0;
            this.build();
            return;
        }
        if (this.dirtyCount === 0) return;
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of this.dirty) { keys[nKeys] = key; nKeys++; }
        this.dirty = new LuaMap<ItemKey, true>();
        this.dirtyCount = 0;
        table.sort(keys);
        for (const key of keys) {
            const old = this.byKey.get(key);
            if (old !== undefined) {
                for (const r of old) {
                    const at = this.positionOfRow(r);
                    if (at !== undefined) this.rows.removeAt(at);
                }
                this.account(old, -1);
                this.byKey.delete(key);
            }
            const rows = db === undefined ? [] : this.rowsOf(db, key);
            if (rows.length === 0) continue;
            this.byKey.set(key, rows);
            this.account(rows, 1);
            for (const r of rows) this.rows.insertAt(this.insertAt(r), r);
        }
    }

    size(): number {
        return this.rows.size();
    }

    /** Row `pos` (1-based) in the query's direction. */
    at(pos: number, descending: boolean): ViewRow | undefined {
        const n = this.rows.size();
        if (pos < 1 || pos > n) return undefined;
        return this.rows.at(descending ? n - pos + 1 : pos);
    }

    /** Up to `count` rows from position `start` in the query's direction (a copy: O(log n + count)). */
    window(start: number, count: number, descending: boolean): ViewRow[] {
        return this.rows.window(start, count, descending);
    }

    /**
     * Where an entry is in the query's direction (1-based): exact entry `exactId`, or the counted
     * row of `key` (its first exact entry when it has no counted units). Undefined: not offered
     * or not matching this query.
     */
    positionOf(key: ItemKey, exactId: number | undefined, descending: boolean): number | undefined {
        const rows = this.byKey.get(key);
        if (rows === undefined) return undefined;
        let found: ViewRow | undefined;
        for (const r of rows) {
            if (exactId !== undefined ? r.exactId === exactId : r.exactId === undefined) found = r;
        }
        if (found === undefined && exactId === undefined) found = rows[0];
        if (found === undefined) return undefined;
        const at = this.positionOfRow(found);
        if (at === undefined) return undefined;
        return descending ? this.rows.size() - at + 1 : at;
    }

    /** Every row in the query's direction (a copy; O(rows): tests and tools only). */
    all(descending: boolean): ViewRow[] {
        return this.window(1, this.rows.size(), descending);
    }
}

export class DatabaseView {
    private changedAt = new LuaMap<ItemKey, number>();
    private names = new LuaMap<string, string>();
    private searchNameCache = new LuaMap<string, string[]>();
    private indexes = new LuaMap<string, OrderIndex>();
    private indexCount = 0;
    private serial = 0;
    private uses = 0;
    private generation = extensionGeneration();
    /** Bumped on every change. */
    version = 0;

    constructor(
        private readonly store: StoreReader,
        readonly dbId: string,
    ) {}

    database() {
        return this.store.database(this.dbId);
    }

    onEvent(event: MutationEvent): void {
        this.version++;
        if (event.reset === true) {
            this.names = new LuaMap<string, string>();
            this.searchNameCache = new LuaMap<string, string[]>();
            this.dropIndexes();
            return;
        }
        for (const change of event.changes) {
            this.serial++;
            this.changedAt.set(change.key, this.serial);
            for (const [, index] of this.indexes) index.markDirty(change.key);
        }
    }

    private dropIndexes(): void {
        this.indexes = new LuaMap<string, OrderIndex>();
        this.indexCount = 0;
    }

    changedOf(key: ItemKey): number {
        return this.changedAt.get(key) ?? 0;
    }

    nameOf(identifier: string): string {
        let name = this.names.get(identifier);
        if (name === undefined) {
            name = displayNameOf(identifier);
            this.names.set(identifier, name);
        }
        return name;
    }

    searchNames(identifier: string): string[] {
        let names = this.searchNameCache.get(identifier);
        if (names === undefined) {
            names = searchNamesOf(identifier);
            this.searchNameCache.set(identifier, names);
        }
        return names;
    }

    /** The up-to-date order for `query` (shared by every terminal asking the same). */
    index(query: ViewQuery): OrderIndex {
        const generation = extensionGeneration();
        if (generation !== this.generation) {
            // A sort mode or filter was (re)registered: orders built with the old one go.
            this.generation = generation;
            this.dropIndexes();
        }
        const id = query.sort + "\n" + query.search;
        let index = this.indexes.get(id);
        if (index === undefined) {
            if (this.indexCount >= MAX_INDEXES) this.evictOldest();
            index = new OrderIndex(this, query.sort, query.search);
            this.indexes.set(id, index);
            this.indexCount++;
        }
        this.uses++;
        index.lastUsed = this.uses;
        index.refresh();
        return index;
    }

    private evictOldest(): void {
        let oldestId: string | undefined;
        let oldest = math.huge;
        for (const [id, index] of this.indexes) {
            if (index.lastUsed < oldest) {
                oldest = index.lastUsed;
                oldestId = id;
            }
        }
        if (oldestId === undefined) return;
        this.indexes.delete(oldestId);
        this.indexCount--;
    }

    /** Every row matching `query`, in its order (a copy: O(rows); tests and tools). */
    rows(query: ViewQuery): RowSet {
        const index = this.index(query);
        return { rows: index.all(query.descending), units: index.units, kinds: index.kinds };
    }
}

export function qualityOf(row: ViewRow): number {
    return keyQuality(row.key);
}
