/**
 * The public API other mods use: one global table, `DatabaseIO`. Every function is called with a
 * dot (`DatabaseIO.amount("default", "steel")`), returns results instead of throwing, and goes
 * through the same transactions and policies as the devices. Declarations: types/databaseio.d.ts.
 */
import type { DatabaseStore } from "../core/store";
import { keyIdentifier, keyQuality, makeKey } from "../core/keys";
import { watchesFor } from "../core/watch";
import type { ItemKey } from "../core/keys";
import type { ItemRecord } from "../core/record";
import { refuse, Result } from "../core/result";
import type { MutationEvent } from "../core/events";
import type { Transfer } from "../host/transfer";
import type { LifecycleBinding } from "../host/lifecycle";

export const API_VERSION = 1;

export interface ApiServices {
    readonly store: DatabaseStore;
    readonly transfer: Transfer;
    readonly lifecycle: LifecycleBinding;
    readonly modVersion: string;
}

export interface EntryView {
    readonly key: ItemKey;
    readonly identifier: string;
    readonly quality: number;
    readonly amount: number;
}

export interface ExactView {
    readonly id: number;
    readonly record: ItemRecord;
}

export interface Watch {
    stop(this: void): void;
}

/** Runs `fn`, turning an unexpected Lua error into a refusal: nothing escapes into a caller. */
function guarded<T>(fn: () => Result<T>): Result<T> {
    const [success, value] = pcall(fn);
    if (!success) return refuse("internal", string.format("Database IO failed: %s", value));
    return value as Result<T>;
}

function isText(v: unknown): v is string {
    return type(v) === "string";
}

export function buildApi(s: ApiServices) {
    const api = {
        apiVersion: API_VERSION,
        modVersion: s.modVersion,

        /** The item key units are counted under: "identifier#quality". */
        key(this: void, identifier: string, quality?: number): ItemKey {
            return makeKey(identifier, quality ?? 0);
        },

        /** Ids of every database known this round, sorted. */
        databases(this: void): string[] {
            return s.store.databaseIds();
        },

        /** Units of an item a taker can have now (leased and parked units excluded). */
        amount(this: void, db: string, identifier: string, quality?: number): number {
            if (!isText(db) || !isText(identifier)) return 0;
            return s.store.amount(db, makeKey(identifier, quality ?? 0));
        },

        /** Units of an item currently leased out (on a terminal page or being spawned). */
        leased(this: void, db: string, identifier: string, quality?: number): number {
            if (!isText(db) || !isText(identifier)) return 0;
            const database = s.store.database(db);
            return database === undefined ? 0 : database.leasedOf(makeKey(identifier, quality ?? 0));
        },

        /** Every key with units available, sorted by key. */
        entries(this: void, db: string): EntryView[] {
            const database = isText(db) ? s.store.database(db) : undefined;
            if (database === undefined) return [];
            const out: EntryView[] = [];
            for (const key of database.offeredKeys()) {
                const amount = database.amount(key);
                if (amount > 0) {
                    out.push({ key, identifier: keyIdentifier(key), quality: keyQuality(key), amount });
                }
            }
            return out;
        },

        /** Exact entries (damaged, with contents, stolen), sorted by id. */
        exactEntries(this: void, db: string): ExactView[] {
            const database = isText(db) ? s.store.database(db) : undefined;
            if (database === undefined) return [];
            const out: ExactView[] = [];
            for (const entry of database.exactList()) out.push({ id: entry.id, record: entry.record });
            return out;
        },

        /** Stores a real item (and its contents) under the ingest policy; the item is removed. */
        ingest(this: void, item: Item, db: string, source?: string): Result<ItemRecord> {
            return guarded(() => {
                if (item === undefined || item === null) return refuse("bad_item", "no item given");
                return s.transfer.ingest(item, isText(db) ? db : "default", "api:" + (isText(source) ? source : "?"));
            });
        },

        /** Spawns units into an inventory; what cannot be placed stays in the database. */
        extract(this: void, db: string, identifier: string, amount: number, inventory: Inventory, source?: string, quality?: number): Result<{ leaseId: number; units: number }> {
            return guarded(() => {
                if (!isText(db) || !isText(identifier)) return refuse("bad_request", "database and identifier must be text");
                if (inventory === undefined || inventory === null) return refuse("bad_request", "no inventory given");
                return s.transfer.extract({ dbId: db, key: makeKey(identifier, quality ?? 0), amount, target: inventory, source: "api:" + (isText(source) ? source : "?") });
            });
        },

        /** Calls `fn(event)` after every change of database `db`. */
        watchAll(this: void, db: string, fn: (this: void, event: MutationEvent) => void): Watch {
            return watchesFor(s.store).watchAll(isText(db) ? db : "default", fn);
        },

        /** Calls `fn(event)` after every change that touches `key` in database `db`. */
        watchKey(this: void, db: string, key: ItemKey, fn: (this: void, event: MutationEvent) => void): Watch {
            return watchesFor(s.store).watchKey(isText(db) ? db : "default", key, fn);
        },

        /** Lifecycle: a save was confirmed (ids of the committed databases). */
        onCommitted(this: void, name: string, fn: (this: void, dbIds: string[]) => void): void {
            s.lifecycle.committed.add("api." + name, fn);
        },

        /** Lifecycle: the round ended without a save and Working went back to the last save. */
        onRolledBack(this: void, name: string, fn: (this: void, reason: string) => void): void {
            s.lifecycle.rolledBack.add("api." + name, fn);
        },
    };
    return api;
}

export type DatabaseIOApi = ReturnType<typeof buildApi>;

/** The one global this mod defines. */
export function publishApi(api: DatabaseIOApi): void {
    (_G as unknown as { DatabaseIO?: DatabaseIOApi }).DatabaseIO = api;
}
