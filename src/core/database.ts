/**
 * One database's Working state: aggregated counts per key, exact entries by id (indexed by key),
 * and the per-key and overall totals kept up to date on every change so that each query is O(1).
 * Units leased to terminals have left Working but still belong to the database: they are counted
 * here per key (for limits and conservation) while the leases themselves live in the LeaseTable.
 *
 * Two types: `Database` (DatabaseView) is what the store hands out, queries only; the class
 * `MutableDatabase` adds the mutators and is seen only by Transaction, the store and the
 * lifecycle (they reach it through TransactionHost and LifecycleStore), so everything else can
 * change a database only through a transaction and limits, events and versions stay right.
 */
import type { ItemKey } from "./keys";
import { keyIdentifier } from "./keys";
import type { DatabaseSnapshot, ExactEntry } from "./snapshotTypes";
import { keyOfEntry } from "./entries";

export type IdentifierCheck = (this: void, identifier: string) => boolean;

/** One database as features, the host and the API see it: read-only, queries only. */
export interface DatabaseView {
    readonly id: string;
    readonly version: number;
    readonly commitSerial: number;
    readonly nextExactId: number;
    /** Set when the database cannot be trusted (unreadable blob): every mutation is refused. */
    readonly readOnlyReason: string | undefined;
    /** The Database Core that persists this database; undefined when it has none. */
    readonly anchorId: number | undefined;
    /** The core it had before that core was removed mid-round (it may come back). */
    readonly lastAnchorId: number | undefined;
    /** The last saved state (what a rollback returns to). */
    readonly committed: DatabaseSnapshot | undefined;
    /** A capture that waits for the save to be confirmed. */
    readonly pending: { readonly snapshot: DatabaseSnapshot; readonly blob: string } | undefined;
    /** The blob of a capture whose save did not complete. */
    readonly unsavedBlob: string | undefined;
    /** The unreadable blob of a read-only database, kept untouched. */
    readonly keptBlob: string | undefined;

    amount(key: ItemKey): number;
    workingOf(key: ItemKey): number;
    aggregatedOf(key: ItemKey): number;
    exactCountOf(key: ItemKey): number;
    leasedOf(key: ItemKey): number;
    heldOf(key: ItemKey): number;
    exactEntry(id: number): ExactEntry | undefined;
    leaseHolding(id: number): number | undefined;
    exactIdsOf(key: ItemKey): number[];
    isParked(key: ItemKey): boolean;
    unitTotal(): number;
    leasedTotal(): number;
    heldTotal(): number;
    keyCount(): number;
    parkedKeyCount(): number;
    offeredKeys(): ItemKey[];
    parkedKeyList(): ItemKey[];
    heldKeyList(): ItemKey[];
    aggregatedList(): [ItemKey, number][];
    exactList(): ExactEntry[];
}

/** The name everything outside the core's write path uses: the read-only view. */
export type Database = DatabaseView;

/** The database with its mutators: for Transaction, the store and the lifecycle only. */
export class MutableDatabase implements DatabaseView {
    version = 0;
    commitSerial = 0;
    nextExactId = 1;
    /** Set when the database cannot be trusted (unreadable blob): every mutation is refused. */
    readOnlyReason: string | undefined = undefined;

    /** The Database Core that persists this database; undefined when it has none. */
    anchorId: number | undefined = undefined;
    /** The core it had before that core was removed mid-round (it may come back). */
    lastAnchorId: number | undefined = undefined;
    /** The last saved state (what a rollback returns to). */
    committed: DatabaseSnapshot | undefined = undefined;
    /** A capture that waits for the save to be confirmed. */
    pending: { readonly snapshot: DatabaseSnapshot; readonly blob: string } | undefined = undefined;
    /**
     * The blob of a capture whose save did not complete. The game keeps that capture in memory
     * (the next round loads it), so the core may still hold it; it is never committed.
     */
    unsavedBlob: string | undefined = undefined;
    /** The unreadable blob of a read-only database, kept untouched so nothing is wiped. */
    keptBlob: string | undefined = undefined;

