/**
 * The round lifecycle parts that read and write blobs (design.md "Round lifecycle"):
 *
 * - rebuild: at every round start, Committed and Working come from the Database Cores of the
 *   loaded submarine. The save is the truth; memory is a cache.
 * - capture: before the game captures the submarine, Working plus the units still leased are
 *   encoded for every anchored database and remembered as pending until the save is confirmed.
 * - attachAnchor: a core placed mid-round.
 *
 * When several cores claim one database the winner is chosen by a fixed rule, never by merging
 * and never by "more items": a readable blob beats an unreadable one, which beats an empty core;
 * among readable blobs the highest commit serial wins, then the highest version, then the lowest
 * core id. Losing cores are reported and stay inert: nothing reads or writes them.
 */
import { normalizeDatabaseId } from "./keys";
import type { DatabaseSnapshot } from "./snapshotTypes";
import type { Result } from "./result";
import { decodeSnapshot, encodeSnapshot } from "./codec";
import type { DecodedBlob } from "./codec";
import type { MutableDatabase } from "./database";
import { emptySnapshot, sameSnapshot } from "./snapshotConvert";

/** A core that claims a database another core already anchors: it stays inert until a rebuild. */
export interface InertAnchor {
    readonly anchorId: number;
    readonly dbId: string;
    readonly reason: string;
}

/**
 * What the lifecycle needs from the store, and nothing more. The store hands an object of this
 * shape to the functions below; this module never imports the store, so the two do not depend on
 * each other, and these methods are not part of the store's public surface.
 */
export interface LifecycleStore {
    /** Ids of every database, sorted. */
    databaseIds(): string[];
    /** The database with this id (any spelling), if the store has it. */
    database(dbId: string): MutableDatabase | undefined;
    /** The database whose core is `anchorId`, if any. */
    databaseOfAnchor(anchorId: number): MutableDatabase | undefined;
    /** A database built from `snapshot` (Committed and Working), not installed yet. */
    buildDatabase(snapshot: DatabaseSnapshot, anchorId: number | undefined): Result<MutableDatabase>;
    /** A read-only database that keeps `blob` untouched; not installed yet. */
    buildUnreadable(dbId: string, anchorId: number | undefined, blob: string, reason: string): MutableDatabase;
    /** Replaces every database, lease and inert core at once (a rebuild). */
    installAll(databases: readonly MutableDatabase[], inert: readonly InertAnchor[], source: string): void;
    /** Installs one database in place of the one with its id (its leases are dropped). */
    installDatabase(db: MutableDatabase, source: string): void;
    addInertAnchor(anchor: InertAnchor): void;
    removeInertAnchor(anchorId: number): void;
    /** Working + open leases of a database as a snapshot with the given commit serial. */
    snapshotFor(dbId: string, commitSerial?: number): DatabaseSnapshot | undefined;
}

/** One Database Core as the host found it. */
export interface AnchorBlob {
    readonly anchorId: number;
    readonly dbId: string;
    readonly blob: string;
}

/** What to write into a core. `problem` is set when the blob failed its read-back check. */
export interface CapturedBlob {
    readonly dbId: string;
    readonly anchorId: number;
    readonly blob: string;
    readonly problem?: string;
}

/** A database without a core, encoded for a backup file (design.md invariant 7). */
export interface CapturedOrphan {
    readonly dbId: string;
    readonly units: number;
    readonly blob: string;
    readonly problem?: string;
}

export interface LostAnchor {
    readonly anchorId: number;
    readonly reason: string;
}

export type RebuiltState = "loaded" | "new" | "read_only";

export interface DatabaseRebuild {
    readonly dbId: string;
    /** The core the database now lives in. */
    readonly anchorId: number;
    /** loaded from a blob, new (empty core), or read-only (unreadable blob, kept untouched). */
    readonly state: RebuiltState;
    readonly version: number;
    readonly commitSerial: number;
    readonly units: number;
    readonly readOnlyReason?: string;
    readonly migrated: boolean;
    /** Schema of the original blob when it was migrated; back up originalBlob before a save. */
    readonly migratedFrom?: number;
    readonly originalBlob?: string;
    /** Other cores that claimed this database and lost. */
    readonly conflicts: readonly LostAnchor[];
}

export interface RebuildReport {
    readonly databases: readonly DatabaseRebuild[];
    /** One readable line per finding, for the console. */
    readonly messages: readonly string[];
}

export type AttachState = "new" | "loaded" | "adopted" | "read_only" | "inert" | "already";

export interface AttachReport {
    readonly state: AttachState;
    readonly dbId: string;
    readonly anchorId: number;
    readonly message: string;
}

type CandidateKind = "readable" | "unreadable" | "empty";

