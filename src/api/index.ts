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
import type { MutationEvent } from "../core/mutationEvents";
import type { Transfer } from "../host/transfer";
import type { LifecycleBinding } from "../host/lifecycle";
import { registerSearchFilter, registerSortMode, registerTerminalAction } from "../features/terminal/extensions";
import { normalizeDatabaseId } from "../core/keys";
import { isWellFormedIdentifier, isWellFormedKey, MAX_QUALITY } from "../core/entries";
import { consume, planConsume } from "../core/consume";
import type { ConsumeRequest } from "../core/consume";
import type { TakenUnits } from "../core/mutationEvents";
import type { RebuildReport, RebuiltState } from "../core/rounds";
import { ok } from "../core/result";
import { canSpawn } from "../host/spawner";
import { problem } from "../host/log";
import { tagResolver } from "../features/shared/prefabTags";
import type { Signal } from "../host/events";

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

function isFunction(v: unknown): boolean {
    return type(v) === "function";
}

/** A game object (userdata in the game, a table in the simulated runtime). */
function isObject(v: unknown): boolean {
    return type(v) === "userdata" || type(v) === "table";
}

/** Reads a member of a game object without raising (a wrong userdata raises on unknown members). */
function memberType(v: unknown, member: string): string {
    if (!isObject(v)) return "nil";
    const [success, value] = pcall(() => (v as Record<string, unknown>)[member]);
    return success ? type(value) : "nil";
}

/** Something with an inventory's shape (a number Capacity): not an item, not a stray table. */
function isInventory(v: unknown): boolean {
    return memberType(v, "Capacity") === "number";
}

/** Something with an item's shape (a number ID and a prefab). */
function isItem(v: unknown): boolean {
    return memberType(v, "ID") === "number" && memberType(v, "Prefab") !== "nil";
}

/** The quality argument of a query: omitted means 0; anything but a whole 0..99 is invalid. */
function qualityOf(q: unknown): number | undefined {
    if (q === undefined) return 0;
    if (type(q) !== "number" || math.floor(q as number) !== q || (q as number) < 0 || (q as number) > MAX_QUALITY) return undefined;
    return q as number;
}

/** The key of (identifier, quality) when both are valid: identifiers match in any case. */
function keyOf(identifier: unknown, quality: unknown): ItemKey | undefined {
    const q = qualityOf(quality);
    if (!isText(identifier) || q === undefined) return undefined;
    const id = string.lower(identifier);
    return isWellFormedIdentifier(id) ? makeKey(id, q) : undefined;
}

function sourceOf(source: unknown): string {
    return "api:" + (isText(source) && source !== "" ? source : "?");
}

/** Most units one consumeInto may spawn (the spawner's limit per request). */
export const MAX_CONSUME_INTO_UNITS = 1000;

export interface DatabaseInfo {
    readonly id: string;
    readonly version: number;
    /** Units available to takers plus parked units (everything in Working). */
    readonly units: number;
    readonly leased: number;
    /** Distinct keys held (Working or leased). */
    readonly keys: number;
    readonly readOnly: boolean;
    readonly readOnlyReason?: string;
    /** True when a Database Core persists this database. */
    readonly anchored: boolean;
}

export interface ConsumePickView {
    readonly ingredient: number;
    readonly key: ItemKey;
    readonly count: number;
    readonly exactId?: number;
    readonly record: ItemRecord;
}

export interface PlanView {
    readonly db: string;
    readonly units: number;
    readonly picks: ConsumePickView[];
}

export interface ConsumeView {
    readonly db: string;
    readonly units: number;
    readonly version: number;
    readonly taken: TakenUnits[];
}

export interface ConsumeIntoView {
    readonly db: string;
    readonly units: number;
    /** The spawner leases the units travel in (one per picked key or exact entry). */
    readonly leases: number[];
}

export interface RebuiltDatabaseView {
    readonly id: string;
    readonly state: RebuiltState;
    readonly version: number;
    readonly units: number;
    readonly readOnlyReason?: string;
}

