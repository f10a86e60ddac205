/**
 * Moving units between the world and a database, for every device and the public API.
 *
 * Ingest (world -> database): the item is queued for removal and its record enters the database
 * only when the item is really gone (see removals.ts). Units waiting for that count against the
 * database's limits, so the insert cannot be refused afterwards except by a fault; if it is, the
 * record is spawned back where the item was (never voided).
 *
 * Extract (database -> world): the units move into a short-lived lease owned by the spawner, so a
 * save in the middle holds them exactly once; each unit is consumed from that lease when its item
 * has landed in the target inventory. A unit that landed anywhere else is removed again and goes
 * back to the database. A spawn the game never performs times out and its units return; if it
 * lands late, its lease is over and the item is removed again.
 */
import type { DatabaseStore } from "../core/store";
import type { ItemRecord } from "../core/record";
import { keyIdentifier, keyQuality, makeKey, normalizeDatabaseId } from "../core/keys";
import type { ItemKey } from "../core/keys";
import { ok, refuse, Result } from "../core/result";
import type { IngestOptions, IngestPolicy } from "./policy";
import type { RemovalLedger } from "./removals";
import { canSpawn, spawnRecord } from "./spawner";
import { problem, warn } from "./log";
import { SAVING_CODE, SAVING_MESSAGE } from "./savePhases";
import type { SavePhases } from "./savePhases";

export interface ExtractRequest {
    readonly dbId: string;
    readonly key: ItemKey;
    readonly amount: number;
    readonly target: Inventory;
    readonly source: string;
    /** Exact entry to take instead of aggregated units (amount must then be 1). */
    readonly exactId?: number;
}

export interface ExtractTicket {
    readonly leaseId: number;
    readonly units: number;
}

interface SpawnLease {
    readonly leaseId: number;
    readonly epoch: number;
    readonly dbId: string;
    outstanding: number;
    readonly startedAt: number;
    /** Units whose spawn the game has not reported yet, by a per-lease serial. */
    readonly waiting: LuaMap<number, { readonly key: ItemKey; readonly exactId: number | undefined }>;
    nextWaiting: number;
    /** Lua stopped while these spawns were queued and they were counted as delivered. */
    deliveredAtStop?: boolean;
}

/** Seconds after which a spawn the game never performed is given up and its units return. */
const SPAWN_TIMEOUT = 5;
/** Less than one game update (1/60 s): a spawn queued this recently has not been processed yet. */
const SAME_UPDATE = 1 / 120;

export class Transfer {
    private spawnLeases = new LuaMap<number, SpawnLease>();
    floorDrops = 0;

    constructor(
        private readonly store: DatabaseStore,
        private readonly removals: RemovalLedger,
        private readonly policy: IngestPolicy,
        private readonly now: (this: void) => number,
        private readonly phases: SavePhases,
    ) {}

    /** Units queued for removal, not yet inserted (the policy counts them against limits). */
    reservedUnits(dbId: string): number {
        return this.policy.reservedUnits(normalizeDatabaseId(dbId));
    }

    /**
     * Takes `item` (with everything inside it) into database `dbId`. The item stays in the world
     * until the game removes it; a refusal leaves it where it is.
     */
    ingest(item: Item, rawDbId: string, source: string, options?: IngestOptions): Result<ItemRecord> {
        const dbId = normalizeDatabaseId(rawDbId);
        if (this.removals.isPending(item.ID)) return refuse("pending", "that item is already on its way in");
        // From the first save step on, nothing is stored (savePhases.ts).
        if (this.phases.frozen) return refuse(SAVING_CODE, SAVING_MESSAGE);
        const allowed = this.policy.check(item, dbId, options);
        if (!allowed.ok) return allowed;
        const record = allowed.value;
        const origin = item.ParentInventory;
        const reservation = this.policy.reserve(dbId, record);
        this.removals.queue(item, record.identifier, () => {
            this.policy.release(reservation);
            this.insertRecord(dbId, record, source, origin);
        });
        return ok(record);
    }

