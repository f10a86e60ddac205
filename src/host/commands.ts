/**
 * Console commands for hosts: `dbio <sub-command>`. Output is plain lines. On a server, commands
 * typed by a client need the ConsoleCommands permission; those that change data are refused
 * otherwise. Backup and restore touch only files inside the mod's backup folder.
 */
import type { DatabaseStore } from "../core/store";
import { normalizeDatabaseId } from "../core/keys";
import { decodeSnapshot, blobChecksum } from "../core/codec";
import { verify } from "../core/verify";
import type { LifecycleBinding } from "./lifecycle";
import type { AuditLog } from "./audit";
import type { Transfer } from "./transfer";
import { listBackups, readBackup, writeBackup, backupFolder } from "./backups";
import { readBlob, writeBlob } from "./cores";
import { info, warn } from "./log";
import { guarded } from "./guard";

export interface CommandServices {
    readonly store: DatabaseStore;
    readonly lifecycle: LifecycleBinding;
    readonly audit: AuditLog;
    readonly transfer: Transfer;
    readonly now: (this: void) => number;
    readonly isLiveLeaseOwner: (this: void, owner: string) => boolean;
}

type Out = (this: void, line: string) => void;

interface Command {
    readonly usage: string;
    readonly help: string;
    readonly changesData: boolean;
    readonly run: (s: CommandServices, args: string[], out: Out) => void;
}

function dbList(s: CommandServices, arg: string | undefined): string[] {
    return arg === undefined ? s.store.databaseIds() : [normalizeDatabaseId(arg)];
}

function coreBlobs(s: CommandServices): { anchorId: number; blob: string }[] {
    const blobs: { anchorId: number; blob: string }[] = [];
    let nBlobs = 0;
    for (const core of s.lifecycle.trackedCores()) {
        if (!core.item.Removed) { blobs[nBlobs] = { anchorId: core.anchorId, blob: readBlob(core.item) }; nBlobs++; }
    }
    return blobs;
}

