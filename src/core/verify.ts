/**
 * verify: every invariant that can be checked from the data of one database, by a full
 * recomputation (this is the one place that scans everything). An empty list means healthy.
 *
 * Checked: exact ids unique (Working and leases together), whole, below nextExactId, and indexed
 * where they are; every count a positive whole number; per-key, unit and key totals equal a
 * recount; leases consistent and owned by a live owner; Committed matches the blob in the core
 * (or the blob is the pending capture); the database has a core; no other core claims it.
 */
import type { ItemKey } from "./keys";
import type { Database } from "./database";
import type { StoreReader } from "./store";
import { isPositiveAmount } from "./amount";
import { keyOfEntry } from "./entries";
import { readBlob } from "./rounds";
import { sameSnapshot } from "./snapshotConvert";

export type FindingKind =
    | "unknown_database"
    | "read_only"
    | "exact_id"
    | "count"
    | "totals"
    | "lease"
    | "orphan_lease"
    | "committed"
    | "no_anchor"
    | "anchor_blob"
    | "anchor_conflict";

export interface Finding {
    readonly kind: FindingKind;
    readonly message: string;
}

/** The blob a core currently holds. */
export interface CoreBlob {
    readonly anchorId: number;
    readonly blob: string;
}

function num(n: unknown): string {
    if (type(n) !== "number") return "(" + type(n) + ")";
    const v = n as number;
    if (!(v > -1e15 && v < 1e15)) return "(out of range)";
    return math.floor(v) === v ? string.format("%d", v) : string.format("%.2f", v);
}

class Recount {
    readonly aggregated = new LuaMap<ItemKey, number>();
    readonly exact = new LuaMap<ItemKey, number>();
    readonly leased = new LuaMap<ItemKey, number>();
    readonly keys: ItemKey[] = [];
    private keyCount = 0;
    private readonly seen = new LuaMap<ItemKey, true>();

    add(map: LuaMap<ItemKey, number>, key: ItemKey, n: number): void {
        map.set(key, (map.get(key) ?? 0) + n);
        if (!this.seen.has(key)) {
            this.seen.set(key, true);
            this.keys[this.keyCount] = key;
            this.keyCount++;
        }
    }
}

/**
 * Findings for database `dbId`. `coreBlobs`: the blobs the cores hold now (to compare with
 * Committed). `isLiveOwner`: whether a lease owner (a terminal) still exists.
 */
export function verify(
    store: StoreReader,
    dbId: string,
    coreBlobs?: readonly CoreBlob[],
    isLiveOwner?: (this: void, owner: string) => boolean,
): Finding[] {
    const findings: Finding[] = [];
    let nFindings = 0;
    const add = (kind: FindingKind, message: string): void => {
        findings[nFindings] = { kind, message };
        nFindings++;
    };
    const db = store.database(dbId);
    if (db === undefined) {
        add("unknown_database", "there is no database '" + dbId + "'");
        return findings;
    }
    if (db.readOnlyReason !== undefined) add("read_only", string.format("database '%s' is read-only: %s", db.id, db.readOnlyReason));
    const recount = new Recount();
    checkWorking(db, recount, add);
    checkLeases(store, db, recount, add, isLiveOwner);
    checkTotals(db, recount, add);
    checkCommitted(db, add);
    checkAnchors(store, db, coreBlobs, add);
    return findings;
}

type Add = (this: void, kind: FindingKind, message: string) => void;

