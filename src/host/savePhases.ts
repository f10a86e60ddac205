/**
 * Save phases (design.md "Save steps freeze devices"): the one place that says when devices may
 * act around a save, and in which order what they have in flight is settled.
 *
 *   running  -> devices accept, store, spawn and take.
 *   settling -> the first step of a save path came: every settle step below runs, in this order.
 *   frozen   -> from then until the next round starts (or, for a save whose round goes on, until
 *               the game updates again) no device accepts, stores, spawns or takes.
 *   running  -> thawed.
 *
 * The first save step is whichever of these the game reaches first on its path (each is a Before
 * patch in lifecycle.ts; the call orders are the game's, see design.md "Round lifecycle"):
 * - MultiPlayerCampaign.SavePlayers (server): the players' inventories are stored. A level
 *   transition (MultiPlayerCampaign.DoLevelTransition) runs EndRound, SavePlayers, one more update,
 *   then the capture; "save & quit" (GameServer ManageRound) runs SavePlayers, HandleSaveAndQuit,
 *   the capture.
 * - GameSession.EndRound: a transition's first step in both modes (singleplayer:
 *   SinglePlayerCampaign.DoLevelTransition saves after the fade-out frames).
 * - CampaignMode.HandleSaveAndQuit: singleplayer "Save & Quit" (GameMain.QuitToMainMenu).
 * - the capture itself (Submarine.SaveToXElement, from new SubmarineInfo(sub)) when nothing came
 *   before it: a save in the middle of a round, which the round goes on after. No inventory is
 *   stored before it (singleplayer stores the player's in SaveUtil.SaveGame, after the capture, in
 *   the same update), so it settles as a capture does: queued spawns stay leased and are saved
 *   once as such, and land after the save as usual. The freeze ends when SaveGame returns (or, if
 *   it never does, on the next update).
 *
 * Multiplayer stores the players' inventories before the capture: when SavePlayers returns, the
 * steps run again (reason "players") so what players carry is booked as it was stored.
 *
 * Settling first cleans the text fields players type into (restocker configuration): the field's
 * text is saved with the item, and text typed in the same update as the save has not been read
 * (and cleaned) by the device yet. Then it books what is in flight so the save holds each unit
 * once: terminal pages book what was
 * taken and give up spawns still queued (their units return; a late item is removed again),
 * fabricator pulls and spawner leases (extracts, restocker deliveries) give up their queued spawns
 * the same way, and every item already accepted (queued for removal) is removed now and its record
 * inserted. The capture runs the steps again (reason "capture") for what players moved meanwhile.
 * Lua stopping runs them with reason "stop".
 */
import type { RefusalCode } from "../core/result";
import { info, problem } from "./log";

export type SavePhase = "running" | "settling" | "frozen";

/** The settle steps, in the order they run. */
export const SETTLE_STEPS = ["fields", "pages", "pulls", "spawns", "removals"] as const;
export type SettleStep = (typeof SETTLE_STEPS)[number];

/**
 * Why devices settle: the first save step, the players' inventories just stored (multiplayer
 * SavePlayers returned), the capture, or Lua stopping.
 */
export type SettleReason = "save" | "players" | "capture" | "stop";

type Settler = (this: void, reason: SettleReason) => void;

export const SAVING_CODE: RefusalCode = "saving";
export const SAVING_MESSAGE = "a save is in progress: nothing is stored or taken until the next round starts";

export class SavePhases {
    private current: SavePhase = "running";
    private since = "";
    /** Frozen by a capture with no step before it: the round goes on once that save is over. */
    private midRound = false;
    private readonly settlers = new LuaMap<SettleStep, { name: string; fn: Settler }[]>();

    constructor() {
        for (const step of SETTLE_STEPS) this.settlers.set(step, []);
    }

    /** Registers what `name` settles at `step` (a name registers once per step). */
    on(step: SettleStep, name: string, fn: Settler): void {
        const list = this.settlers.get(step)!;
        for (let i = list.length - 1; i >= 0; i--) {
            if (list[i].name === name) list.splice(i, 1);
        }
        list.push({ name, fn });
    }

    get phase(): SavePhase {
        return this.current;
    }

    /** True from the first save step until the thaw: no device accepts, stores, spawns or takes. */
    get frozen(): boolean {
        return this.current !== "running";
    }

    /** The first step of a save path (later steps of the same save do nothing). */
    saveStep(trigger: string): void {
        if (this.current !== "running") return;
        this.freeze(trigger);
    }

    /**
     * MultiPlayerCampaign.SavePlayers returned: the players' inventories are in the save as they
     * are now. What players carry is settled against that (a page in a carried handheld terminal
     * is booked as SavePlayers stored it). Comes after the first step of the same save.
     */
    playersSaved(): void {
        if (this.current === "running") return;
        this.run("players");
    }

    /** The capture: settles what moved since the first step, or is itself the first step. */
    capture(): void {
        if (this.current === "running") {
            this.current = "settling";
            this.since = "capture";
            this.midRound = true;
            this.run("capture");
            this.current = "frozen";
            return;
        }
        this.run("capture");
    }

    /** SaveUtil.SaveGame returned: a save in the middle of a round is over. */
    saveWritten(): void {
        if (this.midRound && this.current === "frozen") this.thaw("the save is written");
    }

    /** Lua is stopping: everything in flight is settled for the restart. */
    stop(): void {
        this.run("stop");
    }

    /** A round started (rebuilt from its save), or a save the round goes on after is over. */
    thaw(reason: string): void {
        if (this.current === "running") return;
        this.current = "running";
        this.midRound = false;
        info(string.format("devices run again (%s; frozen since %s)", reason, this.since));
    }

    /** think: the game updates again after a save in the middle of a round. */
    think(): void {
        if (this.midRound && this.current === "frozen") this.thaw("the save is over");
    }

    statusLine(): string {
        if (this.current === "running") return "save phase: running";
        return string.format("save phase: %s since %s (devices wait for the next round)", this.current, this.since);
    }

    private freeze(trigger: string): void {
        this.current = "settling";
        this.since = trigger;
        this.midRound = false;
        this.run("save");
        this.current = "frozen";
    }

    private run(reason: SettleReason): void {
        for (const step of SETTLE_STEPS) {
            for (const settler of [...this.settlers.get(step)!]) {
                const [success, err] = pcall(settler.fn, reason);
                if (!success) problem(string.format("settling %s (%s, %s) failed: %s", step, settler.name, reason, err));
            }
        }
    }
}
