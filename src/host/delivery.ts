/**
 * Delivering leased units into the world: the one way units leave a database through the spawner.
 *
 * The units already sit in an open lease, so a save in the middle holds each of them exactly once
 * (in the lease, hence in the captured database, or as the landed item). Each unit is spawned
 * into the target and tracked until it lands, times out or comes back:
 * - placed in the target: consumed from the lease;
 * - landed anywhere else: removed again through the removal ledger; its unit stays leased and
 *   returns when the lease closes;
 * - never performed by the game (DELIVERY_TIMEOUT): given up, the lease closes and its units
 *   return; an item that still lands finds no live delivery and is removed again;
 * - Lua stopping: spawns queued in this very update count as delivered (they land after the
 *   restart with nobody to account for them), older ones return with the lease;
 * - the first save step: everything still queued is given up (units return with the lease; a
 *   late item is removed again, by the capture at once).
 * The delivery settles (its lease closes, returning whatever was not consumed) when its last unit
 * is done. Spawns land through EntitySpawner's queue on a later update (spawner.ts).
 */
import type { DatabaseStore } from "../core/store";
import type { Transaction } from "../core/transaction";
import type { ItemRecord } from "../core/record";
import type { ItemKey } from "../core/keys";
import { makeKey } from "../core/keys";
import { plainRecordOf } from "../core/entries";
import type { RemovalLedger } from "./removals";
import { spawnRecord } from "./spawner";
import { problem, warn } from "./log";
import type { SettleReason } from "./savePhases";

/** Seconds after which a spawn the game never performed is given up and its units return. */
export const DELIVERY_TIMEOUT = 5;
/** Less than one game update (1/60 s): a spawn queued this recently has not been processed yet. */
const SAME_UPDATE = 1 / 120;

/** Books one delivered unit of a lease in `tx`: an exact entry by its id, a counted unit by key. */
export function consumeUnit(tx: Transaction, leaseId: number, epoch: number, key: ItemKey, exactId: number | undefined): void {
    if (exactId !== undefined) tx.consumeExactFromLease(leaseId, epoch, exactId);
    else tx.consumeFromLease(leaseId, epoch, key, 1);
}

interface WaitingUnit {
    readonly key: ItemKey;
    readonly exactId: number | undefined;
}

/** One lease's units on their way into one target. `data` is the caller's. */
export interface Delivery<T> {
    readonly leaseId: number;
    readonly epoch: number;
    readonly dbId: string;
    readonly data: T;
    readonly startedAt: number;
    /** Units not settled yet. */
    outstanding: number;
    /** Units that did not end up in the target (landed elsewhere, never spawned, timed out). */
    misplaced: number;
    /** Units whose spawn the game has not reported yet, by a per-delivery serial. */
    readonly waiting: LuaMap<number, WaitingUnit>;
    nextWaiting: number;
    /** Lua stopped while these spawns were queued and they were counted as delivered. */
    deliveredAtStop?: boolean;
}

export interface DeliveryOptions<T> {
    /** Transaction sources for closing the lease: settled, timed out, Lua stopping, a save. */
    readonly sources: { readonly settled: string; readonly timeout: string; readonly stop: string; readonly save: string };
    /** What the log calls these units ("spawn(s)"). */
    readonly what: string;
    /** What the log calls one unit that could not be consumed ("spawned unit"). */
    readonly unit: string;
    /**
     * A misplaced item the removal ledger would not queue because the game already removed it:
     * true, its unit is settled at once (extracts); false, it waits for the timeout (pulls).
     * Either way the unit returns with the lease.
     */
    readonly settleRemovedMisplacedAtOnce: boolean;
    /** Runs when a delivery settles or times out (not when it is given up for a stop, a save or a reset). */
    readonly onSettled?: (this: void, delivery: Delivery<T>, complete: boolean) => void;
}

export class Deliveries<T> {
    private live = new LuaMap<number, Delivery<T>>();

    constructor(
        private readonly store: DatabaseStore,
        private readonly removals: RemovalLedger,
        private readonly now: (this: void) => number,
        private readonly options: DeliveryOptions<T>,
    ) {}

    /**
     * Spawns every unit of open lease `leaseId` into `target`. `recordOf` gives the record of a
     * counted (non-exact) unit (default: the plain record of its key).
     */
    start(leaseId: number, epoch: number, dbId: string, target: Inventory, data: T, recordOf?: (this: void, key: ItemKey) => ItemRecord): Delivery<T> {
        const delivery: Delivery<T> = { leaseId, epoch, dbId, data, startedAt: this.now(), outstanding: 0, misplaced: 0, waiting: new LuaMap(), nextWaiting: 1 };
        this.live.set(leaseId, delivery);
        const leased = this.store.lease(leaseId)!;
        for (const [key, count] of leased.countList()) {
            const record = recordOf !== undefined ? recordOf(key) : plainRecordOf(key);
            for (let i = 0; i < count; i++) this.spawnUnit(delivery, record, key, undefined, target);
        }
        for (const entry of leased.exactList()) {
            this.spawnUnit(delivery, entry.record, makeKey(entry.record.identifier, entry.record.quality), entry.id, target);
        }
        // Nothing was leased, or every spawn failed at once (settled then already).
        if (delivery.outstanding <= 0 && this.isLive(delivery)) this.settle(delivery);
        return delivery;
    }

    /** Is the delivery on lease `leaseId` still on its way? */
    has(leaseId: number): boolean {
        return this.live.has(leaseId);
    }