export interface RebuiltView {
    readonly databases: RebuiltDatabaseView[];
    readonly messages: string[];
}

export interface Subscription {
    stop(this: void): void;
}

function picksOf(plan: { readonly picks: readonly ConsumePickView[] }): ConsumePickView[] {
    const out: ConsumePickView[] = [];
    let nOut = 0;
    for (const p of plan.picks) { out[nOut] = { ingredient: p.ingredient, key: p.key, count: p.count, exactId: p.exactId, record: p.record }; nOut++; }
    return out;
}

function rebuiltView(report: RebuildReport): RebuiltView {
    const databases: RebuiltDatabaseView[] = [];
    let nDatabases = 0;
    for (const d of report.databases) { databases[nDatabases] = { id: d.dbId, state: d.state, version: d.version, units: d.units, readOnlyReason: d.readOnlyReason }; nDatabases++; }
    return { databases, messages: [...report.messages] };
}

/** Listener names are text; the API prefixes them so a mod cannot replace a device's listener. */
function checkListener(name: unknown, fn: unknown): Result<string> {
    if (!isText(name) || name === "") return refuse("bad_request", "a listener needs a name (text)");
    if (!isFunction(fn)) return refuse("bad_request", "a listener needs a function");
    return ok("api." + name);
}

/** Which registration currently owns each listener name, so a stale handle cannot remove a newer one. */
const listenerOwners = new LuaMap<string, number>();
let listenerSerial = 0;

/** Adds a named listener to a lifecycle signal; the mod sees a copy, never the internal value. */
function listen<T, V>(kind: string, signal: Signal<T>, name: string, fn: (this: void, value: V) => void, view: (this: void, value: T) => V): Result<Subscription> {
    const checked = checkListener(name, fn);
    if (!checked.ok) return checked;
    const id = checked.value;
    const owner = kind + ":" + id;
    listenerSerial += 1;
    const serial = listenerSerial;
    listenerOwners.set(owner, serial);
    signal.add(id, (value) => {
        fn(view(value));
    });
    return ok({
        stop: () => {
            if (listenerOwners.get(owner) !== serial) return;
            listenerOwners.delete(owner);
            signal.remove(id);
        },
    });
}

