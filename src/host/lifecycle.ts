/**
 * Binds the database store to the game's round lifecycle (design.md "Round lifecycle").
 *
 * - capture: a Before patch on Submarine.SaveToXElement, which the game runs when it captures the
 *   submarine for a save. Open leases are reconciled, then Working plus the units still leased
 *   are written into every Database Core, so the captured submarine carries them.
 * - save confirmed: Committed <- the pending capture, only when the save that follows it really
 *   wrote the file. SaveUtil.SaveGame catches every error of its own steps and returns normally,
 *   so its After patch runs after a failed save too (SaveUtil.SaveGame: "Error saving
 *   gamesession", "Error saving submarine" return, "Error compressing save file" is logged).
 *   What shows a completed save is the After patch of SaveUtil.CompressDirectory, its last step:
 *   LuaCs installs After patches as Harmony postfixes (LuaCsHook.CreateDynamicHarmonyPatch,
 *   "HarmonyPostfix"), which do not run when the method throws. A Before patch on SaveGame opens
 *   the save; its After patch closes it and commits when the file was written.
 * - SaveGame also runs with no capture before it: GameServer.StartGame when it created new bots,
 *   the GameSession constructor while a server loads a campaign (isSavingOnLoading), and
 *   SinglePlayerCampaign.Start (isSavingOnLoading). Those saves write GameSession.SubmarineInfo,
 *   not a capture of this session, so they commit nothing: a capture counts only for the save
 *   that follows it in the same update (every save path captures and saves in one go:
 *   MultiPlayerCampaign/SinglePlayerCampaign.DoLevelTransition, GameServer "Save & quit",
 *   GameMain.QuitToMainMenu), and never for a save with isSavingOnLoading.
 * - rollback: a Before patch on GameServer.EndGame with wasSaved == false (server only).
 * - every round start: rebuild Working and Committed from the cores of the loaded submarine; the
 *   save is the truth, memory is a cache.
 * - round end: stop automation, close views; no data decision (it fires after the file is written
 *   on a server and before the capture in singleplayer).
 * - stop (reloadlua, quitting): the live cores get Working written into them (memory only, no
 *   file), so a `reloadlua` in the middle of a round rebuilds exactly what was there. A quit or a
 *   server stop discards the world, so this writes nothing that could reach a save.
 *
 * - save steps: the first step of any save path (SavePlayers, EndRound, HandleSaveAndQuit, or the
 *   capture itself) settles every device and freezes them until the next round (savePhases.ts).
 *
 * If the capture patch cannot be installed, the binding falls back to writing Working into the
 * cores after every change (write-through), which never loses or duplicates at the cost of an
 * encode per change; status says so loudly.
 */
import type { DatabaseStore } from "../core/store";
import type { RebuildReport } from "../core/rounds";
import { findCores, readBlob, writeBlob, CoreItem, isCore, coreOf } from "./cores";
import { Signal } from "./events";
import { info, problem, warn } from "./log";
import { writeBackup } from "./backups";
import type { SavePhases } from "./savePhases";
import { addHook, addPatch } from "./guard";
import { patchArg } from "./patchArgs";

export type BindingMode = "patched" | "write-through";

interface PatchState {
    /** The patch's short name ("capture", "commit", ...). */
    readonly id: string;
    readonly name: string;
    installed: boolean;
    error?: string;
}

const PATCH_PREFIX = "databaseio.";

export class LifecycleBinding {
    readonly afterRebuild = new Signal<RebuildReport>();
    readonly roundEnded = new Signal<string>();
    readonly committed = new Signal<string[]>();
    readonly rolledBack = new Signal<string>();

    private readonly patches: PatchState[] = [];
    private mode: BindingMode = "patched";
    private cores = new LuaMap<number, CoreItem>();
    /** Cores created mid-round: their tags are applied after item.created, so read them later. */
    private newCores = new LuaMap<number, Item>();
    private lastRebuild: RebuildReport | undefined;
    private lastSave = "never in this session";
    private writingThrough = false;
    /** The latest backup file of each database that has no core, for status. */
    private readonly orphanBackups = new LuaMap<string, string>();
    /** Updates seen (the think hook): a capture belongs to a save in the same update. */
    private frame = 0;
    /** The update of the last save capture; -1 when the capture was used or forgotten. */
    private captureFrame = -1;
    /** The SaveGame under way (Before patch to After patch). */
    private saving: { commits: boolean; written: boolean } | undefined;

