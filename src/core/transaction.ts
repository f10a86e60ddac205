/**
 * A transaction is the unit of work on one database: stage inserts, takes and lease moves, then
 * commit() applies all of them or none. Commit first simulates every staged step against the live
 * state (so a take may use units inserted earlier in the same transaction), checks limits, and only
 * then applies the resulting effects, which cannot fail. A refused commit changes nothing and
 * emits nothing; an applied one bumps the version once and publishes one event.
 *
 * simulate() runs the very same checks and simulation and stops before applying: it says what
 * commit() would do now (the same refusal, or the same changes, taken units and created ids).
 * A plan made with it and its execution are the same transaction, so they cannot disagree.
 *
 * Cost: O(staged units and touched keys); nothing scans the whole database.
 */
import type { ItemKey } from "./keys";
import { keyIdentifier } from "./keys";
import type { ItemRecord } from "./record";
import { isPlainRecord } from "./record";
import type { ExactEntry } from "./snapshotTypes";
import { ok, refuse, Refused, Result } from "./result";
import { formatAmount, isPositiveAmount } from "./amount";
import { checkRecord, isWellFormedKey, keyOfEntry, keyOfRecord, plainRecordOf } from "./entries";
import type { MutableDatabase } from "./database";
import type { Lease, LeaseTable } from "./lease";
import type { CommitValue, KeyChange, MutationEvent, TakenUnits } from "./mutationEvents";

/** Exact entries are created one per unit; a single step may not create more than this. */
export const MAX_EXACT_PER_STEP = 4096;

export interface DatabaseLimits {
    /** Most units (Working + leased) the database may hold; undefined = no limit. */
    readonly maxUnits?: number;
    /** Most distinct keys the database may hold; undefined = no limit. */
    readonly maxKeys?: number;
}

/** What commit() would do, computed by simulate() without changing anything. */
export interface SimulatedCommit {
    /** Normalized database id. */
    readonly db: string;
    /** The version the database would have after the commit. */
    readonly version: number;
    /** Keys whose available amount would change, sorted by key (as in the MutationEvent). */
    readonly changes: readonly KeyChange[];
    /** What take/takeExact would remove, in the order they were staged. */
    readonly taken: readonly TakenUnits[];
    /** Exact ids insert would create, in the order they were staged. */
    readonly created: readonly number[];
}

/** What a transaction needs from the store. */
export interface TransactionHost {
    databaseFor(dbId: string): MutableDatabase | undefined;
    readonly leases: LeaseTable;
    limitsFor(dbId: string): DatabaseLimits;
    isKnownIdentifier(identifier: string): boolean;
    publish(event: MutationEvent): void;
}

type Step =
    | { readonly kind: "insert"; readonly record: ItemRecord; readonly n: number }
    | { readonly kind: "insertCount"; readonly key: ItemKey; readonly n: number }
    | { readonly kind: "take"; readonly key: ItemKey; readonly n: number }
    | { readonly kind: "takeExact"; readonly id: number }
    | { readonly kind: "leaseOut"; readonly lease: number; readonly key: ItemKey; readonly n: number }
    | { readonly kind: "leaseOutExact"; readonly lease: number; readonly id: number }
    | { readonly kind: "return"; readonly lease: number; readonly epoch: number; readonly key: ItemKey; readonly n: number }
    | { readonly kind: "returnExact"; readonly lease: number; readonly epoch: number; readonly id: number }
    | { readonly kind: "consume"; readonly lease: number; readonly epoch: number; readonly key: ItemKey; readonly n: number }
    | { readonly kind: "consumeExact"; readonly lease: number; readonly epoch: number; readonly id: number }
    | { readonly kind: "renew"; readonly lease: number; readonly epoch: number }
    | { readonly kind: "close"; readonly lease: number; readonly epoch: number };