export function buildApi(s: ApiServices) {
    const api = {
        apiVersion: API_VERSION,
        modVersion: s.modVersion,

        /** The item key units are counted under: "identifier#quality"; undefined for invalid arguments. */
        key(this: void, identifier: string, quality?: number): ItemKey | undefined {
            return keyOf(identifier, quality);
        },

        /** Ids of every database known this round, sorted. */
        databases(this: void): string[] {
            return s.store.databaseIds();
        },

        /** Units of an item a taker can have now (leased and parked units excluded). */
        amount(this: void, db: string, identifier: string, quality?: number): number {
            const key = keyOf(identifier, quality);
            if (!isText(db) || key === undefined) return 0;
            return s.store.amount(db, key);
        },

        /** Version, size and state of one database; undefined when there is none. */
        info(this: void, db: string): DatabaseInfo | undefined {
            const database = isText(db) ? s.store.database(db) : undefined;
            if (database === undefined) return undefined;
            return {
                id: database.id,
                version: database.version,
                units: database.unitTotal(),
                leased: database.leasedTotal(),
                keys: database.keyCount(),
                readOnly: database.readOnlyReason !== undefined,
                readOnlyReason: database.readOnlyReason,
                anchored: database.anchorId !== undefined,
            };
        },

        /** Units of an item currently leased out (on a terminal page or being spawned). */
        leased(this: void, db: string, identifier: string, quality?: number): number {
            const key = keyOf(identifier, quality);
            const database = isText(db) && key !== undefined ? s.store.database(db) : undefined;
            return database === undefined || key === undefined ? 0 : database.leasedOf(key);
        },

        /** Every key with units available, sorted by key. */
        entries(this: void, db: string): EntryView[] {
            const database = isText(db) ? s.store.database(db) : undefined;
            if (database === undefined) return [];
            const out: EntryView[] = [];
            let nOut = 0;
            for (const key of database.offeredKeys()) {
                const amount = database.amount(key);
                if (amount > 0) {
                    out[nOut] = { key, identifier: keyIdentifier(key), quality: keyQuality(key), amount };
                    nOut++;
                }
            }
            return out;
        },

        /** Exact entries (damaged, with contents, stolen), sorted by id. */
        exactEntries(this: void, db: string): ExactView[] {
            const database = isText(db) ? s.store.database(db) : undefined;
            if (database === undefined) return [];
            const out: ExactView[] = [];
            let nOut = 0;
            for (const entry of database.exactList()) { out[nOut] = { id: entry.id, record: entry.record }; nOut++; }
            return out;
        },

        /** Stores a real item (and its contents) under the ingest policy; the item is removed. */
        ingest(this: void, item: Item, db: string, source?: string): Result<ItemRecord> {
            return guarded(() => {
                if (!isItem(item)) return refuse("bad_item", "no item given");
                if (db !== undefined && !isText(db)) return refuse("bad_request", "the database id must be text");
                return s.transfer.ingest(item, normalizeDatabaseId(db), sourceOf(source));
            });
        },

        /** Spawns units into an inventory; what cannot be placed stays in the database. */
        extract(this: void, db: string, identifier: string, amount: number, inventory: Inventory, source?: string, quality?: number): Result<{ leaseId: number; units: number }> {
            return guarded(() => {
                if (!isText(db)) return refuse("bad_request", "the database id must be text");
                const key = keyOf(identifier, quality);
                if (key === undefined) return refuse("bad_request", "the identifier must be an item identifier and the quality a whole number from 0 to 99");
                if (!isInventory(inventory)) return refuse("bad_request", "no inventory given");
                return s.transfer.extract({ dbId: db, key, amount, target: inventory, source: sourceOf(source) });
            });
        },

        /** Plans a consume request without changing anything: what consume would take now. */
        plan(this: void, db: string, request: ConsumeRequest): Result<PlanView> {
            return guarded(() => {
                if (!isText(db)) return refuse("bad_request", "the database id must be text");
                const planned = planConsume(s.store, db, request, tagResolver);
                if (!planned.ok) return planned;
                return ok({ db: planned.value.dbId, units: planned.value.units, picks: picksOf(planned.value) });
            });
        },

        /**
         * Takes every ingredient of `request` out of the database in one transaction, all or
         * nothing (leased units never). The units leave for good: the caller uses them up or
         * materialises the returned records itself.
         */
        consume(this: void, db: string, request: ConsumeRequest, source?: string): Result<ConsumeView> {
            return guarded(() => {
                if (!isText(db)) return refuse("bad_request", "the database id must be text");
                const done = consume(s.store, db, sourceOf(source), request, tagResolver);
                if (!done.ok) return done;
                return ok({ db: done.value.plan.dbId, units: done.value.plan.units, version: done.value.commit.event.version, taken: [...done.value.taken] });
            });
        },

        /**
         * Plans `request` all or nothing, then spawns the picked units into `inventory` through
         * spawner leases (like extract): a unit that cannot be placed returns to the database.
         */
        consumeInto(this: void, db: string, request: ConsumeRequest, inventory: Inventory, source?: string): Result<ConsumeIntoView> {
            return guarded(() => {
                if (!isText(db)) return refuse("bad_request", "the database id must be text");
                if (!isInventory(inventory)) return refuse("bad_request", "no inventory given");
                const planned = planConsume(s.store, db, request, tagResolver);
                if (!planned.ok) return planned;
                const plan = planned.value;
                if (plan.units > MAX_CONSUME_INTO_UNITS) {
                    return refuse("bad_amount", string.format("consumeInto spawns at most %d units at once", MAX_CONSUME_INTO_UNITS));
                }
                // Every pick must be spawnable before the first unit moves: all or nothing.
                for (const pick of plan.picks) {
                    const spawnable = canSpawn(pick.record);
                    if (!spawnable.ok) return spawnable;
                }
                const leases: number[] = [];
                let nLeases = 0;
                let units = 0;
                for (const pick of plan.picks) {
                    const ticket = s.transfer.extract({ dbId: plan.dbId, key: pick.key, amount: pick.count, target: inventory, source: sourceOf(source), exactId: pick.exactId });
                    if (!ticket.ok) {
                        // The plan was made a moment ago in this same call, so this is a fault.
                        problem(string.format("consumeInto on '%s' stopped after %d unit(s): %s", plan.dbId, units, ticket.message));
                        return refuse(ticket.code, ticket.message);
                    }
                    leases[nLeases] = ticket.value.leaseId;
                    nLeases++;
                    units += ticket.value.units;
                }
                return ok({ db: plan.dbId, units, leases });
            });
        },

        /** Calls `fn(event)` after every change of database `db`. */
        watchAll(this: void, db: string, fn: (this: void, event: MutationEvent) => void): Result<Watch> {
            if (!isText(db)) return refuse("bad_request", "the database id must be text");
            if (!isFunction(fn)) return refuse("bad_request", "a watch needs a function");
            return ok(watchesFor(s.store).watchAll(db, fn));
        },

        /** Calls `fn(event)` after every change that touches `key` in database `db`. */
        watchKey(this: void, db: string, key: ItemKey, fn: (this: void, event: MutationEvent) => void): Result<Watch> {
            if (!isText(db)) return refuse("bad_request", "the database id must be text");
            if (!isWellFormedKey(key)) return refuse("bad_request", "the key must be \"identifier#quality\" as DatabaseIO.key makes it");
            if (!isFunction(fn)) return refuse("bad_request", "a watch needs a function");
            return ok(watchesFor(s.store).watchKey(db, key, fn));
        },

        /** Lifecycle: a save was confirmed (ids of the committed databases). Same name: replaced. */
        onCommitted(this: void, name: string, fn: (this: void, dbIds: string[]) => void): Result<Subscription> {
            return listen("committed", s.lifecycle.committed, name, fn, (ids) => [...ids]);
        },

        /** Terminals: a sort mode for the Sort button; compare(a, b) -> number (shapes: features/terminal/extensions.ts). */
        registerSortMode(this: void, id: string, label: string, compare: (this: void, a: unknown, b: unknown) => number): Result<string> {
            return guarded(() => registerSortMode(id, label, compare));
        },

        /** Terminals: a search filter for searches starting with `prefix`; matches(row, text) -> boolean. */
        registerSearchFilter(this: void, id: string, prefix: string, matches: (this: void, row: unknown, text: string) => boolean): Result<string> {
            return guarded(() => registerSearchFilter(id, prefix, matches));
        },

        /** Terminals: an action for the Action button; run(ctx) -> Result<string>. */
        registerTerminalAction(this: void, id: string, label: string, run: (this: void, ctx: unknown) => unknown): Result<string> {
            return guarded(() => registerTerminalAction(id, label, run));
        },

        /** Lifecycle: the round ended without a save and Working went back to the last save. */
        onRolledBack(this: void, name: string, fn: (this: void, reason: string) => void): Result<Subscription> {
            return listen("rolledBack", s.lifecycle.rolledBack, name, fn, (reason) => reason);
        },

        /** Lifecycle: the databases were rebuilt from the Database Cores (round start, Lua reload). */
        onRebuilt(this: void, name: string, fn: (this: void, report: RebuiltView) => void): Result<Subscription> {
            return listen("rebuilt", s.lifecycle.afterRebuild, name, fn, rebuiltView);
        },
    };
    return api;
}

export type DatabaseIOApi = ReturnType<typeof buildApi>;

/** The one global this mod defines. */
export function publishApi(api: DatabaseIOApi): void {
    (_G as unknown as { DatabaseIO?: DatabaseIOApi }).DatabaseIO = api;
}