const COMMANDS: { [name: string]: Command } = {
    status: {
        usage: "dbio status",
        help: "save binding, and every database with its core",
        changesData: false,
        run: (s, _args, out) => {
            for (const line of s.lifecycle.statusLines()) out(line);
            const ids = s.store.databaseIds();
            if (ids.length === 0) out("no databases this round (no Database Core found)");
            for (const id of ids) {
                const db = s.store.database(id)!;
                out(string.format(
                    "database '%s': %d unit(s) available, %d leased, %d distinct, version %d, commit serial %d, core %s%s",
                    id, db.unitTotal(), db.leasedTotal(), db.keyCount(), db.version, db.commitSerial,
                    db.anchorId === undefined ? "NONE" : string.format("%d", db.anchorId),
                    db.readOnlyReason === undefined ? "" : " READ-ONLY: " + db.readOnlyReason,
                ));
                if (db.parkedKeyCount() > 0) out(string.format("  %d kind(s) parked (their mod is not loaded)", db.parkedKeyCount()));
                const leases = s.store.leasesOf(id);
                if (leases.length > 0) out(string.format("  %d open lease(s)", leases.length));
            }
            for (const line of s.lifecycle.orphanStatusLines()) out(line);
            for (const inert of s.store.inertAnchors()) {
                out(string.format("CONFLICT: core %d also claims database '%s' and stays inert: %s", inert.anchorId, inert.dbId, inert.reason));
            }
            const inFlight = s.transfer.inFlight();
            if (inFlight > 0) out(string.format("%d unit(s) being spawned", inFlight));
            if (s.transfer.floorDrops > 0) out(string.format("%d unit(s) had to be dropped on the floor this session", s.transfer.floorDrops));
        },
    },
    verify: {
        usage: "dbio verify [db]",
        help: "check ids, counts, totals, leases, the core's blob and checksum, and core conflicts",
        changesData: false,
        run: (s, args, out) => {
            const blobs = coreBlobs(s);
            let problems = 0;
            const ids = dbList(s, args[0]);
            for (const id of ids) {
                const findings = verify(s.store, id, blobs, s.isLiveLeaseOwner);
                problems += findings.length;
                if (findings.length === 0) out(string.format("database '%s': OK", id));
                for (const f of findings) out(string.format("database '%s': %s: %s", id, f.kind, f.message));
            }
            out(string.format("verify: %d database(s), %d finding(s)", ids.length, problems));
        },
    },
    preflight: {
        usage: "dbio preflight",
        help: "dry run of a format migration: which cores need one and whether backups can be written",
        changesData: false,
        run: (s, _args, out) => {
            preflight(s, out);
        },
    },
    migrate: {
        usage: "dbio migrate",
        help: "rewrite cores that use an older format now (backs up the old blob first)",
        changesData: true,
        run: (s, _args, out) => {
            const needed = preflight(s, out);
            if (needed === undefined) {
                out("migrate refused: preflight failed");
                return;
            }
            if (needed.length === 0) {
                out("nothing to migrate");
                return;
            }
            for (const core of needed) {
                const backup = writeBackup(core.dbId, core.blob, "premigrate", s.now());
                if (!backup.ok) {
                    out(string.format("core %d: backup failed (%s): not migrated", core.anchorId, backup.message));
                    continue;
                }
                const captured = s.store.captureOne(core.dbId);
                if (captured === undefined || captured.anchorId !== core.anchorId) {
                    out(string.format("core %d: its database is not loaded from it: not migrated", core.anchorId));
                    continue;
                }
                const written = writeBlob(core.item, captured.blob);
                out(written.ok
                    ? string.format("core %d: migrated (old blob in %s)", core.anchorId, backup.value)
                    : string.format("core %d: write failed: %s", core.anchorId, written.message));
            }
        },
    },
    backup: {
        usage: "dbio backup [db]",
        help: "write the current database(s) to backup files",
        changesData: false,
        run: (s, args, out) => {
            for (const id of dbList(s, args[0])) {
                // A database whose last core was removed is kept in memory (core/rounds.ts
                // captureOrphans): it is backed up from there, so the host can keep a copy too.
                let captured: { blob: string } | undefined = s.store.captureOne(id);
                if (captured === undefined) {
                    for (const orphan of s.store.captureOrphans()) {
                        if (orphan.dbId === id) captured = orphan;
                    }
                }
                if (captured === undefined) {
                    out(string.format("database '%s': nothing to back up (unknown or unreadable)", id));
                    continue;
                }
                const written = writeBackup(id, captured.blob, "manual", s.now());
                out(written.ok ? string.format("database '%s' backed up as %s", id, written.value) : "backup failed: " + written.message);
            }
        },
    },
    backups: {
        usage: "dbio backups",
        help: "list backup files",
        changesData: false,
        run: (_s, _args, out) => {
            const listed = listBackups();
            if (!listed.ok) {
                out(listed.message);
                return;
            }
            out(string.format("%d backup(s) in %s", listed.value.length, backupFolder()));
            for (const name of listed.value) out("  " + name);
        },
    },
    restore: {
        usage: "dbio restore <file> [db]",
        help: "replace a database with a backup file (it is saved at the next save)",
        changesData: true,
        run: (s, args, out) => {
            if (args[0] === undefined) {
                out("usage: dbio restore <file> [db]");
                return;
            }
            const text = readBackup(args[0]);
            if (!text.ok) {
                out("restore refused: " + text.message);
                return;
            }
            const decoded = decodeSnapshot(text.value);
            if (!decoded.ok) {
                out("restore refused: the backup is unreadable: " + decoded.message);
                return;
            }
            const id = normalizeDatabaseId(args[1] ?? decoded.value.snapshot.id);
            const current = s.store.database(id);
            if (current === undefined || current.anchorId === undefined) {
                out(string.format("restore refused: database '%s' has no Database Core this round", id));
                return;
            }
            const b = decoded.value.snapshot;
            const snapshot = {
                ...b,
                id,
                // Versions only grow and exact ids are never reused, whatever the backup says.
                version: math.max(b.version, current.version) + 1,
                nextExactId: math.max(b.nextExactId, current.nextExactId),
                commitSerial: current.commitSerial,
            };
            const built = s.store.buildDatabase(snapshot, current.anchorId, { committed: current.committed });
            if (!built.ok) {
                out("restore refused: " + built.message);
                return;
            }
            // A restore replaces the database: what it holds now (items stored since its core was
            // placed, say) goes to a backup file first, never dropped silently.
            let kept = "";
            const held = current.unitTotal();
            if (held > 0) {
                const captured = s.store.captureOne(id);
                const written = captured === undefined ? undefined : writeBackup(id, captured.blob, "prerestore", s.now());
                if (written === undefined || !written.ok) {
                    out(string.format("restore refused: the %d unit(s) database '%s' holds now could not be backed up first%s", held, id,
                        written === undefined ? "" : " (" + written.message + ")"));
                    return;
                }
                kept = string.format("; the %d unit(s) it held were backed up as %s", held, written.value);
            }
            s.store.installDatabase(built.value, "restore:" + args[0]);
            out(string.format("database '%s' restored from %s (%d unit(s)); it is saved at the next save%s", id, args[0], built.value.unitTotal(), kept));
        },
    },
    audit: {
        usage: "dbio audit [db] [n]",
        help: "the last n changes: who stored or took what",
        changesData: false,
        run: (s, args, out) => {
            let db: string | undefined = args[0];
            let n = tonumber(args[1] ?? "") ?? 20;
            const asNumber = tonumber(args[0] ?? "");
            if (asNumber !== undefined) {
                db = undefined;
                n = asNumber;
            }
            n = math.max(1, math.min(500, math.floor(n)));
            const lines = s.audit.recent(n, db === undefined ? undefined : normalizeDatabaseId(db));
            if (lines.length === 0) out("no changes recorded this session");
            for (const line of lines) out(line);
        },
    },
};

