/**
 * The one ingest policy, applied to every way items enter a database (interfaces, terminal
 * deposits, the API): what may be stored, and whether the database can take it.
 */
import type { DatabaseStore } from "../core/store";
import { ok, refuse, Result } from "../core/result";
import { prefabIdOf } from "./devices";
import { unitsIn, readRecord } from "./records";
import { makeKey } from "../core/keys";

/** Tag carried by every Database IO device item; such items (and containers holding them) are refused. */
export const DEVICE_TAG = "dbio_device";

export class IngestPolicy {
    constructor(private readonly store: DatabaseStore) {}

    /** Why `item` may not enter database `dbId` (with `reserved` units already on their way), or ok. */
    check(item: Item, dbId: string, reserved: number): Result<true> {
        if (item.Removed) return refuse("gone", "that item no longer exists");
        const db = this.store.database(dbId);
        if (db === undefined || db.anchorId === undefined) {
            return refuse("no_core", string.format("database '%s' has no Database Core on this submarine: build one to store items", dbId));
        }
        if (db.readOnlyReason !== undefined) return refuse("read_only", string.format("database '%s' is read-only: %s", dbId, db.readOnlyReason));
        const blocked = blockedIn(item);
        if (blocked !== undefined) return refuse("blocked", blocked);
        const record = readRecord(item);
        const limits = this.store.limitsFor(dbId);
        const units = unitsIn(record);
        if (limits.maxUnits !== undefined && db.heldTotal() + reserved + units > limits.maxUnits) {
            return refuse("full", string.format("database '%s' is full (%d of %d units)", dbId, db.heldTotal() + reserved, limits.maxUnits));
        }
        const key = makeKey(record.identifier, record.quality);
        if (limits.maxKeys !== undefined && db.heldOf(key) === 0 && db.keyCount() + 1 > limits.maxKeys) {
            return refuse("full", string.format("database '%s' holds the most kinds of items it may (%d)", dbId, limits.maxKeys));
        }
        return ok(true);
    }
}

/** A reason the item or anything inside it may never be stored, or undefined. */
export function blockedIn(item: Item): string | undefined {
    if (item.HasTag(DEVICE_TAG) || prefabIdOf(item) === "databasecore") {
        return "Database IO devices cannot be stored in a database";
    }
    if (item.Illegitimate) return "that belongs to the outpost: it cannot be stored until it is yours";
    const inventories = item.OwnInventories;
    if (inventories !== undefined) {
        for (const inventory of inventories) {
            for (const child of inventory.AllItemsMod) {
                const inner = blockedIn(child);
                if (inner !== undefined) return inner;
            }
        }
    }
    return undefined;
}