type Effect =
    | { readonly e: "agg"; readonly key: ItemKey; readonly delta: number }
    | { readonly e: "exactIn"; readonly entry: ExactEntry }
    | { readonly e: "exactOut"; readonly id: number }
    | { readonly e: "leaseCount"; readonly lease: Lease; readonly key: ItemKey; readonly delta: number }
    | { readonly e: "leaseExactIn"; readonly lease: Lease; readonly entry: ExactEntry }
    | { readonly e: "leaseExactOut"; readonly lease: Lease; readonly entry: ExactEntry }
    | { readonly e: "renew"; readonly lease: Lease }
    | { readonly e: "close"; readonly lease: Lease };

/** Where the simulation believes an exact entry is: in Working, in a lease (its id), or gone. */
const IN_WORKING = 0;
const GONE = -1;

function isWholeId(n: unknown): n is number {
    return isPositiveAmount(n);
}

export class Transaction {
    private readonly steps: Step[] = [];
    private staged = 0;
    private stagingError: Refused | undefined = undefined;
    private finished = false;
    private acceptedWithCore = false;

    constructor(
        private readonly host: TransactionHost,
        readonly dbId: string,
        readonly source: string,
    ) {}

    /** Adds a step with the counter (a transaction may stage thousands). */
    private stage(step: Step): void {
        this.steps[this.staged] = step;
        this.staged++;
    }

    /**
     * The inserts finish a move accepted while the database had a core (an item queued for
     * removal): they are stored even if its last core was removed since. The item is already
     * leaving the world; the database keeps the units, and with no core a save or a Lua stop
     * writes them to a backup file (rounds.ts).
     */
    completesAccepted(): this {
        this.acceptedWithCore = true;
        return this;
    }

    /** Stores `n` units described by `record`: plain ones are counted, others become exact entries. */
    insert(record: ItemRecord, n = 1): this {
        const valid = checkRecord(record);
        if (!valid.ok) return this.fail(valid);
        if (!this.checkAmount(n, "insert")) return this;
        if (!isPlainRecord(record) && n > MAX_EXACT_PER_STEP) {
            return this.fail(refuse("too_many", string.format("at most %d individual items can be stored in one step", MAX_EXACT_PER_STEP)));
        }
        this.stage({ kind: "insert", record, n });
        return this;
    }

    /** Stores `n` plain units of `key`. */
    insertCount(key: ItemKey, n: number): this {
        if (!this.checkKey(key) || !this.checkAmount(n, "insert")) return this;
        this.stage({ kind: "insertCount", key, n });
        return this;
    }

    /** Takes `n` aggregated (plain) units of `key`. */
    take(key: ItemKey, n: number): this {
        if (!this.checkKey(key) || !this.checkAmount(n, "take")) return this;
        this.stage({ kind: "take", key, n });
        return this;
    }

    /** Takes the exact entry `id`. */
    takeExact(id: number): this {
        if (!this.checkId(id)) return this;
        this.stage({ kind: "takeExact", id });
        return this;
    }

    /** Moves `n` aggregated units of `key` from Working into lease `leaseId`. */
    leaseOut(leaseId: number, key: ItemKey, n: number): this {
        if (!this.checkLeaseId(leaseId) || !this.checkKey(key) || !this.checkAmount(n, "lease")) return this;
        this.stage({ kind: "leaseOut", lease: leaseId, key, n });
        return this;
    }

    /** Moves exact entry `id` from Working into lease `leaseId`. */
    leaseOutExact(leaseId: number, id: number): this {
        if (!this.checkLeaseId(leaseId) || !this.checkId(id)) return this;
        this.stage({ kind: "leaseOutExact", lease: leaseId, id });
        return this;
    }

    /** Moves `n` units of `key` from the lease back into Working. */
    returnFromLease(leaseId: number, epoch: number, key: ItemKey, n: number): this {
        if (!this.checkLease(leaseId, epoch) || !this.checkKey(key) || !this.checkAmount(n, "return")) return this;
        this.stage({ kind: "return", lease: leaseId, epoch, key, n });
        return this;
    }

    returnExactFromLease(leaseId: number, epoch: number, id: number): this {
        if (!this.checkLease(leaseId, epoch) || !this.checkId(id)) return this;
        this.stage({ kind: "returnExact", lease: leaseId, epoch, id });
        return this;
    }