    constructor(
        private readonly store: DatabaseStore,
        private readonly now: (this: void) => number,
        private readonly authority: boolean,
        private readonly phases: SavePhases,
    ) {}

    install(): void {
        this.tryPatch("capture", "Barotrauma.Submarine", "SaveToXElement", ["System.Xml.Linq.XElement"], () => {
            this.capture("save");
        }, Hook.HookMethodType.Before);
        this.tryPatch("savebegin", "Barotrauma.SaveUtil", "SaveGame", undefined, (_instance, ptable) => {
            this.beginSave(ptable);
        }, Hook.HookMethodType.Before);
        this.tryPatch("savewritten", "Barotrauma.SaveUtil", "CompressDirectory", ["System.String", "System.String"], () => {
            if (this.saving !== undefined) this.saving.written = true;
        }, Hook.HookMethodType.After);
        // The same After patch ends a save in the middle of a round (the capture was its first
        // step): the round goes on once SaveGame returns (savePhases.ts).
        this.tryPatch("commit", "Barotrauma.SaveUtil", "SaveGame", undefined, () => {
            this.phases.saveWritten();
            this.endSave();
        }, Hook.HookMethodType.After);
        if (SERVER) {
            this.tryPatch("endgame", "Barotrauma.Networking.GameServer", "EndGame", undefined, (_instance, ptable) => {
                if (patchArg(ptable, "wasSaved") !== true) this.rollback("the round ended without a save");
            }, Hook.HookMethodType.Before);
        }
        const capturePatch = this.patch("capture");
        if (!capturePatch.installed) {
            this.mode = "write-through";
            problem("the save capture patch could not be installed (" + (capturePatch.error ?? "?") + ").");
            problem("Falling back to write-through: every change is written into the Database Cores at once.");
            this.store.subscribe("databaseio.writethrough", (event) => {
                this.writeThrough(event.db);
            });
        }
        // The first step of every save path settles and freezes the devices (savePhases.ts).
        // Multiplayer stores the players' inventories first: MultiPlayerCampaign.SavePlayers runs
        // before HandleSaveAndQuit and the capture on "save & quit" (GameServer, ManageRound) and
        // after EndRound on a level transition (MultiPlayerCampaign.DoLevelTransition).
        if (SERVER) {
            this.tryPatch("saveplayers", "Barotrauma.MultiPlayerCampaign", "SavePlayers", undefined, () => {
                this.phases.saveStep("SavePlayers");
            }, Hook.HookMethodType.Before);
            // When it returns, the carried pages are in the players' records as they are now:
            // they are booked against that, not against the capture one update later.
            this.tryPatch("playerssaved", "Barotrauma.MultiPlayerCampaign", "SavePlayers", undefined, () => {
                this.phases.playersSaved();
            }, Hook.HookMethodType.After);
        }
        // A transition in either mode starts with EndRound (SinglePlayerCampaign.DoLevelTransition
        // saves after the fade-out frames; MultiPlayerCampaign.DoLevelTransition stores the players
        // right after it). Without the capture patch this settle is also what the write-through
        // then puts into the cores.
        this.tryPatch("endround", "Barotrauma.GameSession", "EndRound", undefined, () => {
            this.phases.saveStep("EndRound");
        }, Hook.HookMethodType.Before);
        // Singleplayer "Save & Quit" (GameMain.QuitToMainMenu(save: true)) starts here, before the
        // capture; the player's inventory is stored later, in SaveUtil.SaveGame.
        this.tryPatch("saveandquit", "Barotrauma.CampaignMode", "HandleSaveAndQuit", undefined, () => {
            this.phases.saveStep("HandleSaveAndQuit");
        }, Hook.HookMethodType.Before);

        addHook("roundStart", PATCH_PREFIX + "roundStart", () => {
            this.rebuild("round start");
        });
        addHook("roundEnd", PATCH_PREFIX + "roundEnd", () => {
            this.roundEnded.emit("round end");
        });
        addHook("stop", PATCH_PREFIX + "stop", () => {
            this.flushIntoLiveCores();
        });
        addHook("item.created", PATCH_PREFIX + "coreCreated", (item: Item) => {
            if (isCore(item)) this.newCores.set(item.ID, item);
        });
        addHook("item.removed", PATCH_PREFIX + "coreRemoved", (item: Item) => {
            this.onItemRemoved(item);
        });
        addHook("item.readPropertyChange", PATCH_PREFIX + "protectCore", (item: Item) => {
            // Players must never edit the stored database (it is an InGameEditable property).
            if (isCore(item)) return true;
            return undefined;
        });
        addHook("think", PATCH_PREFIX + "newCores", () => {
            this.frame++;
            this.phases.think();
            this.attachNewCores();
        });
    }

