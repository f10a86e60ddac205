/**
 * The database store: every database of the running game by normalized id, the lease table, the
 * subscribers to mutation events, and the round lifecycle (Committed = the last save, Working =
 * the live state; design.md "Round lifecycle").
 *
 * Everything that changes units goes through a Transaction (store.transaction(db, source)).
 * Events are delivered after the state changed, one at a time and in order: an event published
 * while listeners run (a listener committing another transaction) is queued behind the current one.
 */
import { ItemKey, normalizeDatabaseId } from "./keys";
import { ok, refuse, Result } from "./result";
import { MutableDatabase } from "./database";
import type { Database, IdentifierCheck } from "./database";
import { LeaseHandle, LeaseTable } from "./lease";
import type { LeaseView } from "./lease";
import type { CommitValue, KeyChange, MutationEvent, MutationListener } from "./mutationEvents";
import { DatabaseLimits, Transaction, TransactionHost } from "./transaction";
import type { DatabaseSnapshot } from "./snapshotTypes";
import { checkSnapshot, databaseFromSnapshot, snapshotOf } from "./snapshotConvert";
import { attachAnchor, captureAll, captureDatabase, captureOrphans, captureVolatile, rebuildFromAnchors } from "./rounds";
import type { AnchorBlob, AttachReport, CapturedBlob, CapturedOrphan, InertAnchor, LifecycleStore, RebuildReport } from "./rounds";

export type { InertAnchor } from "./rounds";

export interface StoreOptions {
    /** Is this prefab identifier loaded? Keys of unknown identifiers are parked. Default: all known. */
    readonly isKnownIdentifier?: IdentifierCheck;
    /** Limits per database (from the host's configuration). Default: none. */
    readonly limits?: (this: void, dbId: string) => DatabaseLimits;
    /**
     * Told about every host callback that failed: an event listener, isKnownIdentifier or limits.
     * The store carries on (a failed identifier check counts as "loaded", failed limits as none).
     */
    readonly onListenerError?: (this: void, message: string) => void;
}

/** What happened to a database whose core was removed. */
export interface DetachReport {
    readonly dbId: string;
    readonly lostAnchorId: number;
    /** The inert core of the same database that now holds it; undefined when none was left. */
    readonly adoptedBy?: number;
    /** Units the database holds (available + leased). */
    readonly units: number;
}

/**
 * The store as features, the host and the API see it where they only read: lookups, leases to
 * look at, and events to follow. Every change goes through DatabaseStore.transaction (or the
 * lease and lifecycle calls built on it).
 */
export interface StoreReader {
    /** The database with this id (any spelling), read-only. */
    database(dbId: string): Database | undefined;
    /** Ids of every database, sorted. */
    databaseIds(): string[];
    /** Units of `key` a taker can have from database `dbId` (0 for an unknown database). */
    amount(dbId: string, key: ItemKey): number;
    limitsFor(dbId: string): DatabaseLimits;
    /** Databases that have no Database Core: their units cannot be saved. */
    unanchoredDatabases(): { id: string; units: number }[];
    /** Cores that lost a conflict and stay inert, sorted by anchor id. */
    inertAnchors(): InertAnchor[];
    /** The database whose core is `anchorId`, if any. */
    databaseOfAnchor(anchorId: number): Database | undefined;
    /** The open lease `leaseId` (read it, do not change it), if any. */
    lease(leaseId: number): LeaseView | undefined;
    /** Open leases of a database, sorted by id. */
    leasesOf(dbId: string): LeaseView[];
    /** Working + open leases of a database as a snapshot with the given commit serial. */
    snapshotFor(dbId: string, commitSerial?: number): DatabaseSnapshot | undefined;
    /** How many listener calls failed so far. */
    listenerFailures(): number;
    /** Calls `listener` with every mutation event from now on; returns an unsubscribe function. */
    subscribe(listener: MutationListener): () => void;
    subscribe(id: string, listener: MutationListener): () => void;
}