    /** Removes `n` leased units of `key` for good: a player took them out of the terminal. */
    consumeFromLease(leaseId: number, epoch: number, key: ItemKey, n: number): this {
        if (!this.checkLease(leaseId, epoch) || !this.checkKey(key) || !this.checkAmount(n, "consume")) return this;
        this.stage({ kind: "consume", lease: leaseId, epoch, key, n });
        return this;
    }

    consumeExactFromLease(leaseId: number, epoch: number, id: number): this {
        if (!this.checkLease(leaseId, epoch) || !this.checkId(id)) return this;
        this.stage({ kind: "consumeExact", lease: leaseId, epoch, id });
        return this;
    }

    /** Returns everything still leased and bumps the epoch by one (a page switch keeps its lease). */
    renewLease(leaseId: number, epoch: number): this {
        if (!this.checkLease(leaseId, epoch)) return this;
        this.stage({ kind: "renew", lease: leaseId, epoch });
        return this;
    }

    /** Returns everything still leased and ends the lease. */
    closeLease(leaseId: number, epoch: number): this {
        if (!this.checkLease(leaseId, epoch)) return this;
        this.stage({ kind: "close", lease: leaseId, epoch });
        return this;
    }

    stepCount(): number {
        return this.staged;
    }

    /** Applies every staged step, or none of them. A transaction commits at most once. */
    commit(): Result<CommitValue> {
        if (this.finished) return refuse("finished", "this transaction was already committed or refused");
        this.finished = true;
        const played = this.play();
        if (!played.ok) return played;
        return ok(played.value.apply(this.source, this.host));
    }

    /**
     * What commit() would do now, with the same checks, without applying or publishing anything.
     * The transaction stays open: commit() may follow (and gives this outcome if nothing else
     * changed the database in between).
     */
    simulate(): Result<SimulatedCommit> {
        if (this.finished) return refuse("finished", "this transaction was already committed or refused");
        const played = this.play();
        if (!played.ok) return played;
        return ok(played.value.outcome());
    }

    /** Plays every staged step against the live state and checks limits; changes nothing. */
    private play(): Result<Simulation> {
        if (this.stagingError !== undefined) return this.stagingError;
        if (this.staged === 0) return refuse("empty", "the transaction has nothing to do");
        const db = this.host.databaseFor(this.dbId);
        if (db === undefined) {
            return refuse("unknown_database", string.format("there is no database '%s': a Database Core for it is needed", this.dbId));
        }
        if (db.readOnlyReason !== undefined) {
            return refuse("read_only", string.format("database '%s' is read-only: %s", db.id, db.readOnlyReason));
        }
        const sim = new Simulation(db, this.host, this.acceptedWithCore);
        for (const step of this.steps) {
            const refused = sim.run(step);
            if (refused !== undefined) return refused;
        }
        const limited = sim.checkLimits(this.host.limitsFor(db.id));
        if (limited !== undefined) return limited;
        return ok(sim);
    }

    private fail(refusal: Refused): this {
        if (this.stagingError === undefined) this.stagingError = refusal;
        return this;
    }

    private checkAmount(n: unknown, what: string): boolean {
        if (isPositiveAmount(n)) return true;
        this.fail(refuse("invalid_amount", string.format("cannot %s %s units: the amount must be a whole number from 1 to 2147483647", what, formatAmount(n))));
        return false;
    }

    private checkKey(key: unknown): boolean {
        if (isWellFormedKey(key)) return true;
        this.fail(refuse("invalid_key", "not an item key: " + (type(key) === "string" ? (key as string) : type(key))));
        return false;
    }

    private checkId(id: unknown): boolean {
        if (isWholeId(id)) return true;
        this.fail(refuse("invalid_id", "not an exact entry id: " + formatAmount(id)));
        return false;
    }

    private checkLeaseId(leaseId: unknown): boolean {
        if (isWholeId(leaseId)) return true;
        this.fail(refuse("unknown_lease", "not a lease id: " + formatAmount(leaseId)));
        return false;
    }