    private tryPatch(
        name: string,
        className: string,
        method: string,
        params: string[] | undefined,
        fn: PatchCallback,
        hookType: HookMethodType,
    ): void {
        const when = hookType === Hook.HookMethodType.After ? "after" : "before";
        const state: PatchState = { id: name, name: className + "." + method + " (" + when + ")", installed: false };
        this.patches.push(state);
        const [success, err] = pcall(() => {
            addPatch(PATCH_PREFIX + name, className, method, params, fn, hookType);
        });
        state.installed = success;
        if (!success) {
            state.error = string.format("%s", err);
            warn(string.format("cannot patch %s: %s", state.name, state.error));
        }
    }

    private patch(id: string): PatchState {
        for (const p of this.patches) {
            if (p.id === id) return p;
        }
        return { id, name: id, installed: false, error: "not attempted" };
    }

    /** Reads every core of the loaded submarine and rebuilds Committed and Working from them. */
    rebuild(reason: string): RebuildReport {
        this.captureFrame = -1;
        this.saving = undefined;
        this.cores = new LuaMap<number, CoreItem>();
        this.newCores = new LuaMap<number, Item>();
        let nAnchors = 0;
        const anchors = [];
        for (const core of findCores()) {
            this.cores.set(core.anchorId, core);
            anchors[nAnchors] = { anchorId: core.anchorId, dbId: core.dbId, blob: readBlob(core.item) };
            nAnchors++;
        }
        const report = this.store.rebuild(anchors);
        this.lastRebuild = report;
        // The loaded save is the truth again: devices act from here on.
        this.phases.thaw(reason);
        for (const db of report.databases) {
            if (db.migratedFrom !== undefined && db.originalBlob !== undefined) {
                const backup = writeBackup(db.dbId, db.originalBlob, "schema" + string.format("%d", db.migratedFrom), this.now());
                if (backup.ok) {
                    info(string.format("database '%s' uses an older format; its original was backed up as %s", db.dbId, backup.value));
                } else {
                    this.store.setReadOnly(db.dbId, "the pre-migration backup could not be written: " + backup.message);
                    problem(string.format("database '%s' stays read-only: %s", db.dbId, backup.message));
                }
            }
        }
        for (const line of report.messages) info(line);
        info(string.format("%s: %d database(s) rebuilt from %d core(s)", reason, report.databases.length, anchors.length));
        this.afterRebuild.emit(report);
        return report;
    }

    /** Writes Working (plus leased units) into every core; remembered as pending until SaveGame. */
    capture(reason: string): void {
        if (!this.authority) return;
        this.phases.capture();
        const captured = this.store.capture();
        this.writeCaptured(captured, true);
        this.captureFrame = this.frame;
    }

    /**
     * SaveGame starts. It can commit only the capture taken in this same update (write-through:
     * the cores always hold Working, so what the game captures is the pending state), and never
     * when the game saves a session it has just loaded (isSavingOnLoading). Any other pending
     * capture is stale: it is forgotten, not committed.
     */
    private beginSave(ptable: PatchParams): void {
        if (!this.authority) return;
        const onLoading = patchArg(ptable, "isSavingOnLoading") === true;
        const fresh = this.mode === "write-through" || this.captureFrame === this.frame;
        this.captureFrame = -1;
        const commits = fresh && !onLoading;
        if (!commits) this.store.discardPending();
        this.saving = { commits, written: false };
    }

    /** SaveGame returned (it returns after a failed write too). */
    private endSave(): void {
        if (!this.authority) return;
        const saving = this.saving;
        this.saving = undefined;
        if (saving === undefined) {
            // The Before patch is missing: no way to tell a fresh capture; keep the old rule.
            if (!this.patch("savebegin").installed) this.confirmSave();
            return;
        }
        if (!saving.commits) return;
        if (!saving.written && this.patch("savewritten").installed) {
            const dropped = this.store.discardPending();
            this.lastSave = string.format("FAILED %.0f s after start (the game could not write the save file)", this.now());
            if (dropped.length > 0) {
                problem(string.format(
                    "the game's save failed (see the error above): %d database(s) NOT committed; they stay as they are in memory",
                    dropped.length,
                ));
            }
            return;
        }
        this.confirmSave();
    }