interface Subscription {
    readonly id: string | undefined;
    readonly listener: MutationListener;
}

function knowsEverything(this: void, _identifier: string): boolean {
    return true;
}

function noLimits(this: void, _dbId: string): DatabaseLimits {
    return {};
}

function errorText(err: unknown): string {
    if (type(err) === "string") return err as string;
    if (type(err) === "table") {
        const message = (err as { message?: unknown }).message;
        if (type(message) === "string") return message as string;
    }
    return "error of type " + type(err);
}

export class DatabaseStore implements StoreReader {
    private readonly leases = new LeaseTable();
    private readonly databases = new LuaMap<string, MutableDatabase>();
    private readonly inert = new LuaMap<number, InertAnchor>();
    private subscriptions: Subscription[] = [];
    private readonly queue: MutationEvent[] = [];
    private delivering = false;
    private failedDeliveries = 0;
    private readonly knownCheck: IdentifierCheck;
    private readonly limitsOf: (this: void, dbId: string) => DatabaseLimits;
    /** What a Transaction reaches: lookups, the lease table, limits and the event queue. */
    private readonly txHost: TransactionHost;
    /** What core/rounds.ts reaches: building, installing and the inert cores. */
    private readonly lifecycle: LifecycleStore;

    constructor(private readonly options: StoreOptions = {}) {
        // Host callbacks run in the middle of applying a transaction: they must never throw there.
        const known = options.isKnownIdentifier ?? knowsEverything;
        this.knownCheck = (identifier) => {
            const [success, answer] = pcall(known, identifier);
            if (success) return answer === true;
            this.report(string.format("isKnownIdentifier('%s') failed: %s", identifier, errorText(answer)));
            return true;
        };
        const limits = options.limits ?? noLimits;
        this.limitsOf = (dbId) => {
            const [success, answer] = pcall(limits, dbId);
            if (success && type(answer) === "table") return answer;
            this.report(string.format("limits('%s') failed: %s", dbId, success ? "no table returned" : errorText(answer)));
            return {};
        };
        this.txHost = {
            databaseFor: (dbId) => this.databases.get(dbId),
            leases: this.leases,
            limitsFor: (dbId) => this.limitsOf(dbId),
            isKnownIdentifier: (identifier) => this.knownCheck(identifier),
            publish: (event) => this.publish(event),
        };
        this.lifecycle = {
            databaseIds: () => this.databaseIds(),
            database: (dbId) => this.mutable(dbId),
            databaseOfAnchor: (anchorId) => this.anchoredBy(anchorId),
            buildDatabase: (snapshot, anchorId) => this.build(snapshot, anchorId),
            buildUnreadable: (dbId, anchorId, blob, reason) => this.buildUnreadable(dbId, anchorId, blob, reason),
            installAll: (databases, inert, source) => this.installAll(databases, inert, source),
            installDatabase: (db, source) => this.replace(db, source),
            addInertAnchor: (anchor) => this.inert.set(anchor.anchorId, anchor),
            removeInertAnchor: (anchorId) => this.inert.delete(anchorId),
            snapshotFor: (dbId, commitSerial) => this.snapshotFor(dbId, commitSerial),
        };
    }

    // ---- queries ----

    /** The database with this id (any spelling: ids are normalized), if the store has it. */
    database(dbId: string): Database | undefined {
        return this.databases.get(normalizeDatabaseId(dbId));
    }

    /** The same lookup with the mutators: for the store and the lifecycle only. */
    private mutable(dbId: string): MutableDatabase | undefined {
        return this.databases.get(normalizeDatabaseId(dbId));
    }

    databaseIds(): string[] {
        const ids: string[] = [];
        let nIds = 0;
        for (const [id] of this.databases) { ids[nIds] = id; nIds++; }
        table.sort(ids);
        return ids;
    }

    /** Units of `key` a taker can have from database `dbId` (0 for an unknown database). */
    amount(dbId: string, key: ItemKey): number {
        return this.database(dbId)?.amount(key) ?? 0;
    }

