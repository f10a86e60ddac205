/**
 * The one ingest policy, applied to every way items enter a database (interfaces, terminal
 * deposits, the API): what may be stored, and whether the database can take it.
 *
 * Limits count what the store will count once the item is in: one unit and one key per item put
 * in (an item with contents is one exact entry under its own key). Items already accepted but
 * still waiting for the game to remove them are reserved here per database, so two devices and
 * the API racing for the last unit or the last key cannot both get it.
 */
import type { DatabaseStore } from "../core/store";
import { say } from "./language";
import { ok, refuse, RefusalCode, Refused, Result } from "../core/result";
import type { ItemRecord } from "../core/record";
import type { ItemKey } from "../core/keys";
import { keyOfRecord } from "../core/entries";
import { prefabIdOf } from "./devices";
import { CORE, DEVICE_TAG } from "../protocol/devices";
import { readRecord } from "./records";

/** Tag carried by every Database IO device item; such items (and containers holding them) are refused. */

/** Stable refusal codes (Refused.code) of the policy. */
export const IngestRefusal = {
    gone: "gone",
    noCore: "no_core",
    readOnly: "read_only",
    device: "device",
    illegitimate: "illegitimate",
    contained: "contained",
    full: "full",
    keys: "full_keys",
} as const satisfies Record<string, RefusalCode>;

export interface IngestOptions {
    /**
     * The caller takes the item out of another item on purpose (an unpack interface). Without
     * it, the contents of a container stay with their container (a magazine in a gun, a tank in a
     * suit): only the container as a whole may be stored.
     */
    readonly unpack?: boolean;
}

/** Units and one key held back for an accepted item until it is really gone from the world. */
export interface Reservation {
    readonly dbId: string;
    readonly key: ItemKey;
    released: boolean;
}

interface Pending {
    units: number;
    readonly keys: LuaMap<ItemKey, number>;
}

export class IngestPolicy {
    private pending = new LuaMap<string, Pending>();

    constructor(private readonly store: DatabaseStore) {}

    /** Why `item` may not enter database `dbId` (a normalized id), or the record it would become. */
    check(item: Item, dbId: string, options?: IngestOptions): Result<ItemRecord> {
        if (item.Removed) return refuse(IngestRefusal.gone, say("ingest.gone"));
        const db = this.store.database(dbId);
        if (db === undefined || db.anchorId === undefined) {
            return refuse(IngestRefusal.noCore, say("ingest.no_core", dbId));
        }
        if (db.readOnlyReason !== undefined) {
            return refuse(IngestRefusal.readOnly, say("ingest.read_only", dbId, db.readOnlyReason));
        }
        if (options?.unpack !== true && isInsideItem(item)) {
            return refuse(IngestRefusal.contained, say("ingest.contained"));
        }
        const blocked = blockedReason(item);
        if (blocked !== undefined) return blocked;
        const record = readRecord(item);
        const limits = this.store.limitsFor(dbId);
        const pending = this.pending.get(dbId);
        const reservedUnits = pending?.units ?? 0;
        if (limits.maxUnits !== undefined && db.heldTotal() + reservedUnits + 1 > limits.maxUnits) {
            return refuse(IngestRefusal.full, say("ingest.full", dbId, db.heldTotal() + reservedUnits, limits.maxUnits));
        }
        if (limits.maxKeys !== undefined) {
            const key = keyOfRecord(record);
            const isNew = db.heldOf(key) === 0 && (pending?.keys.get(key) ?? 0) === 0;
            if (isNew && db.keyCount() + this.pendingNewKeys(dbId) + 1 > limits.maxKeys) {
                return refuse(IngestRefusal.keys, say("ingest.full_keys", dbId, limits.maxKeys));
            }
        }
        return ok(record);
    }

    /** Holds back one unit (and its key) of `record` for database `dbId`. */
    reserve(dbId: string, record: ItemRecord): Reservation {
        let pending = this.pending.get(dbId);
        if (pending === undefined) {
            pending = { units: 0, keys: new LuaMap<ItemKey, number>() };
            this.pending.set(dbId, pending);
        }
        const key = keyOfRecord(record);
        pending.units += 1;
        pending.keys.set(key, (pending.keys.get(key) ?? 0) + 1);
        return { dbId, key, released: false };
    }

    /** The reserved unit arrived (or will never arrive). Releasing twice does nothing. */
    release(reservation: Reservation): void {
        if (reservation.released) return;
        reservation.released = true;
        const pending = this.pending.get(reservation.dbId);
        if (pending === undefined) return;
        pending.units -= 1;
        const left = (pending.keys.get(reservation.key) ?? 0) - 1;
        if (left > 0) pending.keys.set(reservation.key, left);
        else pending.keys.delete(reservation.key);
        if (pending.units <= 0) this.pending.delete(reservation.dbId);
    }

    reservedUnits(dbId: string): number {
        return this.pending.get(dbId)?.units ?? 0;
    }

    /** A new round: nothing pending survives an unload. */
    clearReservations(): void {
        this.pending = new LuaMap<string, Pending>();
    }

    /** Pending keys the database does not hold yet. O(pending keys), which stays small. */
    private pendingNewKeys(dbId: string): number {
        const pending = this.pending.get(dbId);
        if (pending === undefined) return 0;
        const db = this.store.database(dbId);
        let n = 0;
        for (const [key] of pending.keys) {
            if (db === undefined || db.heldOf(key) === 0) n++;
        }
        return n;
    }
}

/**
 * True when the item is part of another item that itself sits in a Database IO device (a
 * magazine in a gun in an interface, a tank in a suit in a terminal): it goes in with its
 * container or not at all. Items in ordinary storage (a cabinet) are not affected.
 */
function isInsideItem(item: Item): boolean {
    const parent = item.Container;
    if (parent === undefined || parent.HasTag(DEVICE_TAG)) return false;
    let holder = parent.Container;
    let depth = 0;
    while (holder !== undefined && depth < 32) {
        if (holder.HasTag(DEVICE_TAG)) return true;
        holder = holder.Container;
        depth++;
    }
    return false;
}

function isDevice(item: Item): boolean {
    return item.HasTag(DEVICE_TAG) || prefabIdOf(item) === CORE;
}

/** The refusal for an item that may never be stored (itself or anything inside it), or undefined. */
export function blockedReason(item: Item): Refused | undefined {
    if (isDevice(item)) return refuse(IngestRefusal.device, say("ingest.device"));
    // Outpost property while still in its outpost: storing it would launder it (Item.Illegitimate).
    if (item.Illegitimate) return refuse(IngestRefusal.illegitimate, say("ingest.illegitimate"));
    const inventories = item.OwnInventories;
    if (inventories !== undefined) {
        for (const inventory of inventories) {
            for (const child of inventory.AllItemsMod) {
                const inner = blockedReason(child);
                if (inner !== undefined) {
                    if (inner.code === IngestRefusal.device) {
                        return refuse(IngestRefusal.device, say("ingest.device_inside"));
                    }
                    return inner;
                }
            }
        }
    }
    return undefined;
}

/** A reason the item or anything inside it may never be stored, or undefined. */
export function blockedIn(item: Item): string | undefined {
    return blockedReason(item)?.message;
}