interface Candidate {
    readonly anchor: AnchorBlob;
    readonly kind: CandidateKind;
    readonly decoded?: DecodedBlob;
    readonly snapshot?: DatabaseSnapshot;
    /** Built once while classifying (to know it is usable) and reused if this core wins. */
    readonly database?: MutableDatabase;
    readonly problem?: string;
}

const KIND_RANK: { readonly [kind in CandidateKind]: number } = { readable: 3, unreadable: 2, empty: 1 };

function coreName(anchorId: number): string {
    return string.format("core %d", anchorId);
}

/** The snapshot under the database id the core is configured for (a core may have been re-labelled). */
function underId(s: DatabaseSnapshot, id: string): DatabaseSnapshot {
    if (s.id === id) return s;
    return {
        id,
        version: s.version,
        commitSerial: s.commitSerial,
        nextExactId: s.nextExactId,
        counts: s.counts,
        exact: s.exact,
        leasedCounts: s.leasedCounts,
        leasedExact: s.leasedExact,
    };
}

function classify(store: LifecycleStore, anchor: AnchorBlob, id: string): Candidate {
    if (type(anchor.blob) !== "string") return { anchor, kind: "unreadable", problem: "the stored value is not text" };
    if (anchor.blob === "") return { anchor, kind: "empty" };
    const decoded = decodeSnapshot(anchor.blob);
    if (!decoded.ok) {
        if (decoded.code === "empty") return { anchor, kind: "empty" };
        return { anchor, kind: "unreadable", problem: decoded.message + " (" + decoded.code + ")" };
    }
    const snapshot = underId(decoded.value.snapshot, id);
    const usable = store.buildDatabase(snapshot, anchor.anchorId);
    if (!usable.ok) return { anchor, kind: "unreadable", problem: usable.message };
    return { anchor, kind: "readable", decoded: decoded.value, snapshot, database: usable.value };
}

/** true when `a` should win over `b`. A total order: ties end at the core id. */
function beats(a: Candidate, b: Candidate): boolean {
    if (KIND_RANK[a.kind] !== KIND_RANK[b.kind]) return KIND_RANK[a.kind] > KIND_RANK[b.kind];
    if (a.kind === "readable") {
        const sa = a.snapshot!;
        const sb = b.snapshot!;
        if (sa.commitSerial !== sb.commitSerial) return sa.commitSerial > sb.commitSerial;
        if (sa.version !== sb.version) return sa.version > sb.version;
    }
    return a.anchor.anchorId < b.anchor.anchorId;
}

function whyLost(winner: Candidate, loser: Candidate): string {
    const base = string.format("%s also claims this database; %s is used", coreName(loser.anchor.anchorId), coreName(winner.anchor.anchorId));
    if (KIND_RANK[winner.kind] !== KIND_RANK[loser.kind]) {
        const what = loser.kind === "empty" ? "it is empty" : "its blob cannot be read: " + (loser.problem ?? "?");
        return base + " (" + what + ")";
    }
    if (winner.kind === "readable") {
        const w = winner.snapshot!;
        const l = loser.snapshot!;
        if (w.commitSerial !== l.commitSerial) return base + string.format(" (saved %d times, this one %d)", w.commitSerial, l.commitSerial);
        if (w.version !== l.version) return base + string.format(" (version %d, this one %d)", w.version, l.version);
    }
    return base + " (same standing: the lower core id wins)";
}

function readOnlyReason(candidate: Candidate): string {
    return string.format(
        "the blob in %s cannot be read (%s); it is kept untouched until a host restores or replaces it",
        coreName(candidate.anchor.anchorId),
        candidate.problem ?? "?",
    );
}

/** Builds the database a winning candidate stands for. */
function databaseOf(store: LifecycleStore, winner: Candidate, id: string): MutableDatabase {
    if (winner.kind === "readable" && winner.database !== undefined) return winner.database;
    if (winner.kind === "empty") {
        const built = store.buildDatabase(emptySnapshot(id), winner.anchor.anchorId);
        if (built.ok) return built.value;
    }
    return store.buildUnreadable(id, winner.anchor.anchorId, winner.anchor.blob, readOnlyReason(winner));
}

/**
 * Rebuilds every database from the cores of the loaded submarine. Everything in memory (Working,
 * leases, captures, earlier conflicts) is replaced; units leased at capture time are back in Working.
 */