    limitsFor(dbId: string): DatabaseLimits {
        return this.limitsOf(dbId);
    }

    /** Databases that have no Database Core: their units cannot be saved. */
    unanchoredDatabases(): { id: string; units: number }[] {
        const list: { id: string; units: number }[] = [];
        let nList = 0;
        for (const id of this.databaseIds()) {
            const db = this.databases.get(id)!;
            if (db.anchorId === undefined) { list[nList] = { id, units: db.heldTotal() }; nList++; }
        }
        return list;
    }

    /** Cores that lost a conflict and stay inert, sorted by anchor id. */
    inertAnchors(): InertAnchor[] {
        const list: InertAnchor[] = [];
        let nList = 0;
        for (const [, anchor] of this.inert) { list[nList] = anchor; nList++; }
        table.sort(list, (a, b) => a.anchorId < b.anchorId);
        return list;
    }

    /** Re-asks the host which identifiers are loaded and parks or un-parks keys accordingly. O(keys). */
    refreshKnownIdentifiers(): void {
        for (const id of this.databaseIds()) {
            const db = this.databases.get(id)!;
            const before = new LuaMap<ItemKey, number>();
            const keys = db.heldKeyList();
            for (const key of keys) before.set(key, db.amount(key));
            db.refreshParked();
            const changes: KeyChange[] = [];
            let nChanges = 0;
            for (const key of keys) {
                const after = db.amount(key);
                if (after !== before.get(key)) { changes[nChanges] = { key, before: before.get(key)!, after }; nChanges++; }
            }
            if (changes.length === 0) continue;
            // What is offered changed, so this counts as a change of the database like any other.
            db.version += 1;
            this.publish({ db: id, version: db.version, source: "content changed", changes });
        }
    }

    // ---- transactions and leases ----

    /** A unit of work on one database; nothing happens until commit(). */
    transaction(dbId: string, source: string): Transaction {
        return new Transaction(this.txHost, normalizeDatabaseId(dbId), source);
    }

    /** Opens a lease for a terminal page. Units move into it with transaction.leaseOut. */
    openLease(dbId: string, owner: string): Result<LeaseHandle> {
        const db = this.database(dbId);
        if (db === undefined) return refuse("unknown_database", string.format("there is no database '%s'", normalizeDatabaseId(dbId)));
        if (db.readOnlyReason !== undefined) {
            return refuse("read_only", string.format("database '%s' is read-only: %s", db.id, db.readOnlyReason));
        }
        if (type(owner) !== "string" || owner === "") return refuse("invalid_owner", "a lease needs an owner");
        const lease = this.leases.open(db.id, owner);
        return ok({ id: lease.id, epoch: lease.epoch });
    }

    /** Returns whatever lease `leaseId` still holds and ends it; a second close is refused. */
    closeLease(leaseId: number, epoch: number, source: string): Result<CommitValue> {
        const lease = this.leases.get(leaseId);
        if (lease === undefined) {
            const ended = this.leases.endReason(leaseId);
            if (ended !== undefined) return refuse("lease_closed", string.format("lease %d is over (%s)", leaseId, ended));
            return refuse("unknown_lease", string.format("there is no lease %s", type(leaseId) === "number" ? string.format("%.0f", leaseId) : type(leaseId)));
        }
        return this.transaction(lease.dbId, source).closeLease(leaseId, epoch).commit();
    }

    /** The open lease `leaseId` (read it, do not change it), if any. */
    lease(leaseId: number): LeaseView | undefined {
        return this.leases.get(leaseId);
    }

    /** Open leases of a database, sorted by id. */
    leasesOf(dbId: string): LeaseView[] {
        return this.leases.openOf(normalizeDatabaseId(dbId));
    }

    // ---- events ----