    private insertRecord(dbId: string, record: ItemRecord, source: string, origin: Inventory | undefined): void {
        // Accepted while the database had a core: stored even if that core is gone by now (the
        // item is already leaving; a spawned replacement could land after a save, or never).
        const result = this.store.transaction(dbId, source).completesAccepted().insert(record, 1).commit();
        if (result.ok) return;
        // Never void: the item is gone, so it comes back as a new one where it was.
        problem(string.format("could not store %s in '%s' (%s): returning it", record.identifier, dbId, result.message));
        if (origin !== undefined && canSpawn(record).ok) {
            spawnRecord(record, origin, undefined, (landed) => {
                if (!landed.placed) {
                    this.floorDrops++;
                    warn(string.format("%s returned to the floor (no room where it was)", record.identifier));
                }
            });
        } else {
            this.floorDrops++;
            problem(string.format("%s could not be returned: no prefab or no place", record.identifier));
        }
    }

    /** Spawns `amount` units of `key` into `target`. Units that cannot be placed go back. */
    extract(request: ExtractRequest): Result<ExtractTicket> {
        const dbId = normalizeDatabaseId(request.dbId);
        if (this.phases.frozen) return refuse(SAVING_CODE, SAVING_MESSAGE);
        const amount = request.amount;
        if (type(amount) !== "number" || amount !== math.floor(amount) || amount < 1 || amount > 1000) {
            return refuse("bad_amount", "the amount must be a whole number from 1 to 1000");
        }
        const probe: ItemRecord = { identifier: keyIdentifier(request.key), quality: keyQuality(request.key), condition: 100, stolen: false, outpost: "", contents: [] };
        const spawnable = canSpawn(probe);
        if (!spawnable.ok) return spawnable;
        const opened = this.store.openLease(dbId, "spawn:" + request.source);
        if (!opened.ok) return opened;
        const lease = opened.value;
        const tx = this.store.transaction(dbId, request.source);
        if (request.exactId !== undefined) {
            if (amount !== 1) return this.abandon(lease.id, lease.epoch, refuse("bad_amount", "an exact entry is one unit"));
            tx.leaseOutExact(lease.id, request.exactId);
        } else {
            tx.leaseOut(lease.id, request.key, amount);
        }
        const moved = tx.commit();
        if (!moved.ok) return this.abandon(lease.id, lease.epoch, moved);
        const leased = this.store.lease(lease.id)!;
        const tracker: SpawnLease = { leaseId: lease.id, epoch: lease.epoch, dbId, outstanding: 0, startedAt: this.now(), waiting: new LuaMap(), nextWaiting: 1 };
        this.spawnLeases.set(lease.id, tracker);
        for (const [key, count] of leased.countList()) {
            const record = plainRecord(key);
            for (let i = 0; i < count; i++) this.spawnUnit(tracker, record, key, undefined, request.target);
        }
        for (const entry of leased.exactList()) {
            this.spawnUnit(tracker, entry.record, makeKey(entry.record.identifier, entry.record.quality), entry.id, request.target);
        }
        return ok({ leaseId: lease.id, units: amount });
    }

    private abandon<T>(leaseId: number, epoch: number, reason: Result<T>): Result<T> {
        this.store.closeLease(leaseId, epoch, "spawner");
        return reason;
    }

    private spawnUnit(tracker: SpawnLease, record: ItemRecord, key: ItemKey, exactId: number | undefined, target: Inventory): void {
        tracker.outstanding++;
        const serial = tracker.nextWaiting;
        tracker.nextWaiting++;
        tracker.waiting.set(serial, { key, exactId });
        const started = spawnRecord(record, target, undefined, (landed) => {
            tracker.waiting.delete(serial);
            const live = this.spawnLeases.get(tracker.leaseId) === tracker;
            if (!live) {
                // Counted as delivered when Lua stopped: the item is where its units went. Keep it.
                if (tracker.deliveredAtStop === true) return;
                // The lease timed out and its units already went back: this item is one too many.
                this.removals.queue(landed.item, record.identifier, () => undefined);
                return;
            }
            if (landed.placed) {
                const tx = this.store.transaction(tracker.dbId, "spawner");
                if (exactId !== undefined) tx.consumeExactFromLease(tracker.leaseId, tracker.epoch, exactId);
                else tx.consumeFromLease(tracker.leaseId, tracker.epoch, key, 1);
                const consumed = tx.commit();
                if (!consumed.ok) problem("spawned unit could not be consumed from its lease: " + consumed.message);
                this.finishUnit(tracker);
            } else {
                // Landed somewhere else (a full inventory): take it back out of the world. One
                // already removed (before its callback) is gone: its unit goes back now.
                const queued = this.removals.queue(landed.item, record.identifier, () => {
                    this.finishUnit(tracker);
                });
                if (!queued && landed.item.Removed) this.finishUnit(tracker);
            }
        });
        if (!started.ok) {
            tracker.waiting.delete(serial);
            problem("cannot spawn " + record.identifier + ": " + started.message);
            this.finishUnit(tracker);
        }
    }