    private readonly aggregated = new LuaMap<ItemKey, number>();
    private readonly exactById = new LuaMap<number, ExactEntry>();
    private readonly exactIdsByKey = new LuaMap<ItemKey, LuaMap<number, true>>();
    private readonly exactCounts = new LuaMap<ItemKey, number>();
    private readonly leasedByKey = new LuaMap<ItemKey, number>();
    /** Which lease holds a leased exact entry, so a take of a leased id is refused clearly. */
    private readonly leasedExactLease = new LuaMap<number, number>();
    /** Every held key (Working or leased) -> parked? Doubles as the set of held keys. */
    private readonly heldParked = new LuaMap<ItemKey, boolean>();
    private readonly parkedKeySet = new LuaMap<ItemKey, true>();
    private workingUnits = 0;
    private leasedUnits = 0;
    private heldKeys = 0;
    private parkedKeys = 0;

    constructor(
        readonly id: string,
        private readonly isKnownIdentifier: IdentifierCheck,
    ) {}

    // ---- queries (all O(1) unless they say otherwise) ----

    /** Units of `key` a taker can have: aggregated + exact, not leased, 0 while the key is parked. */
    amount(key: ItemKey): number {
        if (this.heldParked.get(key) === true) return 0;
        return this.workingOf(key);
    }

    /** Units of `key` in Working whether parked or not. */
    workingOf(key: ItemKey): number {
        return (this.aggregated.get(key) ?? 0) + (this.exactCounts.get(key) ?? 0);
    }

    aggregatedOf(key: ItemKey): number {
        return this.aggregated.get(key) ?? 0;
    }

    exactCountOf(key: ItemKey): number {
        return this.exactCounts.get(key) ?? 0;
    }

    leasedOf(key: ItemKey): number {
        return this.leasedByKey.get(key) ?? 0;
    }

    /** Working + leased units of `key`: everything the database owns under it. */
    heldOf(key: ItemKey): number {
        return this.workingOf(key) + this.leasedOf(key);
    }

    exactEntry(id: number): ExactEntry | undefined {
        return this.exactById.get(id);
    }

    /** The lease holding exact entry `id`, if it is leased. */
    leaseHolding(id: number): number | undefined {
        return this.leasedExactLease.get(id);
    }

    /** Ids of the exact entries of `key` in Working, ascending. O(entries of that key). */
    exactIdsOf(key: ItemKey): number[] {
        const ids: number[] = [];
        let nIds = 0;
        const set = this.exactIdsByKey.get(key);
        if (set === undefined) return ids;
        for (const [id] of set) { ids[nIds] = id; nIds++; }
        table.sort(ids);
        return ids;
    }

    isParked(key: ItemKey): boolean {
        return this.heldParked.get(key) === true;
    }

    /** Top-level units in Working (an exact entry is one unit whatever it contains). */
    unitTotal(): number {
        return this.workingUnits;
    }

    leasedTotal(): number {
        return this.leasedUnits;
    }

    /** Units the database owns: Working + leased. Limits apply to this. */
    heldTotal(): number {
        return this.workingUnits + this.leasedUnits;
    }

    /** Distinct keys the database owns (Working or leased). Limits apply to this. */
    keyCount(): number {
        return this.heldKeys;
    }

    parkedKeyCount(): number {
        return this.parkedKeys;
    }