    private checkLease(leaseId: unknown, epoch: unknown): boolean {
        if (!this.checkLeaseId(leaseId)) return false;
        if (isWholeId(epoch)) return true;
        this.fail(refuse("stale_epoch", "not a lease epoch: " + formatAmount(epoch)));
        return false;
    }
}

/** The staged steps played against an overlay of the live state; collects effects to apply. */
class Simulation {
    private readonly aggregated = new LuaMap<ItemKey, number>();
    private readonly exactWhere = new LuaMap<number, number>();
    private readonly exactEntries = new LuaMap<number, ExactEntry>();
    private readonly leaseCounts = new LuaMap<number, LuaMap<ItemKey, number>>();
    private readonly leaseClosed = new LuaMap<number, true>();
    private readonly leaseEpochs = new LuaMap<number, number>();
    private readonly heldDelta = new LuaMap<ItemKey, number>();
    private heldUnitDelta = 0;
    /** Units of each key entering (+) or leaving (-) Working, for outcome(). */
    private readonly workingDelta = new LuaMap<ItemKey, number>();
    private readonly amountBefore = new LuaMap<ItemKey, number>();
    // Arrays that grow with the staged steps, each with its counter (docs/architecture.md,
    // "Growing arrays").
    private readonly touched: ItemKey[] = [];
    private touchedCount = 0;
    private readonly effects: Effect[] = [];
    private effectCount = 0;
    private readonly taken: TakenUnits[] = [];
    private takenCount = 0;
    private readonly created: number[] = [];
    private createdCount = 0;
    private nextExactId: number;

    constructor(
        private readonly db: MutableDatabase,
        private readonly host: TransactionHost,
        private readonly acceptedWithCore = false,
    ) {
        this.nextExactId = db.nextExactId;
    }

    run(step: Step): Refused | undefined {
        switch (step.kind) {
            case "insert":
                return this.insert(step.record, step.n);
            case "insertCount":
                return this.insertPlain(step.key, step.n);
            case "take":
                return this.take(step.key, step.n);
            case "takeExact":
                return this.takeExact(step.id);
            case "leaseOut":
                return this.leaseOut(step.lease, step.key, step.n);
            case "leaseOutExact":
                return this.leaseOutExact(step.lease, step.id);
            case "return":
                return this.returnCount(step.lease, step.epoch, step.key, step.n);
            case "returnExact":
                return this.returnExact(step.lease, step.epoch, step.id);
            case "consume":
                return this.consumeCount(step.lease, step.epoch, step.key, step.n);
            case "consumeExact":
                return this.consumeExact(step.lease, step.epoch, step.id);
            case "renew":
                return this.endLease(step.lease, step.epoch, false);
            case "close":
                return this.endLease(step.lease, step.epoch, true);
        }
    }

    // ---- steps ----

    private insert(record: ItemRecord, n: number): Refused | undefined {
        if (isPlainRecord(record)) return this.insertPlain(keyOfRecord(record), n);
        const refused = this.checkInsert(record.identifier);
        if (refused !== undefined) return refused;
        const key = keyOfRecord(record);
        this.touch(key);
        for (let i = 1; i <= n; i++) {
            const entry: ExactEntry = { id: this.nextExactId, record };
            this.nextExactId += 1;
            this.exactWhere.set(entry.id, IN_WORKING);
            this.exactEntries.set(entry.id, entry);
            this.effect({ e: "exactIn", entry });
            this.created[this.createdCount] = entry.id;
            this.createdCount++;
        }
        this.addHeld(key, n);
        return undefined;
    }

    private insertPlain(key: ItemKey, n: number): Refused | undefined {
        const refused = this.checkInsert(keyIdentifier(key));
        if (refused !== undefined) return refused;
        this.touch(key);
        this.aggregated.set(key, this.aggregatedOf(key) + n);
        this.effect({ e: "agg", key, delta: n });
        this.addHeld(key, n);
        return undefined;
    }

