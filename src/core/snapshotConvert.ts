/**
 * Conversions between a Database (plus its leases) and the DatabaseSnapshot the codec persists,
 * and the checks a snapshot must pass before it becomes a database.
 */
import { normalizeDatabaseId } from "./keys";
import type { ItemKey } from "./keys";
import type { ItemRecord } from "./record";
import type { DatabaseSnapshot, ExactEntry } from "./snapshotTypes";
import { ok, refuse, Result } from "./result";
import { isPositiveAmount } from "./amount";
import { checkRecord, isWellFormedKey } from "./entries";
import { MutableDatabase, IdentifierCheck } from "./database";
import type { Database } from "./database";
import type { Lease } from "./lease";

export function emptySnapshot(id: string): DatabaseSnapshot {
    return { id, version: 0, commitSerial: 0, nextExactId: 1, counts: [], exact: [], leasedCounts: [], leasedExact: [] };
}

function isCount(n: unknown): boolean {
    return type(n) === "number" && (n as number) >= 0 && math.floor(n as number) === n && (n as number) < 2 ** 53;
}

function checkCounts(list: readonly (readonly [ItemKey, number])[], what: string): Result<true> {
    const seen = new LuaMap<string, true>();
    for (const pair of list) {
        const [key, n] = pair;
        if (!isWellFormedKey(key)) return refuse("bad_snapshot", what + " holds a malformed key");
        if (seen.has(key)) return refuse("bad_snapshot", what + " lists '" + key + "' twice");
        seen.set(key, true);
        if (!(isCount(n) && n > 0)) {
            return refuse("bad_snapshot", what + " holds a count of '" + key + "' that is not a positive whole number");
        }
    }
    return ok(true);
}

/** Everything the store relies on: whole numbers, unique keys and ids, ids below nextExactId. */
export function checkSnapshot(s: DatabaseSnapshot): Result<true> {
    if (type(s.id) !== "string" || normalizeDatabaseId(s.id) !== s.id) return refuse("bad_snapshot", "the database id is not normalized");
    if (!isCount(s.version) || !isCount(s.commitSerial) || !isCount(s.nextExactId) || s.nextExactId < 1) {
        return refuse("bad_snapshot", "version, commit serial or next exact id is not a whole number");
    }
    const counts = checkCounts(s.counts, "the database");
    if (!counts.ok) return counts;
    const leased = checkCounts(s.leasedCounts, "the leased units");
    if (!leased.ok) return leased;
    const ids = new LuaMap<number, true>();
    for (const list of [s.exact, s.leasedExact]) {
        for (const entry of list) {
            if (!isPositiveAmount(entry.id) || entry.id >= s.nextExactId) {
                return refuse("bad_snapshot", string.format("exact id %s is not below the next id %d", string.format("%.0f", entry.id), s.nextExactId));
            }
            if (ids.has(entry.id)) return refuse("bad_snapshot", string.format("exact id %d appears twice", entry.id));
            ids.set(entry.id, true);
            const record = checkRecord(entry.record);
            if (!record.ok) return refuse("bad_snapshot", string.format("exact entry %d: %s", entry.id, record.message));
        }
    }
    return ok(true);
}

/**
 * Builds Working from a snapshot. Units that were leased when it was captured come back into
 * Working: the terminals that held them are emptied by the host when the save loads.
 * The snapshot must have passed checkSnapshot.
 */
export function databaseFromSnapshot(s: DatabaseSnapshot, isKnownIdentifier: IdentifierCheck): MutableDatabase {
    const db = new MutableDatabase(s.id, isKnownIdentifier);
    db.version = s.version;
    db.commitSerial = s.commitSerial;
    db.nextExactId = s.nextExactId;
    for (const [key, n] of s.counts) db.addAggregated(key, n);
    for (const [key, n] of s.leasedCounts) db.addAggregated(key, n);
    for (const entry of s.exact) db.addExact(entry);
    for (const entry of s.leasedExact) db.addExact(entry);
    return db;
}

/** Working plus the units in `leases` (the database's open leases), as the codec persists it. */
export function snapshotOf(db: Database, leases: readonly Lease[], commitSerial: number): DatabaseSnapshot {
    const leasedTotals = new LuaMap<ItemKey, number>();
    const leasedKeys: ItemKey[] = [];
    let nLeasedKeys = 0;
    const leasedExact: ExactEntry[] = [];
    let nLeasedExact = 0;
    for (const lease of leases) {
        for (const [key, n] of lease.countList()) {
            const was = leasedTotals.get(key);
            if (was === undefined) { leasedKeys[nLeasedKeys] = key; nLeasedKeys++; }
            leasedTotals.set(key, (was ?? 0) + n);
        }
        for (const entry of lease.exactList()) { leasedExact[nLeasedExact] = entry; nLeasedExact++; }
    }
    table.sort(leasedKeys);
    table.sort(leasedExact, (a, b) => a.id < b.id);
    const leasedCounts: [ItemKey, number][] = [];
    let nLeasedCounts = 0;
    for (const key of leasedKeys) { leasedCounts[nLeasedCounts] = [key, leasedTotals.get(key)!]; nLeasedCounts++; }
    return {
        id: db.id,
        version: db.version,
        commitSerial,
        nextExactId: db.nextExactId,
        counts: db.aggregatedList(),
        exact: db.exactList(),
        leasedCounts,
        leasedExact,
    };
}

function sameRecord(a: ItemRecord, b: ItemRecord): boolean {
    if (a.identifier !== b.identifier || a.quality !== b.quality || a.stolen !== b.stolen || a.outpost !== b.outpost) return false;
    if (string.format("%.2f", a.condition) !== string.format("%.2f", b.condition)) return false;
    if (a.contents.length !== b.contents.length) return false;
    for (let i = 0; i < a.contents.length; i++) {
        const x = a.contents[i];
        const y = b.contents[i];
        if (x.container !== y.container || x.slot !== y.slot || !sameRecord(x.record, y.record)) return false;
    }
    return true;
}

function sameCounts(a: readonly (readonly [ItemKey, number])[], b: readonly (readonly [ItemKey, number])[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
        if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
    }
    return true;
}

function sameEntries(a: readonly ExactEntry[], b: readonly ExactEntry[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
        if (a[i].id !== b[i].id || !sameRecord(a[i].record, b[i].record)) return false;
    }
    return true;
}

/** Same content, field by field (conditions compared as persisted: two decimals). */
export function sameSnapshot(a: DatabaseSnapshot, b: DatabaseSnapshot): boolean {
    return a.id === b.id
        && a.version === b.version
        && a.commitSerial === b.commitSerial
        && a.nextExactId === b.nextExactId
        && sameCounts(a.counts, b.counts)
        && sameEntries(a.exact, b.exact)
        && sameCounts(a.leasedCounts, b.leasedCounts)
        && sameEntries(a.leasedExact, b.leasedExact);
}