    /**
     * Calls `listener` with every mutation event from now on. With an id, subscribing again under
     * the same id replaces the earlier listener (safe across reloads). Returns an unsubscribe function.
     */
    subscribe(listener: MutationListener): () => void;
    subscribe(id: string, listener: MutationListener): () => void;
    subscribe(first: string | MutationListener, second?: MutationListener): () => void {
        const id = type(first) === "string" ? (first as string) : undefined;
        const listener = (id === undefined ? first : second) as MutationListener;
        const subscription: Subscription = { id, listener };
        const kept: Subscription[] = [];
        let nKept = 0;
        for (const s of this.subscriptions) {
            if (id === undefined || s.id !== id) { kept[nKept] = s; nKept++; }
        }
        kept[nKept] = subscription;
        nKept++;
        this.subscriptions = kept;
        return () => {
            const rest: Subscription[] = [];
            let nRest = 0;
            for (const s of this.subscriptions) {
                if (s !== subscription) { rest[nRest] = s; nRest++; }
            }
            this.subscriptions = rest;
        };
    }

    /** How many listener calls failed so far. */
    listenerFailures(): number {
        return this.failedDeliveries;
    }

    /** Delivers an event to every subscriber, in order, after the current one. */
    private publish(event: MutationEvent): void {
        this.queue.push(event);
        if (this.delivering) return;
        this.delivering = true;
        let index = 0;
        while (index < this.queue.length) {
            const next = this.queue[index];
            index += 1;
            for (const s of this.subscriptions) {
                const [success, err] = pcall(s.listener, next);
                if (!success) this.reportFailure(s, err);
            }
        }
        this.queue.length = 0;
        this.delivering = false;
    }

    private reportFailure(s: Subscription, err: unknown): void {
        this.failedDeliveries += 1;
        this.report(string.format("event listener %s failed: %s", s.id ?? "(unnamed)", errorText(err)));
    }

    private report(message: string): void {
        const onError = this.options.onListenerError;
        if (onError !== undefined) pcall(onError, message);
    }

    // ---- lifecycle ----

    /**
     * A database built from `snapshot` (Working, and Committed unless `keep` names another last
     * save, a restore keeping the one of the database it replaces), not installed yet: hand it to
     * installDatabase.
     */
    buildDatabase(snapshot: DatabaseSnapshot, anchorId: number | undefined, keep?: { readonly committed: DatabaseSnapshot | undefined }): Result<Database> {
        const built = this.build(snapshot, anchorId);
        if (built.ok && keep !== undefined) built.value.committed = keep.committed;
        return built;
    }

    private build(snapshot: DatabaseSnapshot, anchorId: number | undefined): Result<MutableDatabase> {
        const checked = checkSnapshot(snapshot);
        if (!checked.ok) return checked;
        const db = databaseFromSnapshot(snapshot, this.knownCheck);
        db.anchorId = anchorId;
        db.committed = snapshot;
        return ok(db);
    }

    /** A read-only database that keeps `blob` untouched because it could not be read; not installed yet. */
    private buildUnreadable(dbId: string, anchorId: number | undefined, blob: string, reason: string): MutableDatabase {
        const db = new MutableDatabase(normalizeDatabaseId(dbId), this.knownCheck);
        db.anchorId = anchorId;
        db.readOnlyReason = reason;
        db.keptBlob = blob;
        return db;
    }

    /**
     * Replaces every database, lease and inert core at once (a rebuild). Each database id that
     * existed before or exists now gets one reset event.
     */
    private installAll(databases: readonly MutableDatabase[], inert: readonly InertAnchor[], source: string): void {
        const old = new LuaMap<string, MutableDatabase>();
        const ids: string[] = [];
        let nIds = 0;
        for (const id of this.databaseIds()) {
            old.set(id, this.databases.get(id)!);
            ids[nIds] = id;
            nIds++;
            this.databases.delete(id);
        }
        this.leases.dropAll(source);
        for (const anchor of this.inertAnchors()) this.inert.delete(anchor.anchorId);
        for (const anchor of inert) this.inert.set(anchor.anchorId, anchor);
        for (const db of databases) {
            if (old.get(db.id) === undefined) { ids[nIds] = db.id; nIds++; }
            this.databases.set(db.id, db);
        }
        table.sort(ids);
        for (const id of ids) this.announceReset(id, old.get(id), this.databases.get(id), source);
    }

