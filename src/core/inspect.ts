/**
 * A deterministic text dump of the store (every database, its totals, entries, leases, Committed
 * and pending captures). Hosts print it from a console command; specs compare dumps taken before
 * and after a refused operation to prove that nothing changed.
 */
import type { ItemRecord } from "./record";
import type { DatabaseSnapshot } from "./snapshot";
import type { Database } from "./database";
import type { DatabaseStore } from "./store";

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
        for (const c of r.contents) inner.push(string.format("%d/%d:", c.container, c.slot) + describeRecord(c.record));
        parts.push("{" + table.concat(inner, ",") + "}");
    }
    return table.concat(parts, " ");
}

export function describeSnapshot(s: DatabaseSnapshot): string {
    const lines: string[] = [string.format("snapshot %s v%d serial %d next %d", s.id, s.version, s.commitSerial, s.nextExactId)];
    for (const [key, n] of s.counts) lines.push(string.format("  count %s %d", key, n));
    for (const e of s.exact) lines.push(string.format("  exact %d %s", e.id, describeRecord(e.record)));
    for (const [key, n] of s.leasedCounts) lines.push(string.format("  leased %s %d", key, n));
    for (const e of s.leasedExact) lines.push(string.format("  leased exact %d %s", e.id, describeRecord(e.record)));
    return table.concat(lines, "\n");
}

function describeDatabase(store: DatabaseStore, db: Database): string {
    const lines: string[] = [];
    lines.push(string.format(
        "database %s v%d serial %d next %d anchor %s units %d leased %d keys %d parked %d",
        db.id, db.version, db.commitSerial, db.nextExactId,
        db.anchorId === undefined ? "none" : string.format("%d", db.anchorId),
        db.unitTotal(), db.leasedTotal(), db.keyCount(), db.parkedKeyCount(),
    ));
    if (db.readOnlyReason !== undefined) lines.push("  read-only: " + db.readOnlyReason);
    for (const key of db.heldKeyList()) {
        lines.push(string.format(
            "  key %s amount %d aggregated %d exact %d leased %d%s",
            key, db.amount(key), db.aggregatedOf(key), db.exactCountOf(key), db.leasedOf(key), db.isParked(key) ? " parked" : "",
        ));
    }
    for (const e of db.exactList()) lines.push(string.format("  exact %d %s", e.id, describeRecord(e.record)));
    for (const lease of store.leasesOf(db.id)) {
        lines.push(string.format("  lease %d owner %s epoch %d units %d", lease.id, lease.owner, lease.epoch, lease.units));
        for (const [key, n] of lease.countList()) lines.push(string.format("    %s %d", key, n));
        for (const e of lease.exactList()) lines.push(string.format("    exact %d %s", e.id, describeRecord(e.record)));
    }
    if (db.committed !== undefined) lines.push("  committed " + describeSnapshot(db.committed));
    if (db.pending !== undefined) lines.push("  pending " + describeSnapshot(db.pending.snapshot));
    if (db.keptBlob !== undefined) lines.push("  kept blob " + db.keptBlob);
    return table.concat(lines, "\n");
}

export function dumpDatabase(store: DatabaseStore, dbId: string): string {
    const db = store.database(dbId);
    return db === undefined ? "no database " + dbId : describeDatabase(store, db);
}

export function dumpStore(store: DatabaseStore): string {
    const parts: string[] = [];
    for (const id of store.databaseIds()) parts.push(describeDatabase(store, store.database(id)!));
    for (const anchor of store.inertAnchors()) {
        parts.push(string.format("inert core %d for %s: %s", anchor.anchorId, anchor.dbId, anchor.reason));
    }
    return table.concat(parts, "\n");
}