    private take(key: ItemKey, n: number): Refused | undefined {
        const refused = this.checkOffered(key, n, "take");
        if (refused !== undefined) return refused;
        this.touch(key);
        this.aggregated.set(key, this.aggregatedOf(key) - n);
        this.effect({ e: "agg", key, delta: -n });
        this.took({ key, record: plainRecordOf(key), count: n });
        this.addHeld(key, -n);
        return undefined;
    }

    private takeExact(id: number): Refused | undefined {
        const located = this.workingEntry(id);
        if (!located.ok) return located;
        const entry = located.value;
        const key = keyOfEntry(entry);
        this.touch(key);
        this.exactWhere.set(id, GONE);
        this.exactEntries.set(id, entry);
        this.effect({ e: "exactOut", id });
        this.took({ key, record: entry.record, count: 1, exactId: id });
        this.addHeld(key, -1);
        return undefined;
    }

    private leaseOut(leaseId: number, key: ItemKey, n: number): Refused | undefined {
        const found = this.openLease(leaseId, undefined);
        if (!found.ok) return found;
        const refused = this.checkOffered(key, n, "lease");
        if (refused !== undefined) return refused;
        this.touch(key);
        this.aggregated.set(key, this.aggregatedOf(key) - n);
        this.setLeaseCount(found.value, key, this.leaseCountOf(found.value, key) + n);
        this.effect({ e: "leaseCount", lease: found.value, key, delta: n });
        this.effect({ e: "agg", key, delta: -n });
        return undefined;
    }

    private leaseOutExact(leaseId: number, id: number): Refused | undefined {
        const found = this.openLease(leaseId, undefined);
        if (!found.ok) return found;
        const located = this.workingEntry(id);
        if (!located.ok) return located;
        const entry = located.value;
        this.touch(keyOfEntry(entry));
        this.exactWhere.set(id, leaseId);
        this.exactEntries.set(id, entry);
        this.effect({ e: "leaseExactIn", lease: found.value, entry });
        this.effect({ e: "exactOut", id });
        return undefined;
    }

    private returnCount(leaseId: number, epoch: number, key: ItemKey, n: number): Refused | undefined {
        const found = this.openLease(leaseId, epoch);
        if (!found.ok) return found;
        const leased = this.leaseCountOf(found.value, key);
        if (leased < n) {
            return refuse("not_leased", string.format("lease %d holds %d of '%s', not %s", leaseId, leased, key, formatAmount(n)));
        }
        this.moveBack(found.value, key, n);
        return undefined;
    }

    private returnExact(leaseId: number, epoch: number, id: number): Refused | undefined {
        const found = this.openLease(leaseId, epoch);
        if (!found.ok) return found;
        const entry = this.leasedEntry(found.value, id);
        if (entry === undefined) return refuse("not_leased", string.format("lease %d does not hold exact entry %d", leaseId, id));
        this.moveExactBack(found.value, entry);
        return undefined;
    }

    private consumeCount(leaseId: number, epoch: number, key: ItemKey, n: number): Refused | undefined {
        const found = this.openLease(leaseId, epoch);
        if (!found.ok) return found;
        const leased = this.leaseCountOf(found.value, key);
        if (leased < n) {
            return refuse("not_leased", string.format("lease %d holds %d of '%s', not %s", leaseId, leased, key, formatAmount(n)));
        }
        this.setLeaseCount(found.value, key, leased - n);
        this.effect({ e: "leaseCount", lease: found.value, key, delta: -n });
        this.addHeld(key, -n);
        return undefined;
    }

    private consumeExact(leaseId: number, epoch: number, id: number): Refused | undefined {
        const found = this.openLease(leaseId, epoch);
        if (!found.ok) return found;
        const entry = this.leasedEntry(found.value, id);
        if (entry === undefined) return refuse("not_leased", string.format("lease %d does not hold exact entry %d", leaseId, id));
        this.exactWhere.set(id, GONE);
        this.exactEntries.set(id, entry);
        this.effect({ e: "leaseExactOut", lease: found.value, entry });
        this.addHeld(keyOfEntry(entry), -1);
        return undefined;
    }

