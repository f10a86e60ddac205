/**
 * A small frame beside a fed fabricator's own menu: one line per ingredient ("have at hand /
 * need, database has N") and a Fill button that sends `databaseio.fab.fill`. A thin layer over
 * FabricatorModel: it redraws when the model says so and turns itself off (the network side keeps
 * working) if the game's GUI refuses anything. Built only when the GUI globals exist (hasGui).
 */
import type { FabricatorClient } from "./fabricatorClient";
import type { FabRow } from "./fabricatorModel";
import { addPatch, guardedOr } from "./game";

function rowText(row: FabRow): string {
    if (!row.usable && row.missing > 0) return string.format("%s  %d/%d  (not from a database)", row.label, row.atHand, row.need);
    const mark = row.missing === 0 ? "ok" : row.enough ? "database has it" : "short";
    return string.format("%s  %d/%d  database: %d  (%s)", row.label, row.atHand, row.need, row.inDatabase, mark);
}

export class FabricatorPanel {
    private disabled = false;
    private frame: GuiComponent | undefined;
    private list: GuiListBox | undefined;
    private status: GuiTextBlock | undefined;
    private button: GuiButton | undefined;
    private wasFillable = false;

    constructor(private readonly client: FabricatorClient, private readonly now: (this: void) => number) {}

    update(): void {
        if (this.disabled) return;
        const [success, err] = pcall(() => this.step());
        if (!success) {
            this.disabled = true;
            print(string.format("[DatabaseIO] the fabricator panel is off: %s", type(err) === "string" ? err : "GUI error"));
        }
    }

    private step(): void {
        const model = this.client.model;
        const state = model.state();
        if (state === "idle" && this.frame === undefined) return;
        this.ensureFrame();
        this.frame!.Visible = state !== "idle";
        const fillable = model.canFill(this.now());
        if (!model.takeDirty() && fillable === this.wasFillable) return;
        this.wasFillable = fillable;
        this.button!.Visible = state === "ready";
        this.button!.Text = fillable ? string.format("Fill from database (%d)", model.missingUnits()) : "Fill from database";
        this.status!.Text = this.statusText();
        const list = this.list!;
        list.ClearChildren();
        for (const row of model.rows()) {
            GUI.TextBlock(GUI.RectTransform(Vector2(1, 0.12), list.Content.RectTransform), rowText(row));
        }
    }

    private statusText(): string {
        const model = this.client.model;
        const state = model.state();
        if (state === "waiting") return "asking the database...";
        if (state === "refused") return model.text();
        if (model.busy()) return "ingredients are on their way";
        if (model.missingUnits() === 0) return string.format("database '%s': everything is at hand", model.text());
        return string.format("database '%s': %d unit(s) missing", model.text(), model.missingUnits());
    }

    private ensureFrame(): void {
        if (this.frame !== undefined) return;
        const frame = GUI.Frame(GUI.RectTransform(Vector2(0.2, 0.3), undefined, GUI.Anchor.CenterLeft));
        this.status = GUI.TextBlock(GUI.RectTransform(Vector2(1, 0.12), frame.RectTransform, GUI.Anchor.TopLeft), "");
        this.list = GUI.ListBox(GUI.RectTransform(Vector2(1, 0.7), frame.RectTransform, GUI.Anchor.Center));
        const button = GUI.Button(GUI.RectTransform(Vector2(1, 0.14), frame.RectTransform, GUI.Anchor.BottomCenter), "Fill from database", GUI.Alignment.Center, "GUIButtonSmall");
        button.OnClicked = guardedOr("fabricator panel button", true, () => {
            this.client.fill();
            return true;
        });
        this.button = button;
        this.frame = frame;
        addPatch("databaseio.client.fabricatorpanel", "Barotrauma.GameScreen", "AddToGUIUpdateList", undefined, () => {
            if (this.frame !== undefined && this.frame.Visible) this.frame.AddToGUIUpdateList();
        }, Hook.HookMethodType.After);
    }
}
