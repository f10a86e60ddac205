/**
 * What the store tells the rest of the mod. One MutationEvent per applied transaction, delivered
 * after the state is updated; watchers (terminal views, restockers, other mods) build on it.
 */
import type { ItemKey } from "./keys";
import type { ItemRecord } from "./record";

/** Units of `key` available to takers before and after the change (leased and parked units excluded). */
export interface KeyChange {
    readonly key: ItemKey;
    readonly before: number;
    readonly after: number;
}

export interface MutationEvent {
    /** Normalized database id. */
    readonly db: string;
    /** Database version after the change. */
    readonly version: number;
    /** Who changed it, e.g. "interface:123" or "rollback". */
    readonly source: string;
    /** Keys whose available amount changed, sorted by key. */
    readonly changes: readonly KeyChange[];
    /**
     * Set when the whole database was replaced (rebuild from the cores, rollback to the last save):
     * the version may go down and every lease is gone, so a view should start over from a snapshot.
     */
    readonly reset?: boolean;
}

export type MutationListener = (this: void, event: MutationEvent) => void;

/** Units a transaction took out of the database: the host materialises `count` items of `record`. */
export interface TakenUnits {
    readonly key: ItemKey;
    readonly record: ItemRecord;
    readonly count: number;
    /** Set for an exact entry (count is then 1). */
    readonly exactId?: number;
}

export interface CommitValue {
    readonly event: MutationEvent;
    /** What take/takeExact removed, in the order they were staged. */
    readonly taken: readonly TakenUnits[];
    /** Exact ids created by insert, in the order they were staged. */
    readonly created: readonly number[];
}