function checkWorking(db: Database, recount: Recount, add: Add): void {
    for (const [key, n] of db.aggregatedList()) {
        if (!(type(n) === "number" && n > 0 && math.floor(n) === n)) {
            add("count", string.format("'%s' has a count of %s", key, num(n)));
        }
        recount.add(recount.aggregated, key, n);
    }
    const idsByKey = new LuaMap<ItemKey, LuaMap<number, true>>();
    for (const entry of db.exactList()) {
        checkExactId(db, entry.id, add);
        if (db.leaseHolding(entry.id) !== undefined) {
            add("exact_id", string.format("exact id %s is in Working and also marked as leased", num(entry.id)));
        }
        const key = keyOfEntry(entry);
        recount.add(recount.exact, key, 1);
        let ids = idsByKey.get(key);
        if (ids === undefined) {
            ids = new LuaMap<number, true>();
            idsByKey.set(key, ids);
        }
        ids.set(entry.id, true);
    }
    for (const [key, ids] of idsByKey) {
        const indexed = db.exactIdsOf(key);
        let matching = 0;
        for (const id of indexed) {
            if (ids.has(id)) matching += 1;
        }
        if (matching !== indexed.length || indexed.length !== (recount.exact.get(key) ?? 0)) {
            add("exact_id", string.format("the exact-entry index of '%s' lists %d ids but %d entries exist", key, indexed.length, recount.exact.get(key) ?? 0));
        }
    }
}

function checkExactId(db: Database, id: number, add: Add): void {
    if (!isPositiveAmount(id)) add("exact_id", "exact id " + num(id) + " is not a positive whole number");
    else if (id >= db.nextExactId) add("exact_id", string.format("exact id %d is not below the next id %d", id, db.nextExactId));
}

function checkLeases(
    store: StoreReader,
    db: Database,
    recount: Recount,
    add: Add,
    isLiveOwner: ((this: void, owner: string) => boolean) | undefined,
): void {
    const ids = new LuaMap<number, number>();
    for (const entry of db.exactList()) ids.set(entry.id, 0);
    for (const lease of store.leasesOf(db.id)) {
        if (!lease.open) add("lease", string.format("lease %d is listed as open but is closed", lease.id));
        if (lease.dbId !== db.id) add("lease", string.format("lease %d is filed under '%s' but belongs to '%s'", lease.id, db.id, lease.dbId));
        if (isLiveOwner !== undefined && !isLiveOwner(lease.owner)) {
            add("orphan_lease", string.format("lease %d belongs to '%s', which no longer exists", lease.id, lease.owner));
        }
        let units = 0;
        for (const [key, n] of lease.countList()) {
            if (!(type(n) === "number" && n > 0 && math.floor(n) === n)) add("count", string.format("lease %d holds %s of '%s'", lease.id, num(n), key));
            recount.add(recount.leased, key, n);
            units += n;
        }
        for (const entry of lease.exactList()) {
            checkExactId(db, entry.id, add);
            const other = ids.get(entry.id);
            if (other !== undefined) {
                add("exact_id", string.format("exact id %d is held twice (%s and lease %d)", entry.id, other === 0 ? "Working" : string.format("lease %d", other), lease.id));
            }
            ids.set(entry.id, lease.id);
            if (db.leaseHolding(entry.id) !== lease.id) {
                add("exact_id", string.format("exact id %d is in lease %d but indexed elsewhere", entry.id, lease.id));
            }
            recount.add(recount.leased, keyOfEntry(entry), 1);
            units += 1;
        }
        if (units !== lease.units) add("lease", string.format("lease %d counts %d units but holds %d", lease.id, lease.units, units));
    }
}