    inFlight(): number {
        let n = 0;
        for (const [, delivery] of this.live) n += delivery.outstanding;
        return n;
    }

    private isLive(delivery: Delivery<T>): boolean {
        return this.live.get(delivery.leaseId) === delivery;
    }

    private spawnUnit(delivery: Delivery<T>, record: ItemRecord, key: ItemKey, exactId: number | undefined, target: Inventory): void {
        delivery.outstanding++;
        const serial = delivery.nextWaiting;
        delivery.nextWaiting++;
        delivery.waiting.set(serial, { key, exactId });
        const started = spawnRecord(record, target, undefined, (landed) => {
            delivery.waiting.delete(serial);
            if (!this.isLive(delivery)) {
                // Counted as delivered when Lua stopped: the item is where its unit went. Keep it.
                if (delivery.deliveredAtStop === true) return;
                // The lease is over (timeout, save, rebuild, rollback): its units went back already.
                this.removals.queue(landed.item, record.identifier, () => undefined);
                return;
            }
            if (landed.placed) {
                const tx = this.store.transaction(delivery.dbId, "spawner");
                consumeUnit(tx, delivery.leaseId, delivery.epoch, key, exactId);
                const consumed = tx.commit();
                if (!consumed.ok) problem(this.options.unit + " could not be consumed from its lease: " + consumed.message);
                this.unitDone(delivery);
            } else {
                // Landed somewhere else (no room after all): take it out of the world again.
                delivery.misplaced++;
                const queued = this.removals.queue(landed.item, record.identifier, () => {
                    this.unitDone(delivery);
                });
                if (!queued && landed.item.Removed && this.options.settleRemovedMisplacedAtOnce) this.unitDone(delivery);
            }
        });
        if (!started.ok) {
            delivery.waiting.delete(serial);
            delivery.misplaced++;
            problem("cannot spawn " + record.identifier + ": " + started.message);
            this.unitDone(delivery);
        }
    }

    private unitDone(delivery: Delivery<T>): void {
        delivery.outstanding--;
        if (delivery.outstanding <= 0 && this.isLive(delivery)) this.settle(delivery);
    }

    private settle(delivery: Delivery<T>): void {
        this.live.delete(delivery.leaseId);
        // Whatever was not consumed (not placed) returns to Working.
        this.store.closeLease(delivery.leaseId, delivery.epoch, this.options.sources.settled);
        if (this.options.onSettled !== undefined) this.options.onSettled(delivery, delivery.misplaced === 0);
    }

    private all(): Delivery<T>[] {
        const list: Delivery<T>[] = [];
        let n = 0;
        for (const [, delivery] of this.live) {
            list[n] = delivery;
            n++;
        }
        return list;
    }

    /** think: give up on spawns the game never performed; their units return. */
    sweep(): void {
        const now = this.now();
        // Collected first: onSettled may start a new delivery.
        for (const delivery of this.all()) {
            if (now - delivery.startedAt <= DELIVERY_TIMEOUT || !this.isLive(delivery)) continue;
            this.live.delete(delivery.leaseId);
            const closed = this.store.closeLease(delivery.leaseId, delivery.epoch, this.options.sources.timeout);
            warn(string.format("%d %s never arrived; their units went back to '%s'%s", delivery.outstanding, this.options.what, delivery.dbId, closed.ok ? "" : " (" + closed.message + ")"));
            delivery.misplaced += delivery.outstanding;
            if (this.options.onSettled !== undefined) this.options.onSettled(delivery, false);
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
        const source = this.options.sources.stop;
        for (const delivery of this.all()) {
            this.live.delete(delivery.leaseId);
            if (this.store.lease(delivery.leaseId) === undefined) continue;
            if (now - delivery.startedAt < SAME_UPDATE) {
                const tx = this.store.transaction(delivery.dbId, "spawner (stop)");
                for (const [, unit] of delivery.waiting) {
                    consumeUnit(tx, delivery.leaseId, delivery.epoch, unit.key, unit.exactId);
                }
                const consumed = tx.commit();
                if (consumed.ok) delivery.deliveredAtStop = true;
                else problem(this.options.what + " queued at stop could not be counted as delivered: " + consumed.message);
            }
            this.store.closeLease(delivery.leaseId, delivery.epoch, source);
        }
    }

    /**
     * The first save step: spawns still queued are given up. Their units return to Working with
     * the lease now; an item the game still creates finds no live delivery and is removed again
     * (the capture removes it at once), so neither a player's stored inventory nor the submarine
     * holds a unit the database also holds.
     */
    settleForSave(): void {
        const list = this.all();
        table.sort(list, (a, b) => a.leaseId < b.leaseId);
        for (const delivery of list) {
            this.live.delete(delivery.leaseId);
            const closed = this.store.closeLease(delivery.leaseId, delivery.epoch, this.options.sources.save);
            if (!closed.ok && closed.code !== "unknown_lease" && closed.code !== "lease_closed") {
                problem(string.format("%s given up at a save could not return to '%s': %s", this.options.what, delivery.dbId, closed.message));
            }
        }
    }

    /** The save phases' "spawns" step: Lua stopping or the first save step (others: nothing to do). */
    settleFor(reason: SettleReason): void {
        if (reason === "stop") this.settleForStop();
        else if (reason === "save") this.settleForSave();
    }

    /** A rebuild or rollback dropped every lease: forget the deliveries (late items are removed again). */
    reset(): void {
        this.live = new LuaMap<number, Delivery<T>>();
    }
}