    /** Keys with units in Working that are offered to takers, sorted. O(keys): not for hot paths. */
    offeredKeys(): ItemKey[] {
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key, parked] of this.heldParked) {
            if (!parked && this.workingOf(key) > 0) { keys[nKeys] = key; nKeys++; }
        }
        table.sort(keys);
        return keys;
    }

    /** Parked keys (identifier not loaded): kept and saved, not offered. Sorted. O(parked keys). */
    parkedKeyList(): ItemKey[] {
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of this.parkedKeySet) { keys[nKeys] = key; nKeys++; }
        table.sort(keys);
        return keys;
    }

    /** Every key the database owns, sorted. O(keys). */
    heldKeyList(): ItemKey[] {
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of this.heldParked) { keys[nKeys] = key; nKeys++; }
        table.sort(keys);
        return keys;
    }

    /** Aggregated counts in Working, sorted by key. O(keys). */
    aggregatedList(): [ItemKey, number][] {
        const list: [ItemKey, number][] = [];
        let nList = 0;
        for (const [key, n] of this.aggregated) { list[nList] = [key, n]; nList++; }
        table.sort(list, (a, b) => a[0] < b[0]);
        return list;
    }

    /** Exact entries in Working, sorted by id. O(entries). */
    exactList(): ExactEntry[] {
        const list: ExactEntry[] = [];
        let nList = 0;
        for (const [, entry] of this.exactById) { list[nList] = entry; nList++; }
        table.sort(list, (a, b) => a.id < b.id);
        return list;
    }

    /** Re-asks the host which identifiers are loaded (after content changes). O(keys). */
    refreshParked(): void {
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of this.heldParked) { keys[nKeys] = key; nKeys++; }
        for (const key of keys) this.setParked(key, !this.isKnownIdentifier(keyIdentifier(key)));
    }

    // ---- mutators: Transaction and lifecycle only ----

    addAggregated(key: ItemKey, delta: number): void {
        const before = this.heldOf(key);
        const n = (this.aggregated.get(key) ?? 0) + delta;
        if (n > 0) this.aggregated.set(key, n);
        else this.aggregated.delete(key);
        this.workingUnits += delta;
        this.heldChanged(key, before);
    }

    addExact(entry: ExactEntry): void {
        const key = keyOfEntry(entry);
        const before = this.heldOf(key);
        this.exactById.set(entry.id, entry);
        let set = this.exactIdsByKey.get(key);
        if (set === undefined) {
            set = new LuaMap<number, true>();
            this.exactIdsByKey.set(key, set);
        }
        set.set(entry.id, true);
        this.exactCounts.set(key, (this.exactCounts.get(key) ?? 0) + 1);
        this.workingUnits += 1;
        this.heldChanged(key, before);
    }

    /** Removes exact entry `id` from Working and returns it (undefined if it is not there). */
    removeExact(id: number): ExactEntry | undefined {
        const entry = this.exactById.get(id);
        if (entry === undefined) return undefined;
        const key = keyOfEntry(entry);
        const before = this.heldOf(key);
        this.exactById.delete(id);
        const set = this.exactIdsByKey.get(key);
        if (set !== undefined) {
            set.delete(id);
            if (set.isEmpty()) this.exactIdsByKey.delete(key);
        }
        const left = (this.exactCounts.get(key) ?? 0) - 1;
        if (left > 0) this.exactCounts.set(key, left);
        else this.exactCounts.delete(key);
        this.workingUnits -= 1;
        this.heldChanged(key, before);
        return entry;
    }

    /** Units of `key` entering (+) or leaving (-) leases of this database. */
    addLeased(key: ItemKey, delta: number): void {
        const before = this.heldOf(key);
        const n = (this.leasedByKey.get(key) ?? 0) + delta;
        if (n > 0) this.leasedByKey.set(key, n);
        else this.leasedByKey.delete(key);
        this.leasedUnits += delta;
        this.heldChanged(key, before);
    }

    /** Records which lease holds exact entry `id` (undefined: none any more). */
    setLeaseHolding(id: number, leaseId: number | undefined): void {
        if (leaseId === undefined) this.leasedExactLease.delete(id);
        else this.leasedExactLease.set(id, leaseId);
    }

    /** Forgets every lease: their units are gone from the books (the lifecycle re-adds them). */
    forgetLeases(): void {
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of this.leasedByKey) { keys[nKeys] = key; nKeys++; }
        for (const key of keys) this.addLeased(key, -this.leasedOf(key));
        const ids: number[] = [];
        let nIds = 0;
        for (const [id] of this.leasedExactLease) { ids[nIds] = id; nIds++; }
        for (const id of ids) this.leasedExactLease.delete(id);
    }

    private heldChanged(key: ItemKey, before: number): void {
        const after = this.heldOf(key);
        if (before <= 0 && after > 0) {
            this.heldKeys += 1;
            this.heldParked.set(key, false);
            this.setParked(key, !this.isKnownIdentifier(keyIdentifier(key)));
        } else if (before > 0 && after <= 0) {
            this.heldKeys -= 1;
            this.setParked(key, false);
            this.heldParked.delete(key);
        }
    }

    private setParked(key: ItemKey, parked: boolean): void {
        const was = this.heldParked.get(key) === true;
        if (was === parked) return;
        this.heldParked.set(key, parked);
        if (parked) {
            this.parkedKeySet.set(key, true);
            this.parkedKeys += 1;
        } else {
            this.parkedKeySet.delete(key);
            this.parkedKeys -= 1;
        }
    }
}