    /** Returns everything the lease still holds; then renews its epoch or closes it. */
    private endLease(leaseId: number, epoch: number, close: boolean): Refused | undefined {
        const found = this.openLease(leaseId, epoch);
        if (!found.ok) return found;
        const lease = found.value;
        for (const key of this.leasedKeys(lease)) {
            const n = this.leaseCountOf(lease, key);
            if (n > 0) this.moveBack(lease, key, n);
        }
        for (const entry of this.leasedEntries(lease)) this.moveExactBack(lease, entry);
        if (close) {
            this.leaseClosed.set(leaseId, true);
            this.effect({ e: "close", lease });
        } else {
            this.leaseEpochs.set(leaseId, epoch + 1);
            this.effect({ e: "renew", lease });
        }
        return undefined;
    }

    // ---- checks ----

    private checkInsert(identifier: string): Refused | undefined {
        if (this.db.anchorId === undefined && !this.acceptedWithCore) {
            return refuse("no_anchor", string.format("database '%s' has no Database Core: place one to store items in it", this.db.id));
        }
        if (!this.host.isKnownIdentifier(identifier)) {
            return refuse("unknown_item", string.format("'%s' is not a loaded item: it cannot be stored", identifier));
        }
        return undefined;
    }

    /** Enough plain units of `key` in Working (counting staged steps) and offered to takers? */
    private checkOffered(key: ItemKey, n: number, what: string): Refused | undefined {
        if (this.db.isParked(key)) {
            return refuse("parked", string.format("'%s' is parked (its item is not loaded): it cannot be taken", key));
        }
        const have = this.aggregatedOf(key);
        if (have >= n) return undefined;
        if (have <= 0 && this.db.heldOf(key) === 0 && this.amountBefore.get(key) === undefined) {
            return refuse("unknown_key", string.format("database '%s' has no '%s'", this.db.id, key));
        }
        return refuse("insufficient", string.format("cannot %s %s of '%s': %d available", what, formatAmount(n), key, have));
    }

    /** The exact entry `id` if it is in Working (as the simulation stands) and offered. */
    private workingEntry(id: number): Result<ExactEntry> {
        const where = this.whereIs(id);
        if (where === undefined || where === GONE) {
            return refuse("unknown_exact", string.format("database '%s' has no exact entry %d", this.db.id, id));
        }
        if (where !== IN_WORKING) return refuse("leased", string.format("exact entry %d is leased (lease %d)", id, where));
        const entry = this.entryOf(id)!;
        const key = keyOfEntry(entry);
        if (this.db.isParked(key)) {
            return refuse("parked", string.format("'%s' is parked (its item is not loaded): it cannot be taken", key));
        }
        return ok(entry);
    }

    private openLease(leaseId: number, epoch: number | undefined): Result<Lease> {
        const lease = this.host.leases.get(leaseId);
        if (lease === undefined || this.leaseClosed.get(leaseId) === true) {
            const ended = this.leaseClosed.get(leaseId) === true ? "closed" : this.host.leases.endReason(leaseId);
            if (ended !== undefined) return refuse("lease_closed", string.format("lease %d is over (%s)", leaseId, ended));
            return refuse("unknown_lease", string.format("there is no lease %d", leaseId));
        }
        if (lease.dbId !== this.db.id) {
            return refuse("lease_mismatch", string.format("lease %d belongs to database '%s', not '%s'", leaseId, lease.dbId, this.db.id));
        }
        const current = this.leaseEpochs.get(leaseId) ?? lease.epoch;
        if (epoch !== undefined && epoch !== current) {
            return refuse("stale_epoch", string.format("lease %d is at epoch %d, not %d", leaseId, current, epoch));
        }
        return ok(lease);
    }

    // ---- overlay ----

    private aggregatedOf(key: ItemKey): number {
        return this.aggregated.get(key) ?? this.db.aggregatedOf(key);
    }

    private whereIs(id: number): number | undefined {
        const staged = this.exactWhere.get(id);
        if (staged !== undefined) return staged;
        if (this.db.exactEntry(id) !== undefined) return IN_WORKING;
        return this.db.leaseHolding(id);
    }

