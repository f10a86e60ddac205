/**
 * A deterministic text dump of the store (every database, its totals, entries, leases, Committed
 * and pending captures). Hosts print it from a console command; specs compare dumps taken before
 * and after a refused operation to prove that nothing changed.
 */
import type { ItemRecord } from "./record";
import type { DatabaseSnapshot } from "./snapshotTypes";
import type { Database } from "./database";
import type { StoreReader } from "./store";

function describeRecord(r: ItemRecord): string {
    const parts = [
        r.identifier,
        string.format("q%d", r.quality),
        string.format("c%.2f", r.condition),
        r.stolen ? "stolen" : "own",
        "[" + r.outpost + "]",
    ];
    if (r.contents.length > 0) {
        const inner: string[] = [];
        let nInner = 0;
        for (const c of r.contents) { inner[nInner] = string.format("%d/%d:", c.container, c.slot) + describeRecord(c.record); nInner++; }
        parts.push("{" + table.concat(inner, ",") + "}");
    }
    return table.concat(parts, " ");
}

export function describeSnapshot(s: DatabaseSnapshot): string {
    const lines: string[] = [string.format("snapshot %s v%d serial %d next %d", s.id, s.version, s.commitSerial, s.nextExactId)];
    let nLines = 1;
    for (const [key, n] of s.counts) { lines[nLines] = string.format("  count %s %d", key, n); nLines++; }
    for (const e of s.exact) { lines[nLines] = string.format("  exact %d %s", e.id, describeRecord(e.record)); nLines++; }
    for (const [key, n] of s.leasedCounts) { lines[nLines] = string.format("  leased %s %d", key, n); nLines++; }
    for (const e of s.leasedExact) { lines[nLines] = string.format("  leased exact %d %s", e.id, describeRecord(e.record)); nLines++; }
    return table.concat(lines, "\n");
}

function describeDatabase(store: StoreReader, db: Database): string {
    const lines: string[] = [];
    let nLines = 0;
    lines[nLines] = string.format(
        "database %s v%d serial %d next %d anchor %s units %d leased %d keys %d parked %d",
        db.id, db.version, db.commitSerial, db.nextExactId,
        db.anchorId === undefined ? "none" : string.format("%d", db.anchorId),
        db.unitTotal(), db.leasedTotal(), db.keyCount(), db.parkedKeyCount(),
    );
    nLines++;
    if (db.readOnlyReason !== undefined) { lines[nLines] = "  read-only: " + db.readOnlyReason; nLines++; }
    for (const key of db.heldKeyList()) {
        lines[nLines] = string.format(
            "  key %s amount %d aggregated %d exact %d leased %d%s",
            key, db.amount(key), db.aggregatedOf(key), db.exactCountOf(key), db.leasedOf(key), db.isParked(key) ? " parked" : "",
        );
        nLines++;
    }
    for (const e of db.exactList()) { lines[nLines] = string.format("  exact %d %s", e.id, describeRecord(e.record)); nLines++; }
    for (const lease of store.leasesOf(db.id)) {
        lines[nLines] = string.format("  lease %d owner %s epoch %d units %d", lease.id, lease.owner, lease.epoch, lease.units);
        nLines++;
        for (const [key, n] of lease.countList()) { lines[nLines] = string.format("    %s %d", key, n); nLines++; }
        for (const e of lease.exactList()) { lines[nLines] = string.format("    exact %d %s", e.id, describeRecord(e.record)); nLines++; }
    }
    if (db.committed !== undefined) { lines[nLines] = "  committed " + describeSnapshot(db.committed); nLines++; }
    if (db.pending !== undefined) { lines[nLines] = "  pending " + describeSnapshot(db.pending.snapshot); nLines++; }
    if (db.keptBlob !== undefined) { lines[nLines] = "  kept blob " + db.keptBlob; nLines++; }
    return table.concat(lines, "\n");
}

export function dumpDatabase(store: StoreReader, dbId: string): string {
    const db = store.database(dbId);
    return db === undefined ? "no database " + dbId : describeDatabase(store, db);
}

export function dumpStore(store: StoreReader): string {
    const parts: string[] = [];
    let nParts = 0;
    for (const id of store.databaseIds()) { parts[nParts] = describeDatabase(store, store.database(id)!); nParts++; }
    for (const anchor of store.inertAnchors()) {
        parts[nParts] = string.format("inert core %d for %s: %s", anchor.anchorId, anchor.dbId, anchor.reason);
        nParts++;
    }
    return table.concat(parts, "\n");
}