    /** Installs a database made by buildDatabase in place of the one with its id (its leases are dropped). */
    installDatabase(db: Database, source: string): void {
        // Only buildDatabase makes databases, and it makes them mutable; the view type it returns
        // keeps the mutators away from the caller in between.
        this.replace(db as MutableDatabase, source);
    }

    /** Makes a database refuse every mutation (for example when its backup could not be written). */
    setReadOnly(dbId: string, reason: string): boolean {
        const db = this.mutable(dbId);
        if (db === undefined) return false;
        db.readOnlyReason = reason;
        return true;
    }

    /** Working + open leases of a database as a snapshot with the given commit serial. */
    snapshotFor(dbId: string, commitSerial?: number): DatabaseSnapshot | undefined {
        const db = this.database(dbId);
        if (db === undefined) return undefined;
        return snapshotOf(db, this.leases.openOf(db.id), commitSerial ?? db.commitSerial);
    }

    /** Round start: Committed and Working from the cores of the loaded submarine (see rounds.ts). */
    rebuild(anchors: readonly AnchorBlob[]): RebuildReport {
        return rebuildFromAnchors(this.lifecycle, anchors);
    }

    /** Save capture: the blob for every anchored, writable database, remembered as pending. */
    capture(): CapturedBlob[] {
        return captureAll(this.lifecycle);
    }

    /** Capture of one database (write-through mode), remembered as pending. */
    captureOne(dbId: string): CapturedBlob | undefined {
        return captureDatabase(this.lifecycle, dbId);
    }

    /** Databases that lost their last core: encoded for a backup file, not pending, not a commit. */
    captureOrphans(): CapturedOrphan[] {
        return captureOrphans(this.lifecycle);
    }

    /** Live state for the cores when Lua stops; not pending, not a commit. */
    captureVolatile(): CapturedBlob[] {
        return captureVolatile(this.lifecycle);
    }

    /** A core placed mid-round (see rounds.ts attachAnchor for the rules). */
    attachAnchor(anchor: AnchorBlob): AttachReport {
        return attachAnchor(this.lifecycle, anchor);
    }

    /** Save confirmed: Committed <- the pending capture, for every database that has one. */
    confirmCommit(): string[] {
        const committed: string[] = [];
        let nCommitted = 0;
        for (const id of this.databaseIds()) {
            const db = this.databases.get(id)!;
            const pending = db.pending;
            if (pending === undefined) continue;
            db.committed = pending.snapshot;
            db.commitSerial = pending.snapshot.commitSerial;
            db.pending = undefined;
            committed[nCommitted] = id;
            nCommitted++;
        }
        return committed;
    }

    /**
     * The pending capture will not reach a save (its write failed, or the save wrote something
     * else): forget it without committing. Working is untouched. Returns the ids that had one.
     */
    discardPending(): string[] {
        const dropped: string[] = [];
        let n = 0;
        for (const id of this.databaseIds()) {
            const db = this.databases.get(id)!;
            if (db.pending === undefined) continue;
            db.unsavedBlob = db.pending.blob;
            db.pending = undefined;
            dropped[n] = id;
            n++;
        }
        return dropped;
    }

    /**
     * Not saved: Working <- Committed for every database, leases dropped (their units are in
     * Committed already if they were captured, and otherwise never were saved), captures forgotten.
     * Read-only databases are left as they are. Returns the ids rolled back.
     */
    rollback(reason: string): string[] {
        const rolled: string[] = [];
        let nRolled = 0;
        this.leases.dropAll("rolled back: " + reason);
        for (const id of this.databaseIds()) {
            const old = this.databases.get(id)!;
            old.pending = undefined;
            if (old.readOnlyReason !== undefined || old.committed === undefined) {
                old.forgetLeases();
                continue;
            }
            const db = databaseFromSnapshot(old.committed, this.knownCheck);
            db.anchorId = old.anchorId;
            db.committed = old.committed;
            this.replace(db, "rollback: " + reason);
            rolled[nRolled] = id;
            nRolled++;
        }
        return rolled;
    }