export function rebuildFromAnchors(store: LifecycleStore, anchors: readonly AnchorBlob[]): RebuildReport {
    const groups = new LuaMap<string, Candidate[]>();
    const ids: string[] = [];
    let nIds = 0;
    const seenAnchors = new LuaMap<number, true>();
    const messages: string[] = [];
    let nMessages = 0;
    for (const anchor of anchors) {
        if (seenAnchors.has(anchor.anchorId)) continue;
        seenAnchors.set(anchor.anchorId, true);
        const id = normalizeDatabaseId(anchor.dbId);
        let group = groups.get(id);
        if (group === undefined) {
            group = [];
            groups.set(id, group);
            ids[nIds] = id;
            nIds++;
        }
        group.push(classify(store, anchor, id));
    }
    table.sort(ids);
    const databases: MutableDatabase[] = [];
    let nDatabases = 0;
    const inert: InertAnchor[] = [];
    let nInert = 0;
    const reports: DatabaseRebuild[] = [];
    let nReports = 0;
    for (const id of ids) {
        const group = groups.get(id)!;
        let winner = group[0];
        for (const candidate of group) {
            if (beats(candidate, winner)) winner = candidate;
        }
        const conflicts: LostAnchor[] = [];
        let nConflicts = 0;
        for (const candidate of group) {
            if (candidate === winner) continue;
            const reason = whyLost(winner, candidate);
            conflicts[nConflicts] = { anchorId: candidate.anchor.anchorId, reason };
            nConflicts++;
            inert[nInert] = { anchorId: candidate.anchor.anchorId, dbId: id, reason };
            nInert++;
        }
        table.sort(conflicts, (a, b) => a.anchorId < b.anchorId);
        const db = databaseOf(store, winner, id);
        databases[nDatabases] = db;
        nDatabases++;
        const state: RebuiltState = db.readOnlyReason !== undefined ? "read_only" : winner.kind === "readable" ? "loaded" : "new";
        const migrated = winner.decoded?.migrated === true;
        reports[nReports] = {
            dbId: id,
            anchorId: winner.anchor.anchorId,
            state,
            version: db.version,
            commitSerial: db.commitSerial,
            units: db.heldTotal(),
            readOnlyReason: db.readOnlyReason,
            migrated,
            migratedFrom: migrated ? winner.decoded!.schema : undefined,
            originalBlob: migrated ? winner.anchor.blob : undefined,
            conflicts,
        };
        nReports++;
        messages[nMessages] = describeRebuild(id, winner, db, state);
        nMessages++;
        if (winner.kind === "readable" && winner.decoded!.snapshot.id !== id) {
            messages[nMessages] = string.format("database '%s': %s holds a blob written for '%s'; it is used as '%s'", id, coreName(winner.anchor.anchorId), winner.decoded!.snapshot.id, id);
            nMessages++;
        }
        if (migrated) {
            messages[nMessages] = string.format("database '%s' was stored in schema %d and was migrated: back up the original before the next save", id, winner.decoded!.schema);
            nMessages++;
        }
        for (const conflict of conflicts) { messages[nMessages] = string.format("CONFLICT database '%s': %s", id, conflict.reason); nMessages++; }
    }
    store.installAll(databases, inert, "rebuild");
    return { databases: reports, messages };
}

function describeRebuild(id: string, winner: Candidate, db: MutableDatabase, state: RebuiltState): string {
    if (state === "read_only") return string.format("database '%s' is READ-ONLY: %s", id, db.readOnlyReason ?? "?");
    if (state === "new") return string.format("database '%s' starts empty in %s", id, coreName(winner.anchor.anchorId));
    return string.format(
        "database '%s' loaded from %s: version %d, saved %d times, %d units in %d kinds",
        id, coreName(winner.anchor.anchorId), db.version, db.commitSerial, db.heldTotal(), db.keyCount(),
    );
}

/**
 * Encodes Working + open leases of one database with `serial`, and reads the blob back: the
 * snapshot kept as pending is exactly what a reload will see.
 */
function encodeDatabase(store: LifecycleStore, db: MutableDatabase, serial: number): { blob: string; snapshot: DatabaseSnapshot; problem?: string } {
    const snapshot = store.snapshotFor(db.id, serial)!;
    const blob = encodeSnapshot(snapshot);
    const back = decodeSnapshot(blob);
    if (!back.ok) {
        return { blob, snapshot, problem: string.format("database '%s' was written but its blob does not read back: %s", db.id, back.message) };
    }
    if (!sameSnapshot(back.value.snapshot, snapshot)) {
        return { blob, snapshot, problem: string.format("database '%s' was written but its blob reads back different", db.id) };
    }
    return { blob, snapshot: back.value.snapshot };
}

function isCapturable(db: MutableDatabase | undefined): db is MutableDatabase & { anchorId: number } {
    return db !== undefined && db.anchorId !== undefined && db.readOnlyReason === undefined;
}

/** Capture of one database, remembered as pending (commit serial = committed serial + 1). */
export function captureDatabase(store: LifecycleStore, dbId: string): CapturedBlob | undefined {
    const db = store.database(dbId);
    if (!isCapturable(db)) return undefined;
    const encoded = encodeDatabase(store, db, db.commitSerial + 1);
    db.pending = { snapshot: encoded.snapshot, blob: encoded.blob };
    db.unsavedBlob = undefined;
    return { dbId: db.id, anchorId: db.anchorId, blob: encoded.blob, problem: encoded.problem };
}