interface MigrationNeed {
    readonly anchorId: number;
    readonly dbId: string;
    readonly item: Item;
    readonly blob: string;
}

/** Lists cores whose blob is in an older schema; undefined when a migration must not run. */
function preflight(s: CommandServices, out: Out): MigrationNeed[] | undefined {
    let failed = false;
    const needed: MigrationNeed[] = [];
    let nNeeded = 0;
    for (const core of s.lifecycle.trackedCores()) {
        const blob = readBlob(core.item);
        if (blob === "") {
            out(string.format("core %d (%s): empty", core.anchorId, core.dbId));
            continue;
        }
        const decoded = decodeSnapshot(blob);
        if (!decoded.ok) {
            failed = true;
            out(string.format("core %d (%s): UNREADABLE: %s", core.anchorId, core.dbId, decoded.message));
        } else if (decoded.value.migrated) {
            needed[nNeeded] = { anchorId: core.anchorId, dbId: core.dbId, item: core.item, blob };
            nNeeded++;
            out(string.format("core %d (%s): schema %d, needs migration", core.anchorId, core.dbId, decoded.value.schema));
        } else {
            out(string.format("core %d (%s): current schema, checksum %s", core.anchorId, core.dbId, blobChecksum(blob) ?? "?"));
        }
    }
    const probe = writeBackup("preflight", "probe", "probe", s.now());
    if (!probe.ok) {
        failed = true;
        out("backup folder not writable: " + probe.message);
    } else {
        const [removed] = pcall(() => File.Delete(backupFolder() + "/" + probe.value));
        out("backup folder writable: " + backupFolder() + (removed ? "" : " (probe file left behind)"));
    }
    out(failed ? "preflight: FAILED" : string.format("preflight: OK, %d core(s) to migrate", needed.length));
    return failed ? undefined : needed;
}

function splitArgs(args: unknown): string[] {
    const out: string[] = [];
    if (type(args) !== "table") return out;
    for (const a of args as unknown[]) {
        if (type(a) === "string") out.push(a as string);
    }
    return out;
}

export function runCommand(s: CommandServices, rawArgs: unknown, isAdmin: boolean, out: Out): void {
    const args = splitArgs(rawArgs);
    const name = args.shift();
    const command = name === undefined ? undefined : COMMANDS[string.lower(name)];
    if (command === undefined) {
        out("Database IO commands:");
        const names: string[] = [];
        let nNames = 0;
        for (const key in COMMANDS) { names[nNames] = key; nNames++; }
        table.sort(names);
        for (const key of names) out(string.format("  %-28s %s", COMMANDS[key].usage, COMMANDS[key].help));
        return;
    }
    if (command.changesData && !isAdmin) {
        out("refused: '" + command.usage + "' changes data and needs console-command permission");
        return;
    }
    const [success, err] = pcall(() => command.run(s, args, out));
    if (!success) out("command failed: " + string.format("%s", err));
}

export function registerCommands(s: CommandServices): void {
    Game.AddCommand("dbio", "Database IO: status, verify, preflight, migrate, backup, backups, restore, audit", guarded("console command dbio", (args: string[]) => {
        runCommand(s, args, true, (line) => info(line));
    }));
    if (SERVER && hasGameMember("AssignOnClientRequestExecute")) {
        Game.AssignOnClientRequestExecute("dbio", guarded("client console command dbio", (client: Client, _cursor: Vector2, args: string[]) => {
            const admin = client !== undefined && client.HasPermission(ClientPermissions.ConsoleCommands);
            const out = (line: string): void => info(string.format("(for %s) %s", client?.Name ?? "?", line));
            if (!admin) {
                out("refused: dbio commands need console-command permission on this server");
                return;
            }
            runCommand(s, args, true, out);
        }));
    } else if (SERVER) {
        // The LuaCs services rewrite (refactor/luacs-services-model) has this member commented out
        // in LuaGame.cs; the established layer has it (docs/hosting.md "LuaCs versions").
        warn("this LuaCs has no Game.AssignOnClientRequestExecute: players cannot run 'dbio' from their console; use the server console");
    }
}

/**
 * Whether the LuaCs `Game` object has a member. Game is a C# object: reading a member it does not
 * have raises instead of giving nil, so the read runs under pcall (the key is held in a variable).
 */
function hasGameMember(name: string): boolean {
    const [ok, value] = pcall(() => (Game as unknown as LuaTable<string, unknown>).get(name));
    return ok && value !== undefined;
}