    private finishUnit(tracker: SpawnLease): void {
        tracker.outstanding--;
        if (tracker.outstanding <= 0 && this.spawnLeases.get(tracker.leaseId) === tracker) {
            this.spawnLeases.delete(tracker.leaseId);
            // Whatever was not consumed (not placed) returns to Working.
            this.store.closeLease(tracker.leaseId, tracker.epoch, "spawner");
        }
    }

    /** think: give up on spawns the game never performed. */
    sweep(): void {
        const now = this.now();
        for (const [id, tracker] of this.spawnLeases) {
            if (now - tracker.startedAt > SPAWN_TIMEOUT) {
                this.spawnLeases.delete(id);
                const closed = this.store.closeLease(tracker.leaseId, tracker.epoch, "spawner timeout");
                warn(string.format("%d spawn(s) never arrived; their units went back to '%s'%s", tracker.outstanding, tracker.dbId, closed.ok ? "" : " (" + closed.message + ")"));
            }
        }
    }

    /**
     * Lua is stopping (reloadlua). A spawn queued in this very update still lands after the
     * restart, without anyone to account for it, so its unit counts as delivered now. A spawn
     * queued before this update had its chance to land and did not (the game dropped it, or
     * removed the item before reporting it): its unit goes back, like units whose misplaced
     * item is waiting to be removed again. Everything not delivered returns when the lease closes.
     */
    settleForStop(): void {
        const now = this.now();
        for (const [id, tracker] of this.spawnLeases) {
            const lease = this.store.lease(tracker.leaseId);
            if (lease !== undefined) {
                if (now - tracker.startedAt < SAME_UPDATE) {
                    const tx = this.store.transaction(tracker.dbId, "spawner (stop)");
                    for (const [, unit] of tracker.waiting) {
                        if (unit.exactId !== undefined) tx.consumeExactFromLease(tracker.leaseId, tracker.epoch, unit.exactId);
                        else tx.consumeFromLease(tracker.leaseId, tracker.epoch, unit.key, 1);
                    }
                    const consumed = tx.commit();
                    if (consumed.ok) tracker.deliveredAtStop = true;
                    else problem("spawns queued at stop could not be counted as delivered: " + consumed.message);
                }
                this.store.closeLease(tracker.leaseId, tracker.epoch, "spawner (stop)");
            }
            this.spawnLeases.delete(id);
        }
    }

    /**
     * The first save step: spawns still queued are given up. Their units return to Working with
     * the lease now; an item the game still creates finds no live lease and is removed again (the
     * capture removes it at once), so neither a player's stored inventory nor the submarine holds
     * a unit the database also holds.
     */
    settleForSave(): void {
        const trackers: SpawnLease[] = [];
        let n = 0;
        for (const [, tracker] of this.spawnLeases) {
            trackers[n] = tracker;
            n++;
        }
        table.sort(trackers, (a, b) => a.leaseId < b.leaseId);
        for (const tracker of trackers) {
            this.spawnLeases.delete(tracker.leaseId);
            const closed = this.store.closeLease(tracker.leaseId, tracker.epoch, "spawner (save)");
            if (!closed.ok && closed.code !== "unknown_lease" && closed.code !== "lease_closed") {
                problem(string.format("spawns given up at a save could not return to '%s': %s", tracker.dbId, closed.message));
            }
        }
    }

    /** A rebuild dropped every lease: forget the trackers (their callbacks find no live lease). */
    reset(): void {
        this.spawnLeases = new LuaMap<number, SpawnLease>();
        this.policy.clearReservations();
    }

    inFlight(): number {
        let n = 0;
        for (const [, tracker] of this.spawnLeases) n += tracker.outstanding;
        return n;
    }
}

function plainRecord(key: ItemKey): ItemRecord {
    return { identifier: keyIdentifier(key), quality: keyQuality(key), condition: 100, stolen: false, outpost: "", contents: [] };
}
