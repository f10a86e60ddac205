/**
 * Binds the database store to the game's round lifecycle (design.md "Round lifecycle").
 *
 * - capture: a Before patch on Submarine.SaveToXElement, which the game runs when it captures the
 *   submarine for a save. Open leases are reconciled, then Working plus the units still leased
 *   are written into every Database Core, so the captured submarine carries them.
 * - save confirmed: an After patch on SaveUtil.SaveGame: Committed <- the pending capture.
 * - rollback: a Before patch on GameServer.EndGame with wasSaved == false (server only).
 * - every round start: rebuild Working and Committed from the cores of the loaded submarine; the
 *   save is the truth, memory is a cache.
 * - round end: stop automation, close views; no data decision (it fires after the file is written
 *   on a server and before the capture in singleplayer).
 * - stop (reloadlua, quitting): the live cores get Working written into them (memory only, no
 *   file), so a `reloadlua` in the middle of a round rebuilds exactly what was there. A quit or a
 *   server stop discards the world, so this writes nothing that could reach a save.
 *
 * If the capture patch cannot be installed, the binding falls back to writing Working into the
 * cores after every change (write-through), which never loses or duplicates at the cost of an
 * encode per change; status says so loudly.
 */
import type { DatabaseStore } from "../core/store";
import type { RebuildReport } from "../core/lifecycle";
import { findCores, readBlob, writeBlob, CoreItem, isCore, coreOf } from "./cores";
import { Signal } from "./events";
import { info, problem, warn } from "./log";
import { writeBackup } from "./backups";

export type BindingMode = "patched" | "write-through";

interface PatchState {
    readonly name: string;
    installed: boolean;
    error?: string;
}

const PATCH_PREFIX = "databaseio.";

export class LifecycleBinding {
    readonly beforeCapture = new Signal<string>();
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

    constructor(
        private readonly store: DatabaseStore,
        private readonly now: (this: void) => number,
        private readonly authority: boolean,
    ) {}

    install(): void {
        this.tryPatch("capture", "Barotrauma.Submarine", "SaveToXElement", ["System.Xml.Linq.XElement"], () => {
            this.capture("save");
        }, Hook.HookMethodType.Before);
        this.tryPatch("commit", "Barotrauma.SaveUtil", "SaveGame", undefined, () => {
            this.confirmSave();
        }, Hook.HookMethodType.After);
        if (SERVER) {
            this.tryPatch("endgame", "Barotrauma.Networking.GameServer", "EndGame", undefined, (_instance, ptable) => {
                if (ptable.wasSaved !== true) this.rollback("the round ended without a save");
            }, Hook.HookMethodType.Before);
        }
        const capturePatch = this.patches[0];
        if (!capturePatch.installed) {
            this.mode = "write-through";
            problem("the save capture patch could not be installed (" + (capturePatch.error ?? "?") + ").");
            problem("Falling back to write-through: every change is written into the Database Cores at once.");
            this.store.subscribe("databaseio.writethrough", (event) => {
                this.writeThrough(event.db);
            });
        }
        // A multiplayer round end stores the players' inventories (SavePlayers) after EndRound and
        // before the capture: book what was taken from terminal pages first, so no item reaches
        // a save both carrying a page marker and booked as taken. Without the capture patch this
        // is also the reconcile the write-through then puts into the cores.
        this.tryPatch("endround", "Barotrauma.GameSession", "EndRound", undefined, () => {
            this.beforeCapture.emit("round end");
        }, Hook.HookMethodType.Before);

        Hook.Add("roundStart", PATCH_PREFIX + "roundStart", () => {
            this.rebuild("round start");
        });
        Hook.Add("roundEnd", PATCH_PREFIX + "roundEnd", () => {
            this.roundEnded.emit("round end");
        });
        Hook.Add("stop", PATCH_PREFIX + "stop", () => {
            this.flushIntoLiveCores();
        });
        Hook.Add("item.created", PATCH_PREFIX + "coreCreated", (item: Item) => {
            if (isCore(item)) this.newCores.set(item.ID, item);
        });
        Hook.Add("item.removed", PATCH_PREFIX + "coreRemoved", (item: Item) => {
            this.onItemRemoved(item);
        });
        Hook.Add("item.readPropertyChange", PATCH_PREFIX + "protectCore", (item: Item) => {
            // Players must never edit the stored database (it is an InGameEditable property).
            if (isCore(item)) return true;
            return undefined;
        });
        Hook.Add("think", PATCH_PREFIX + "newCores", () => {
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
        const state: PatchState = { name: className + "." + method, installed: false };
        this.patches.push(state);
        const wrapped: PatchCallback = (instance, ptable) => {
            const [success, err] = pcall(fn, instance, ptable);
            if (!success) problem(string.format("%s handler failed: %s", name, err));
        };
        const [success, err] = pcall(() => {
            if (params !== undefined) {
                Hook.Patch(PATCH_PREFIX + name, className, method, params, wrapped, hookType);
            } else {
                Hook.Patch(PATCH_PREFIX + name, className, method, wrapped, hookType);
            }
        });
        state.installed = success;
        if (!success) {
            state.error = string.format("%s", err);
            warn(string.format("cannot patch %s: %s", state.name, state.error));
        }
    }

    /** Reads every core of the loaded submarine and rebuilds Committed and Working from them. */
    rebuild(reason: string): RebuildReport {
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
        this.beforeCapture.emit(reason);
        const captured = this.store.capture();
        this.writeCaptured(captured, true);
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
        for (const orphan of this.store.unanchoredDatabases()) {
            problem(string.format("database '%s' has no Database Core: its %d unit(s) will not be saved", orphan.id, orphan.units));
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
        this.beforeCapture.emit("stop");
        const captured = this.store.captureVolatile();
        for (const blob of captured) {
            const core = this.cores.get(blob.anchorId);
            if (core !== undefined && !core.item.Removed) writeBlob(core.item, blob.blob);
        }
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
        if (!this.cores.has(item.ID)) return;
        this.cores.delete(item.ID);
        const message = this.store.detachAnchor(item.ID);
        if (message !== undefined) warn(message);
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
        lines[nLines] = "last save confirmed: " + this.lastSave;
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