    /** Forgets every database, lease, capture and anchor (a rebuild follows). Subscribers stay. */
    clearVolatile(): void {
        this.leases.dropAll("cleared");
        this.leases.forgetEnded();
        for (const id of this.databaseIds()) this.remove(id, "cleared");
        for (const anchor of this.inertAnchors()) this.inert.delete(anchor.anchorId);
    }

    /**
     * A core was removed mid-round (design.md invariant 7). Another core of the same database that
     * is on the submarine (it lost a conflict and stayed inert) adopts the database at once, the
     * lowest core id first so the choice is deterministic. With none left the database stays in
     * memory without a core: usable, refusing new items, and backed up at every capture.
     */
    detachAnchor(anchorId: number): DetachReport | undefined {
        const inert = this.inert.get(anchorId);
        if (inert !== undefined) {
            this.inert.delete(anchorId);
            return undefined;
        }
        const db = this.anchoredBy(anchorId);
        if (db === undefined) return undefined;
        db.lastAnchorId = anchorId;
        let successor: InertAnchor | undefined;
        for (const candidate of this.inertAnchors()) {
            if (candidate.dbId === db.id) {
                successor = candidate;
                break;
            }
        }
        if (successor !== undefined) {
            this.inert.delete(successor.anchorId);
            db.anchorId = successor.anchorId;
            return { dbId: db.id, lostAnchorId: anchorId, adoptedBy: successor.anchorId, units: db.heldTotal() };
        }
        db.anchorId = undefined;
        return { dbId: db.id, lostAnchorId: anchorId, units: db.heldTotal() };
    }

    /** The database whose core is `anchorId`, if any. O(databases). */
    databaseOfAnchor(anchorId: number): Database | undefined {
        return this.anchoredBy(anchorId);
    }

    private anchoredBy(anchorId: number): MutableDatabase | undefined {
        for (const id of this.databaseIds()) {
            const db = this.databases.get(id)!;
            if (db.anchorId === anchorId) return db;
        }
        return undefined;
    }

    /** Swaps in `db`, dropping the leases of the one it replaces, and announces a reset. */
    private replace(db: MutableDatabase, source: string): void {
        const old = this.databases.get(db.id);
        this.leases.dropDatabase(db.id, "replaced: " + source);
        this.databases.set(db.id, db);
        this.announceReset(db.id, old, db, source);
    }

    private remove(id: string, source: string): void {
        const old = this.databases.get(id);
        if (old === undefined) return;
        this.leases.dropDatabase(id, "removed: " + source);
        this.databases.delete(id);
        this.announceReset(id, old, undefined, source);
    }

    /** One reset event with every key whose offered amount differs between the two states. */
    private announceReset(id: string, old: MutableDatabase | undefined, now: MutableDatabase | undefined, source: string): void {
        const before = new LuaMap<ItemKey, number>();
        const keys: ItemKey[] = [];
        let nKeys = 0;
        if (old !== undefined) {
            for (const key of old.heldKeyList()) {
                before.set(key, old.amount(key));
                keys[nKeys] = key;
                nKeys++;
            }
        }
        if (now !== undefined) {
            for (const key of now.heldKeyList()) {
                if (before.get(key) === undefined) {
                    before.set(key, 0);
                    keys[nKeys] = key;
                    nKeys++;
                }
            }
        }
        table.sort(keys);
        const changes: KeyChange[] = [];
        let nChanges = 0;
        for (const key of keys) {
            const after = now === undefined ? 0 : now.amount(key);
            const was = before.get(key)!;
            if (was !== after) { changes[nChanges] = { key, before: was, after }; nChanges++; }
        }
        this.publish({ db: id, version: now === undefined ? 0 : now.version, source, changes, reset: true });
    }
}
