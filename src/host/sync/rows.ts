/**
 * One database's rows as the sync protocol sends them: a per-key summary (amount, exact units,
 * worst condition), kept in a cache that is seeded once and then refreshed only for the keys the
 * store's events name. Every subscriber of a database shares one of these.
 */
import type { ItemKey } from "../../core/keys";
import type { StoreReader } from "../../core/store";
import type { SyncRow } from "../../protocol/sync";

export function summaryOf(store: StoreReader, dbId: string, key: ItemKey): SyncRow {
    const db = store.database(dbId);
    if (db === undefined) return { key, amount: 0, exact: 0, worst: 100 };
    const amount = db.amount(key);
    if (amount <= 0) return { key, amount: 0, exact: 0, worst: 100 };
    let worst = 100;
    let exact = 0;
    // O(exact entries of this key): only for keys that changed.
    for (const id of db.exactIdsOf(key)) {
        const entry = db.exactEntry(id);
        if (entry === undefined) continue;
        exact += 1;
        if (entry.record.condition < worst) worst = entry.record.condition;
    }
    return { key, amount, exact, worst };
}

export class DbRows {
    private rows = new LuaMap<ItemKey, SyncRow>();
    private dirty = new LuaMap<ItemKey, true>();
    private seeded = false;
    private count = 0;

    constructor(
        private readonly store: StoreReader,
        readonly dbId: string,
    ) {}

    /** A key changed: its row is recomputed on the next read. */
    touch(key: ItemKey): void {
        if (this.seeded) this.dirty.set(key, true);
    }

    /** The whole database was replaced: reseed on the next read. */
    reset(): void {
        this.seeded = false;
        this.dirty = new LuaMap();
    }

    /** The current row of `key` (amount 0 when the key is not offered). */
    row(key: ItemKey): SyncRow {
        this.refresh();
        return this.rows.get(key) ?? { key, amount: 0, exact: 0, worst: 100 };
    }

    size(): number {
        this.refresh();
        return this.count;
    }

    /** Every row, sorted by key. O(rows log rows): for snapshots only. */
    sorted(): SyncRow[] {
        this.refresh();
        const list: SyncRow[] = [];
        let nList = 0;
        for (const [, row] of this.rows) { list[nList] = row; nList++; }
        table.sort(list, (a, b) => a.key < b.key);
        return list;
    }

    private refresh(): void {
        if (!this.seeded) {
            this.seeded = true;
            this.rows = new LuaMap();
            this.count = 0;
            const db = this.store.database(this.dbId);
            if (db !== undefined) {
                for (const key of db.offeredKeys()) this.put(summaryOf(this.store, this.dbId, key));
            }
            return;
        }
        if (this.dirty.isEmpty()) return;
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of this.dirty) { keys[nKeys] = key; nKeys++; }
        this.dirty = new LuaMap();
        for (const key of keys) this.put(summaryOf(this.store, this.dbId, key));
    }

    private put(row: SyncRow): void {
        const had = this.rows.has(row.key);
        if (row.amount > 0) {
            this.rows.set(row.key, row);
            if (!had) this.count += 1;
        } else if (had) {
            this.rows.delete(row.key);
            this.count -= 1;
        }
    }
}