    private entryOf(id: number): ExactEntry | undefined {
        const staged = this.exactEntries.get(id);
        if (staged !== undefined) return staged;
        const inWorking = this.db.exactEntry(id);
        if (inWorking !== undefined) return inWorking;
        const holder = this.db.leaseHolding(id);
        if (holder === undefined) return undefined;
        return this.host.leases.get(holder)?.exact.get(id);
    }

    private leasedEntry(lease: Lease, id: number): ExactEntry | undefined {
        if (this.whereIs(id) !== lease.id) return undefined;
        return this.entryOf(id);
    }

    private leaseCountOf(lease: Lease, key: ItemKey): number {
        return this.leaseCounts.get(lease.id)?.get(key) ?? lease.countOf(key);
    }

    private setLeaseCount(lease: Lease, key: ItemKey, n: number): void {
        let counts = this.leaseCounts.get(lease.id);
        if (counts === undefined) {
            counts = new LuaMap<ItemKey, number>();
            this.leaseCounts.set(lease.id, counts);
        }
        counts.set(key, n);
    }

    /** Keys the lease holds as the simulation stands (live keys plus staged ones), sorted. */
    private leasedKeys(lease: Lease): ItemKey[] {
        const seen = new LuaMap<ItemKey, true>();
        const keys: ItemKey[] = [];
        let nKeys = 0;
        for (const [key] of lease.counts) {
            seen.set(key, true);
            keys[nKeys] = key;
            nKeys++;
        }
        const staged = this.leaseCounts.get(lease.id);
        if (staged !== undefined) {
            for (const [key] of staged) {
                if (!seen.has(key)) { keys[nKeys] = key; nKeys++; }
            }
        }
        table.sort(keys);
        return keys;
    }

    /** Exact entries the lease holds as the simulation stands, sorted by id. */
    private leasedEntries(lease: Lease): ExactEntry[] {
        const ids: number[] = [];
        let nIds = 0;
        for (const [id] of lease.exact) {
            if (this.exactWhere.get(id) === undefined) { ids[nIds] = id; nIds++; }
        }
        for (const [id, where] of this.exactWhere) {
            if (where === lease.id) { ids[nIds] = id; nIds++; }
        }
        table.sort(ids);
        const entries: ExactEntry[] = [];
        let nEntries = 0;
        for (const id of ids) { entries[nEntries] = this.entryOf(id)!; nEntries++; }
        return entries;
    }

    private moveBack(lease: Lease, key: ItemKey, n: number): void {
        this.touch(key);
        this.setLeaseCount(lease, key, this.leaseCountOf(lease, key) - n);
        this.aggregated.set(key, this.aggregatedOf(key) + n);
        this.effect({ e: "agg", key, delta: n });
        this.effect({ e: "leaseCount", lease, key, delta: -n });
    }

    private moveExactBack(lease: Lease, entry: ExactEntry): void {
        this.touch(keyOfEntry(entry));
        this.exactWhere.set(entry.id, IN_WORKING);
        this.exactEntries.set(entry.id, entry);
        this.effect({ e: "exactIn", entry });
        this.effect({ e: "leaseExactOut", lease, entry });
    }

    private effect(e: Effect): void {
        this.effects[this.effectCount] = e;
        this.effectCount++;
        if (e.e === "agg") this.addWorking(e.key, e.delta);
        else if (e.e === "exactIn") this.addWorking(keyOfEntry(e.entry), 1);
        else if (e.e === "exactOut") this.addWorking(keyOfEntry(this.exactEntries.get(e.id)!), -1);
    }

    private addWorking(key: ItemKey, delta: number): void {
        this.workingDelta.set(key, (this.workingDelta.get(key) ?? 0) + delta);
    }

    private took(units: TakenUnits): void {
        this.taken[this.takenCount] = units;
        this.takenCount++;
    }

    private touch(key: ItemKey): void {
        if (this.amountBefore.get(key) !== undefined) return;
        this.amountBefore.set(key, this.db.amount(key));
        this.touched[this.touchedCount] = key;
        this.touchedCount++;
    }