    private writeCaptured(captured: readonly { dbId: string; anchorId: number; blob: string }[], loud: boolean): void {
        for (const blob of captured) {
            const core = this.cores.get(blob.anchorId);
            if (core === undefined || core.item.Removed) {
                problem(string.format("database '%s' has no Database Core to hold it: place one or its contents cannot be saved", blob.dbId));
                continue;
            }
            const written = writeBlob(core.item, blob.blob);
            if (!written.ok) {
                problem(string.format("database '%s' could not be written into its core: %s", blob.dbId, written.message));
            } else if (loud) {
                // quiet success: a save prints one summary line in confirmSave
            }
        }
        this.backUpOrphans("save");
    }

    /**
     * A database whose last core was removed cannot go into this save: write it to a backup file
     * in the save folder instead and tell the host how to bring it back (design.md invariant 7).
     */
    private backUpOrphans(when: "save" | "stop"): void {
        // Lua stopping (reloadlua, a server stop, leaving to the main menu) loses what is only in
        // memory: a database without a core goes to a backup then as well.
        const notIn = when === "save" ? "this save does not hold" : "Lua is stopping and no core holds";
        for (const orphan of this.store.captureOrphans()) {
            const backup = writeBackup(orphan.dbId, orphan.blob, "nocore", this.now());
            if (!backup.ok) {
                problem(string.format(
                    "database '%s' has NO DATABASE CORE and its backup failed (%s): its %d unit(s) are NOT in this save; place a Database Core for it now",
                    orphan.dbId, backup.message, orphan.units,
                ));
                continue;
            }
            this.orphanBackups.set(orphan.dbId, backup.value);
            problem(string.format(
                "database '%s' has NO DATABASE CORE: %s its %d unit(s); they were written to the backup %s. To restore: place a Database Core for '%s', then run: dbio restore %s %s",
                orphan.dbId, notIn, orphan.units, backup.value, orphan.dbId, backup.value, orphan.dbId,
            ));
            if (orphan.problem !== undefined) problem(orphan.problem);
        }
    }

    confirmSave(): void {
        if (!this.authority) return;
        const committed = this.store.confirmCommit();
        if (committed.length === 0) return;
        this.lastSave = string.format("%.0f s after start", this.now());
        info(string.format("saved: %d database(s) committed", committed.length));
        this.committed.emit(committed);
    }

    rollback(reason: string): void {
        if (!this.authority) return;
        this.store.rollback(reason);
        info("rolled back to the last save: " + reason);
        this.rolledBack.emit(reason);
    }

    private writeThrough(dbId: string): void {
        if (this.writingThrough) return;
        this.writingThrough = true;
        const [success, err] = pcall(() => {
            const captured = this.store.captureOne(dbId);
            if (captured !== undefined) this.writeCaptured([captured], false);
        });
        this.writingThrough = false;
        if (!success) problem(string.format("write-through of '%s' failed: %s", dbId, err));
    }

    /** On Lua stop: put Working into the live cores (memory only) so a reloadlua loses nothing. */
    private flushIntoLiveCores(): void {
        if (!this.authority) return;
        this.phases.stop();
        const captured = this.store.captureVolatile();
        for (const blob of captured) {
            const core = this.cores.get(blob.anchorId);
            if (core !== undefined && !core.item.Removed) writeBlob(core.item, blob.blob);
        }
        this.backUpOrphans("stop");
    }

    private attachNewCores(): void {
        if (this.newCores.isEmpty()) return;
        for (const [id, item] of this.newCores) {
            this.newCores.delete(id);
            if (item.Removed || this.cores.has(id)) continue;
            const core = coreOf(item);
            this.cores.set(id, core);
            const result = this.store.attachAnchor({ anchorId: id, dbId: core.dbId, blob: readBlob(item) });
            info(result.message);
        }
    }