function checkTotals(db: Database, recount: Recount, add: Add): void {
    let working = 0;
    let leased = 0;
    let keys = 0;
    let parked = 0;
    for (const key of recount.keys) {
        const aggregated = recount.aggregated.get(key) ?? 0;
        const exact = recount.exact.get(key) ?? 0;
        const inLeases = recount.leased.get(key) ?? 0;
        working += aggregated + exact;
        leased += inLeases;
        if (aggregated + exact + inLeases > 0) keys += 1;
        if (db.isParked(key)) parked += 1;
        if (db.aggregatedOf(key) !== aggregated || db.exactCountOf(key) !== exact || db.leasedOf(key) !== inLeases) {
            add("totals", string.format(
                "'%s' is booked as %s aggregated / %s exact / %s leased but holds %d / %d / %d",
                key, num(db.aggregatedOf(key)), num(db.exactCountOf(key)), num(db.leasedOf(key)), aggregated, exact, inLeases,
            ));
        }
        const offered = db.isParked(key) ? 0 : aggregated + exact;
        if (db.amount(key) !== offered) add("totals", string.format("'%s' offers %s but should offer %d", key, num(db.amount(key)), offered));
    }
    for (const key of db.heldKeyList()) {
        if ((recount.aggregated.get(key) ?? 0) + (recount.exact.get(key) ?? 0) + (recount.leased.get(key) ?? 0) === 0) {
            add("totals", string.format("'%s' is listed as held but nothing holds it", key));
        }
    }
    if (db.unitTotal() !== working) add("totals", string.format("the unit total is %s but Working holds %d", num(db.unitTotal()), working));
    if (db.leasedTotal() !== leased) add("totals", string.format("the leased total is %s but leases hold %d", num(db.leasedTotal()), leased));
    if (db.keyCount() !== keys) add("totals", string.format("the key count is %s but %d keys are held", num(db.keyCount()), keys));
    if (db.parkedKeyCount() !== parked) add("totals", string.format("the parked key count is %s but %d keys are parked", num(db.parkedKeyCount()), parked));
}

function checkCommitted(db: Database, add: Add): void {
    if (db.readOnlyReason !== undefined) return;
    const committed = db.committed;
    if (committed === undefined) {
        add("committed", string.format("database '%s' has no committed state to roll back to", db.id));
        return;
    }
    if (committed.id !== db.id) add("committed", string.format("the committed state belongs to '%s'", committed.id));
    if (committed.commitSerial !== db.commitSerial) {
        add("committed", string.format("Working says saved %s times, Committed %s", num(db.commitSerial), num(committed.commitSerial)));
    }
    if (db.version < committed.version) add("committed", string.format("Working version %s is below the committed version %s", num(db.version), num(committed.version)));
    if (db.nextExactId < committed.nextExactId) {
        add("committed", string.format("the next exact id %s is below the committed one %s", num(db.nextExactId), num(committed.nextExactId)));
    }
}

function checkAnchors(store: StoreReader, db: Database, coreBlobs: readonly CoreBlob[] | undefined, add: Add): void {
    if (db.anchorId === undefined) {
        add("no_anchor", string.format("database '%s' has no Database Core: its %d unit(s) cannot be saved", db.id, db.heldTotal()));
    } else if (coreBlobs !== undefined) {
        let blob: string | undefined = undefined;
        for (const core of coreBlobs) {
            if (core.anchorId === db.anchorId) blob = core.blob;
        }
        if (blob === undefined) {
            add("anchor_blob", string.format("the Database Core %d of '%s' was not found", db.anchorId, db.id));
        } else if (db.readOnlyReason !== undefined) {
            if (blob !== db.keptBlob) add("anchor_blob", string.format("the unreadable blob of '%s' was changed", db.id));
        } else if (!(blob === "" && db.committed !== undefined && db.committed.commitSerial === 0 && db.committed.version === 0)) {
            const decoded = readBlob(blob);
            if (!decoded.ok) {
                add("anchor_blob", string.format("the blob in core %d cannot be read: %s", db.anchorId, decoded.message));
            } else {
                const inCore = decoded.value.snapshot;
                const matchesCommitted = db.committed !== undefined && sameSnapshot(inCore, db.committed);
                const matchesPending = db.pending !== undefined && blob === db.pending.blob;
                // the capture of a save that failed: the game holds the same in memory
                const matchesUnsaved = db.unsavedBlob !== undefined && blob === db.unsavedBlob;
                if (!matchesCommitted && !matchesPending && !matchesUnsaved) {
                    add("anchor_blob", string.format(
                        "core %d holds version %s (saved %s times) but Committed is version %s (saved %s times)",
                        db.anchorId, num(inCore.version), num(inCore.commitSerial),
                        num(db.committed?.version), num(db.committed?.commitSerial),
                    ));
                }
            }
        }
    }
    for (const anchor of store.inertAnchors()) {
        if (anchor.dbId === db.id) add("anchor_conflict", string.format("database '%s': %s", db.id, anchor.reason));
    }
}