    private addHeld(key: ItemKey, delta: number): void {
        this.heldDelta.set(key, (this.heldDelta.get(key) ?? 0) + delta);
        this.heldUnitDelta += delta;
    }

    // ---- limits and apply ----

    checkLimits(limits: DatabaseLimits): Refused | undefined {
        const unitsBefore = this.db.heldTotal();
        const unitsAfter = unitsBefore + this.heldUnitDelta;
        if (limits.maxUnits !== undefined && unitsAfter > unitsBefore && unitsAfter > limits.maxUnits) {
            return refuse("unit_limit", string.format("database '%s' holds at most %d units (%d after this change)", this.db.id, limits.maxUnits, unitsAfter));
        }
        let keysAfter = this.db.keyCount();
        for (const [key, delta] of this.heldDelta) {
            const before = this.db.heldOf(key);
            const after = before + delta;
            if (before <= 0 && after > 0) keysAfter += 1;
            else if (before > 0 && after <= 0) keysAfter -= 1;
        }
        if (limits.maxKeys !== undefined && keysAfter > this.db.keyCount() && keysAfter > limits.maxKeys) {
            return refuse("key_limit", string.format("database '%s' holds at most %d kinds of item (%d after this change)", this.db.id, limits.maxKeys, keysAfter));
        }
        return undefined;
    }

    /**
     * What apply() would report, computed from the overlay: the amount after is 0 for a key that
     * is parked then (a key stays parked while held; a key that starts being held is parked when
     * its identifier is not loaded, as Database.heldChanged decides).
     */
    outcome(): SimulatedCommit {
        const db = this.db;
        const changes: KeyChange[] = [];
        let nChanges = 0;
        for (const key of this.touched) {
            const before = this.amountBefore.get(key)!;
            const heldBefore = db.heldOf(key);
            const heldAfter = heldBefore + (this.heldDelta.get(key) ?? 0);
            let parked = false;
            if (heldAfter > 0) parked = heldBefore > 0 ? db.isParked(key) : !this.host.isKnownIdentifier(keyIdentifier(key));
            const after = parked ? 0 : db.workingOf(key) + (this.workingDelta.get(key) ?? 0);
            if (before !== after) { changes[nChanges] = { key, before, after }; nChanges++; }
        }
        table.sort(changes, (a, b) => a.key < b.key);
        return { db: db.id, version: db.version + 1, changes, taken: this.taken, created: this.created };
    }

    apply(source: string, host: TransactionHost): CommitValue {
        const db = this.db;
        for (const effect of this.effects) {
            switch (effect.e) {
                case "agg":
                    db.addAggregated(effect.key, effect.delta);
                    break;
                case "exactIn":
                    db.addExact(effect.entry);
                    break;
                case "exactOut":
                    db.removeExact(effect.id);
                    break;
                case "leaseCount":
                    effect.lease.addCount(effect.key, effect.delta);
                    db.addLeased(effect.key, effect.delta);
                    break;
                case "leaseExactIn":
                    effect.lease.addExact(effect.entry);
                    db.addLeased(keyOfEntry(effect.entry), 1);
                    db.setLeaseHolding(effect.entry.id, effect.lease.id);
                    break;
                case "leaseExactOut":
                    effect.lease.removeExact(effect.entry.id);
                    db.addLeased(keyOfEntry(effect.entry), -1);
                    db.setLeaseHolding(effect.entry.id, undefined);
                    break;
                case "renew":
                    effect.lease.epoch += 1;
                    break;
                case "close":
                    host.leases.close(effect.lease, "closed");
                    break;
            }
        }
        db.nextExactId = this.nextExactId;
        db.version += 1;
        const changes: KeyChange[] = [];
        let nChanges = 0;
        for (const key of this.touched) {
            const before = this.amountBefore.get(key)!;
            const after = db.amount(key);
            if (before !== after) { changes[nChanges] = { key, before, after }; nChanges++; }
        }
        table.sort(changes, (a, b) => a.key < b.key);
        const event: MutationEvent = { db: db.id, version: db.version, source, changes };
        host.publish(event);
        return { event, taken: this.taken, created: this.created };
    }
}