    private onItemRemoved(item: Item): void {
        if (!isCore(item)) return;
        this.newCores.delete(item.ID);
        if (Submarine.Unloading) return; // the round is unloading: the save already holds it
        const removed = this.cores.get(item.ID);
        if (removed === undefined) return;
        this.cores.delete(item.ID);
        const readOnly = this.store.databaseOfAnchor(item.ID)?.readOnlyReason !== undefined;
        const report = this.store.detachAnchor(item.ID);
        if (report === undefined) return;
        if (report.adoptedBy !== undefined) {
            this.adopted(report.dbId, report.lostAnchorId, report.adoptedBy);
            return;
        }
        if (readOnly) this.keepBlobOf(removed, report.dbId, "removedcore");
        problem(string.format(
            "database '%s' lost its Database Core (core %d) and no other core holds it: its %d unit(s) stay usable but new items are refused; until a core is placed every save writes it to a backup file (see dbio status)",
            report.dbId, report.lostAnchorId, report.units,
        ));
    }

    /**
     * An inert core took over. What it carried lost a conflict and was never read; it is about to be
     * overwritten by the live database at the next capture, so it goes to a backup file first.
     */
    private adopted(dbId: string, lostAnchorId: number, successorId: number): void {
        const successor = this.cores.get(successorId);
        if (successor !== undefined) this.keepBlobOf(successor, dbId, "adoptedcore");
        warn(string.format("database '%s' lost core %d; core %d of the same database holds it from now on", dbId, lostAnchorId, successorId));
    }

    /** Writes what a core holds to a backup file, unless it is empty. */
    private keepBlobOf(core: CoreItem, dbId: string, reason: string): void {
        const [readable, blob] = pcall(readBlob, core.item);
        if (!readable || blob === "") return;
        const backup = writeBackup(dbId, blob as string, reason, this.now());
        if (backup.ok) {
            info(string.format("what core %d held for database '%s' was backed up as %s", core.anchorId, dbId, backup.value));
        } else {
            problem(string.format("what core %d held for database '%s' could not be backed up: %s", core.anchorId, dbId, backup.message));
        }
    }

    /** Status lines for every database that has no core: loud, with the way back. */
    orphanStatusLines(): string[] {
        const lines: string[] = [];
        let n = 0;
        for (const orphan of this.store.unanchoredDatabases()) {
            const last = this.orphanBackups.get(orphan.id);
            lines[n] = string.format(
                "database '%s' has NO DATABASE CORE: %d unit(s) are kept this round and every save writes them to a backup file%s; to restore: place a Database Core for '%s', then run: dbio restore <file> %s",
                orphan.id, orphan.units, last === undefined ? "" : " (latest: " + last + ")", orphan.id, orphan.id,
            );
            n++;
        }
        return lines;
    }

    get bindingMode(): BindingMode {
        return this.mode;
    }

    statusLines(): string[] {
        const lines: string[] = [];
        let nLines = 0;
        lines[nLines] = this.mode === "patched"
            ? "save binding: patched (capture, commit" + (SERVER ? ", end-without-save" : "") + ")"
            : "save binding: WRITE-THROUGH FALLBACK (the capture patch is missing; every change is written at once)";
        nLines++;
        for (const patch of this.patches) {
            lines[nLines] = string.format("  patch %s: %s", patch.name, patch.installed ? "installed" : "MISSING (" + (patch.error ?? "?") + ")");
            nLines++;
        }
        lines[nLines] = this.patch("savewritten").installed
            ? "save failure detection: on"
            : "save failure detection: OFF (a save the game fails to write is still committed)";
        nLines++;
        lines[nLines] = "last save: " + this.lastSave;
        nLines++;
        lines[nLines] = this.phases.statusLine();
        nLines++;
        lines[nLines] = string.format("cores tracked: %d", countOf(this.cores));
        nLines++;
        if (this.lastRebuild !== undefined) {
            for (const line of this.lastRebuild.messages) { lines[nLines] = "  " + line; nLines++; }
        }
        return lines;
    }

    trackedCores(): CoreItem[] {
        const list: CoreItem[] = [];
        let nList = 0;
        for (const [, core] of this.cores) { list[nList] = core; nList++; }
        table.sort(list, (a, b) => a.anchorId < b.anchorId);
        return list;
    }
}

function countOf<K extends AnyNotNil, V>(map: LuaMap<K, V>): number {
    let n = 0;
    for (const [_k] of map) n++;
    return n;
}
