/**
 * The client panel's model: the cached rows of one database (from snapshots and deltas), the
 * local search, sort and category filter, and which rows the GUI must redraw. Pure: names and
 * categories come from a lookup the caller gives, so the specs drive it without a game.
 *
 * Redraws: a change of one row's amount marks only that row, unless it can move the row (sorting
 * by amount or by recent change) or make it appear or vanish (then the visible list is rebuilt).
 */
import type { ItemKey } from "../core/keys";
import { keyIdentifier, keyQuality } from "../core/keys";
import type { SyncRow } from "../protocol/sync";

export type PanelSort = "name" | "amount" | "condition" | "recent";
export const PANEL_SORTS: readonly PanelSort[] = ["name", "amount", "condition", "recent"];

export interface PanelLookup {
    /** Localized display name (any language; compared as given, searched in lower case). */
    name(this: void, identifier: string): string;
    /** The prefab's category flags (MapEntityCategory), 0 when unknown. */
    category(this: void, identifier: string): number;
}

export interface PanelRow {
    readonly key: ItemKey;
    readonly identifier: string;
    readonly quality: number;
    readonly name: string;
    readonly lowerName: string;
    readonly category: number;
    amount: number;
    exact: number;
    worst: number;
    /** When it last changed (a counter): the "recent" sort. */
    changed: number;
}

export interface PanelDirty {
    /** The visible list changed (order or membership): redraw the list. */
    readonly list: boolean;
    /** Rows whose content changed but kept their place (only when `list` is false). */
    readonly keys: ItemKey[];
}

/** Single-flag test without bitwise operators (luaTarget universal). */
export function hasFlag(flags: number, flag: number): boolean {
    if (flag <= 0) return true;
    return math.floor(flags / flag) % 2 === 1;
}

export class PanelModel {
    private readonly rows = new LuaMap<ItemKey, PanelRow>();
    private count = 0;
    private units = 0;
    private clock = 0;
    private search = "";
    private sort: PanelSort = "name";
    private descending = false;
    private categoryFlag = 0;
    private visibleCache: PanelRow[] | undefined = undefined;
    private listDirty = true;
    private dirtyKeys = new LuaMap<ItemKey, true>();

    constructor(private readonly lookup: PanelLookup) {}

    // ---- data ----

    /** Replaces every row (a complete snapshot). */
    replaceAll(rows: readonly SyncRow[]): void {
        for (const [key] of this.rows) this.rows.delete(key);
        this.count = 0;
        this.units = 0;
        for (const row of rows) this.apply(row);
        this.invalidate();
    }

    /** One row from a delta: amount 0 removes the key. */
    apply(row: SyncRow): void {
        this.clock += 1;
        const existing = this.rows.get(row.key);
        if (row.amount <= 0) {
            if (existing === undefined) return;
            this.rows.delete(row.key);
            this.count -= 1;
            this.units -= existing.amount;
            if (this.isShown(existing)) this.invalidate();
            return;
        }
        if (existing === undefined) {
            const identifier = keyIdentifier(row.key);
            const name = this.lookup.name(identifier);
            const created: PanelRow = {
                key: row.key,
                identifier,
                quality: keyQuality(row.key),
                name,
                lowerName: string.lower(name),
                category: this.lookup.category(identifier),
                amount: row.amount,
                exact: row.exact,
                worst: row.worst,
                changed: this.clock,
            };
            this.rows.set(row.key, created);
            this.count += 1;
            this.units += row.amount;
            if (this.isShown(created)) this.invalidate();
            return;
        }
        const moved = existing.amount !== row.amount ? this.sort === "amount" : false;
        const worseMoved = existing.worst !== row.worst && this.sort === "condition";
        this.units += row.amount - existing.amount;
        existing.amount = row.amount;
        existing.exact = row.exact;
        existing.worst = row.worst;
        existing.changed = this.clock;
        if (!this.isShown(existing)) return;
        if (moved || worseMoved || this.sort === "recent") this.invalidate();
        else this.dirtyKeys.set(row.key, true);
    }

    row(key: ItemKey): PanelRow | undefined {
        return this.rows.get(key);
    }

    /** Every cached row as wire rows, sorted by key (what the server sent, for comparisons). */
    syncRows(): SyncRow[] {
        const list: SyncRow[] = [];
        let nList = 0;
        for (const [, r] of this.rows) { list[nList] = { key: r.key, amount: r.amount, exact: r.exact, worst: r.worst }; nList++; }
        table.sort(list, (a, b) => a.key < b.key);
        return list;
    }

    size(): number {
        return this.count;
    }

    totalUnits(): number {
        return this.units;
    }

    // ---- local view settings ----

    setSearch(text: string): void {
        const cleaned = type(text) === "string" ? string.lower(text) : "";
        if (cleaned === this.search) return;
        this.search = cleaned;
        this.invalidate();
    }

    setSort(sort: PanelSort, descending: boolean): void {
        if (sort === this.sort && descending === this.descending) return;
        this.sort = sort;
        this.descending = descending;
        this.invalidate();
    }

    /** Show only prefabs with this category flag (0 = all). */
    setCategory(flag: number): void {
        if (flag === this.categoryFlag) return;
        this.categoryFlag = flag;
        this.invalidate();
    }

    settings(): { search: string; sort: PanelSort; descending: boolean; category: number } {
        return { search: this.search, sort: this.sort, descending: this.descending, category: this.categoryFlag };
    }

    /** Rows passing search and filter, sorted. Cached until something can change it. */
    visible(): readonly PanelRow[] {
        if (this.visibleCache !== undefined) return this.visibleCache;
        const list: PanelRow[] = [];
        let nList = 0;
        for (const [, r] of this.rows) {
            if (this.isShown(r)) { list[nList] = r; nList++; }
        }
        const sort = this.sort;
        if (this.descending) table.sort(list, (a, b) => before(b, a, sort));
        else table.sort(list, (a, b) => before(a, b, sort));
        this.visibleCache = list;
        return list;
    }

    /** What to redraw since the last call; clears the marks. */
    takeDirty(): PanelDirty {
        const keys: ItemKey[] = [];
        let nKeys = 0;
        const list = this.listDirty;
        if (!list) {
            for (const [key] of this.dirtyKeys) { keys[nKeys] = key; nKeys++; }
            table.sort(keys);
        }
        this.listDirty = false;
        this.dirtyKeys = new LuaMap();
        return { list, keys };
    }

    private isShown(r: PanelRow): boolean {
        if (this.categoryFlag > 0 && !hasFlag(r.category, this.categoryFlag)) return false;
        if (this.search === "") return true;
        const [inId] = string.find(r.identifier, this.search, 1, true);
        if (inId !== undefined) return true;
        const [inName] = string.find(r.lowerName, this.search, 1, true);
        return inName !== undefined;
    }

    private invalidate(): void {
        this.visibleCache = undefined;
        this.listDirty = true;
    }
}

/** Ascending total order: the sort's value, then name, then key. */
function before(a: PanelRow, b: PanelRow, sort: PanelSort): boolean {
    if (sort === "amount" && a.amount !== b.amount) return a.amount < b.amount;
    if (sort === "condition" && a.worst !== b.worst) return a.worst < b.worst;
    if (sort === "recent" && a.changed !== b.changed) return a.changed < b.changed;
    if (a.lowerName !== b.lowerName) return a.lowerName < b.lowerName;
    return a.key < b.key;
}
