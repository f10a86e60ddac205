/**
 * Terminal leases (design.md "Terminal leases"). A lease holds units that left Working for a
 * terminal page. Its epoch fences late or repeated calls: an operation must name the current
 * epoch, renewing bumps it, and a closed lease accepts nothing. Lease ids are never reused for the
 * life of the table, even across rebuilds and rollbacks.
 */
import type { ItemKey } from "./keys";
import type { ExactEntry } from "./snapshotTypes";

export interface LeaseHandle {
    readonly id: number;
    readonly epoch: number;
}

/** A lease as the store hands it out: read it, do not change it (transactions move units). */
export interface LeaseView {
    readonly id: number;
    readonly dbId: string;
    readonly owner: string;
    readonly epoch: number;
    readonly open: boolean;
    readonly units: number;
    readonly counts: ReadonlyLuaMap<ItemKey, number>;
    readonly exact: ReadonlyLuaMap<number, ExactEntry>;
    countOf(key: ItemKey): number;
    countList(): [ItemKey, number][];
    exactList(): ExactEntry[];
}

export class Lease implements LeaseView {
    epoch = 1;
    open = true;
    readonly counts = new LuaMap<ItemKey, number>();
    readonly exact = new LuaMap<number, ExactEntry>();
    units = 0;

    constructor(
        readonly id: number,
        readonly dbId: string,
        readonly owner: string,
    ) {}

    countOf(key: ItemKey): number {
        return this.counts.get(key) ?? 0;
    }

    /** Leased aggregated units, sorted by key. */
    countList(): [ItemKey, number][] {
        const list: [ItemKey, number][] = [];
        let nList = 0;
        for (const [key, n] of this.counts) { list[nList] = [key, n]; nList++; }
        table.sort(list, (a, b) => a[0] < b[0]);
        return list;
    }

    /** Leased exact entries, sorted by id. */
    exactList(): ExactEntry[] {
        const list: ExactEntry[] = [];
        let nList = 0;
        for (const [, entry] of this.exact) { list[nList] = entry; nList++; }
        table.sort(list, (a, b) => a.id < b.id);
        return list;
    }

    addCount(key: ItemKey, delta: number): void {
        const n = this.countOf(key) + delta;
        if (n > 0) this.counts.set(key, n);
        else this.counts.delete(key);
        this.units += delta;
    }

    addExact(entry: ExactEntry): void {
        this.exact.set(entry.id, entry);
        this.units += 1;
    }

    removeExact(id: number): ExactEntry | undefined {
        const entry = this.exact.get(id);
        if (entry === undefined) return undefined;
        this.exact.delete(id);
        this.units -= 1;
        return entry;
    }
}

export class LeaseTable {
    private nextId = 1;
    private readonly byId = new LuaMap<number, Lease>();
    private readonly openByDb = new LuaMap<string, LuaMap<number, Lease>>();
    /** Ids closed or dropped since the last reset, so a late call hears "closed", not "unknown". */
    private readonly ended = new LuaMap<number, string>();

    open(dbId: string, owner: string): Lease {
        const lease = new Lease(this.nextId, dbId, owner);
        this.nextId += 1;
        this.byId.set(lease.id, lease);
        let set = this.openByDb.get(dbId);
        if (set === undefined) {
            set = new LuaMap<number, Lease>();
            this.openByDb.set(dbId, set);
        }
        set.set(lease.id, lease);
        return lease;
    }

    get(id: number): Lease | undefined {
        return this.byId.get(id);
    }

    /** Why lease `id` no longer exists ("closed", "dropped: ..."), or undefined if never seen. */
    endReason(id: number): string | undefined {
        return this.ended.get(id);
    }

    /** Open leases of one database, sorted by id. */
    openOf(dbId: string): Lease[] {
        const list: Lease[] = [];
        let nList = 0;
        const set = this.openByDb.get(dbId);
        if (set === undefined) return list;
        for (const [, lease] of set) { list[nList] = lease; nList++; }
        table.sort(list, (a, b) => a.id < b.id);
        return list;
    }

    /** Every open lease, sorted by id. */
    all(): Lease[] {
        const list: Lease[] = [];
        let nList = 0;
        for (const [, lease] of this.byId) { list[nList] = lease; nList++; }
        table.sort(list, (a, b) => a.id < b.id);
        return list;
    }

    /** The id the next lease will get (leases opened so far + 1). */
    peekNextId(): number {
        return this.nextId;
    }

    /** Ends an (empty) lease: it accepts nothing any more. */
    close(lease: Lease, reason: string): void {
        lease.open = false;
        this.byId.delete(lease.id);
        const set = this.openByDb.get(lease.dbId);
        if (set !== undefined) {
            set.delete(lease.id);
            if (set.isEmpty()) this.openByDb.delete(lease.dbId);
        }
        this.ended.set(lease.id, reason);
    }

    /** Drops the leases of one database without returning anything (the lifecycle replaced it). */
    dropDatabase(dbId: string, reason: string): void {
        for (const lease of this.openOf(dbId)) this.close(lease, reason);
    }

    /** Drops every lease; ids keep counting up so an old handle can never match a new lease. */
    dropAll(reason: string): void {
        for (const lease of this.all()) this.close(lease, reason);
    }

    /** Forgets why old leases ended (memory only; ids are still never reused). */
    forgetEnded(): void {
        const ids: number[] = [];
        let nIds = 0;
        for (const [id] of this.ended) { ids[nIds] = id; nIds++; }
        for (const id of ids) this.ended.delete(id);
    }
}
