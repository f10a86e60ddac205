import type { ItemKey } from "./keys";
import type { ItemRecord } from "./record";

/**
 * Everything a Database Core persists for one database, in memory. The codec turns it into the
 * printable blob stored in the core's MemoryComponent and back.
 */
export interface DatabaseSnapshot {
    /** Normalized database id. */
    readonly id: string;
    /** Monotonically increasing; bumped by every applied mutation. */
    readonly version: number;
    /** Number of captures of this database that were confirmed by a save. */
    readonly commitSerial: number;
    /** Next exact-entry id to hand out: ids are never reused. */
    readonly nextExactId: number;
    /** Aggregated units per key, sorted by key. Every count is a positive integer. */
    readonly counts: readonly (readonly [ItemKey, number])[];
    /** Exact entries sorted by id. */
    readonly exact: readonly ExactEntry[];
    /** Units that were leased to terminals when the capture ran (sorted like counts/exact). */
    readonly leasedCounts: readonly (readonly [ItemKey, number])[];
    readonly leasedExact: readonly ExactEntry[];
}

export interface ExactEntry {
    /** Database-unique, never reused, never missing. */
    readonly id: number;
    readonly record: ItemRecord;
}