/**
 * The save capture: every anchored, writable database (sorted by id). Read-only databases are
 * skipped so their unreadable blob stays untouched; databases without a core cannot be saved.
 */
export function captureAll(store: LifecycleStore): CapturedBlob[] {
    const list: CapturedBlob[] = [];
    let nList = 0;
    for (const id of store.databaseIds()) {
        const captured = captureDatabase(store, id);
        if (captured !== undefined) { list[nList] = captured; nList++; }
    }
    return list;
}

/**
 * Working + open leases of every anchored database under its committed serial, without making it
 * pending: for putting the live state into the cores when Lua stops (nothing reaches a save file).
 */
export function captureVolatile(store: LifecycleStore): CapturedBlob[] {
    const list: CapturedBlob[] = [];
    let nList = 0;
    for (const id of store.databaseIds()) {
        const db = store.database(id);
        if (!isCapturable(db)) continue;
        const encoded = encodeDatabase(store, db, db.commitSerial);
        list[nList] = { dbId: db.id, anchorId: db.anchorId, blob: encoded.blob, problem: encoded.problem };
        nList++;
    }
    return list;
}

/**
 * Every writable database that has no core. Their blobs carry the current commit serial so a
 * restore from them is ordered like the save they stand in for; nothing becomes pending.
 */
export function captureOrphans(store: LifecycleStore): CapturedOrphan[] {
    const list: CapturedOrphan[] = [];
    let n = 0;
    for (const id of store.databaseIds()) {
        const db = store.database(id);
        if (db === undefined || db.anchorId !== undefined || db.readOnlyReason !== undefined) continue;
        const encoded = encodeDatabase(store, db, db.commitSerial);
        list[n] = { dbId: db.id, units: db.heldTotal(), blob: encoded.blob, problem: encoded.problem };
        n++;
    }
    return list;
}

/**
 * A core placed (or loaded) mid-round.
 * - Its database is not in memory: the database comes from its blob (empty -> new, unreadable ->
 *   read-only, kept untouched).
 * - The database is in memory without a core (its core was removed): the core adopts the live
 *   state if it is the same core coming back or an empty one; a core carrying other data stays
 *   inert (no merge, no overwrite).
 * - The database already has a core: this one is a conflict and stays inert.
 */
export function attachAnchor(store: LifecycleStore, anchor: AnchorBlob): AttachReport {
    const id = normalizeDatabaseId(anchor.dbId);
    const anchorId = anchor.anchorId;
    const report = (state: AttachState, message: string): AttachReport => ({ state, dbId: id, anchorId, message });
    const current = store.databaseOfAnchor(anchorId);
    if (current !== undefined) {
        if (current.id === id) return report("already", string.format("%s already holds database '%s'", coreName(anchorId), id));
        return report("inert", string.format("%s already holds database '%s'; it cannot also hold '%s'", coreName(anchorId), current.id, id));
    }
    const db = store.database(id);
    const inert = (reason: string): AttachReport => {
        store.addInertAnchor({ anchorId, dbId: id, reason });
        return report("inert", string.format("CONFLICT database '%s': %s", id, reason));
    };
    if (db !== undefined && db.anchorId !== undefined) {
        return inert(string.format("%s also claims this database; %s already holds it and stays in use", coreName(anchorId), coreName(db.anchorId)));
    }
    const candidate = classify(store, anchor, id);
    if (db !== undefined) {
        if (anchorId === db.lastAnchorId || candidate.kind === "empty") {
            db.anchorId = anchorId;
            store.removeInertAnchor(anchorId);
            return report("adopted", string.format("%s now holds database '%s'; its live state is written into it at the next save", coreName(anchorId), id));
        }
        return inert(string.format(
            "%s carries other data for database '%s', which is live without a core; remove it or place an empty core",
            coreName(anchorId), id,
        ));
    }
    const created = databaseOf(store, candidate, id);
    store.installDatabase(created, "core placed");
    if (created.readOnlyReason !== undefined) {
        return report("read_only", string.format("database '%s' is READ-ONLY: %s", id, created.readOnlyReason));
    }
    if (candidate.kind === "readable") {
        return report("loaded", string.format("database '%s' loaded from %s: %d units", id, coreName(anchorId), created.heldTotal()));
    }
    return report("new", string.format("database '%s' starts empty in %s", id, coreName(anchorId)));
}

/** Decodes a core's blob for verify (kept here so verify does not depend on codec details). */
export function readBlob(blob: string): Result<DecodedBlob> {
    return decodeSnapshot(blob);
}
