/**
 * Watchers over the store's mutation events (design.md "Sync"): `watchAll(db)` for terminal views
 * and sync, `watchKey(db, key)` for restockers, panels and other mods.
 *
 * One store subscription feeds every watcher. Watchers are indexed by database and key, so an
 * event costs O(changed keys x their watchers + watchers of the whole database), never a pass over
 * every watcher. Each event reaches a watcher at most once, in the store's order (the store queues
 * an event published while watchers run behind the current one). A reset event (rebuild, rollback)
 * reaches every watcher of its database. A failing watcher is reported and the others still run.
 */
import type { ItemKey } from "./keys";
import { normalizeDatabaseId } from "./keys";
import type { MutationEvent } from "./mutationEvents";
import type { StoreReader } from "./store";

export type WatchFn = (this: void, event: MutationEvent) => void;

export interface WatchHandle {
    /** Stops deliveries at once (also for an event that is being delivered right now). */
    stop(this: void): void;
}

interface Watcher {
    readonly serial: number;
    readonly db: string;
    /** undefined: the whole database. */
    readonly key: ItemKey | undefined;
    readonly fn: WatchFn;
    active: boolean;
}

interface DbWatchers {
    readonly all: LuaMap<number, Watcher>;
    readonly byKey: LuaMap<ItemKey, LuaMap<number, Watcher>>;
    count: number;
}

function errorText(err: unknown): string {
    if (type(err) === "string") return err as string;
    return "error of type " + type(err);
}

export class WatchRegistry {
    private readonly dbs = new LuaMap<string, DbWatchers>();
    private nextSerial = 0;
    private failures = 0;
    private onError: ((this: void, message: string) => void) | undefined;

    constructor(store: StoreReader, subscriptionId = "databaseio.watch") {
        store.subscribe(subscriptionId, (event) => {
            this.deliver(event);
        });
    }

    /** Where failures of watchers are reported (the host sends them to its log). */
    setErrorSink(fn: ((this: void, message: string) => void) | undefined): void {
        this.onError = fn;
    }

    /** Calls `fn(event)` after every applied change of database `db` (any spelling of its id). */
    watchAll(db: string, fn: WatchFn): WatchHandle {
        return this.add(normalizeDatabaseId(db), undefined, fn);
    }

    /** Calls `fn(event)` after every applied change that touches `key` in database `db`. */
    watchKey(db: string, key: ItemKey, fn: WatchFn): WatchHandle {
        return this.add(normalizeDatabaseId(db), key, fn);
    }

    /** Watchers currently registered on `db` (all kinds). */
    watcherCount(db: string): number {
        return this.dbs.get(normalizeDatabaseId(db))?.count ?? 0;
    }

    /** How many watcher calls failed so far. */
    failureCount(): number {
        return this.failures;
    }

    private add(db: string, key: ItemKey | undefined, fn: WatchFn): WatchHandle {
        this.nextSerial += 1;
        const watcher: Watcher = { serial: this.nextSerial, db, key, fn, active: true };
        let group = this.dbs.get(db);
        if (group === undefined) {
            group = { all: new LuaMap(), byKey: new LuaMap(), count: 0 };
            this.dbs.set(db, group);
        }
        if (key === undefined) {
            group.all.set(watcher.serial, watcher);
        } else {
            let set = group.byKey.get(key);
            if (set === undefined) {
                set = new LuaMap();
                group.byKey.set(key, set);
            }
            set.set(watcher.serial, watcher);
        }
        group.count += 1;
        return {
            stop: () => {
                this.remove(watcher);
            },
        };
    }

    private remove(watcher: Watcher): void {
        if (!watcher.active) return;
        watcher.active = false;
        const group = this.dbs.get(watcher.db);
        if (group === undefined) return;
        if (watcher.key === undefined) {
            group.all.delete(watcher.serial);
        } else {
            const set = group.byKey.get(watcher.key);
            if (set !== undefined) {
                set.delete(watcher.serial);
                if (set.isEmpty()) group.byKey.delete(watcher.key);
            }
        }
        group.count -= 1;
        if (group.count <= 0) this.dbs.delete(watcher.db);
    }

    private deliver(event: MutationEvent): void {
        const group = this.dbs.get(event.db);
        if (group === undefined) return;
        const targets: Watcher[] = [];
        let nTargets = 0;
        for (const [, w] of group.all) { targets[nTargets] = w; nTargets++; }
        if (event.reset === true) {
            for (const [, set] of group.byKey) {
                for (const [, w] of set) { targets[nTargets] = w; nTargets++; }
            }
        } else {
            // A key watcher watches one key and changes list each key once: no duplicates.
            for (const change of event.changes) {
                const set = group.byKey.get(change.key);
                if (set === undefined) continue;
                for (const [, w] of set) { targets[nTargets] = w; nTargets++; }
            }
        }
        if (targets.length === 0) return;
        // Registration order: a total order, so delivery does not depend on table iteration.
        table.sort(targets, (a, b) => a.serial < b.serial);
        for (const w of targets) {
            if (!w.active) continue;
            const [success, err] = pcall(w.fn, event);
            if (!success) {
                this.failures += 1;
                const sink = this.onError;
                if (sink !== undefined) {
                    pcall(sink, string.format("watcher %d on '%s' failed: %s", w.serial, w.db, errorText(err)));
                }
            }
        }
    }
}

const registries = new LuaMap<StoreReader, WatchRegistry>();

/** The one registry of `store` (created on first use). */
export function watchesFor(store: StoreReader): WatchRegistry {
    let registry = registries.get(store);
    if (registry === undefined) {
        registry = new WatchRegistry(store);
        registries.set(store, registry);
    }
    return registry;
}
