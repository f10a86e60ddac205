/**
 * The panel beside a terminal: a thin GUI over PanelModel. It follows the terminal the local
 * character has selected (or holds), subscribes while it does, and redraws only what the model
 * marks dirty. Every GUI call is guarded: if the game's GUI refuses something, the panel turns
 * itself off and the sync keeps working.
 */
import type { SyncClient } from "./stream";
import type { PanelModel, PanelRow, PanelSort } from "./model";
import { PANEL_SORTS } from "./model";
import { addPatch, guardedOr, identifierOf, itemPrefab } from "./game";
import { isTerminalIdentifier } from "../protocol/devices";

/** Only this many rows get GUI elements; the search narrows the rest. */
const MAX_DRAWN = 150;
/** MapEntityCategory flags offered as filters (the game's enum values). */
const CATEGORIES: readonly [string, number][] = [
    ["All", 0], ["Material", 1024], ["Equipment", 64], ["Medical", 8], ["Weapon", 16], ["Diving", 32],
    ["Fuel", 128], ["Electrical", 256], ["Machine", 4], ["Misc", 32768],
];

export function hasGui(): boolean {
    const g = _G as unknown as { [name: string]: unknown };
    return CLIENT && rawget(g, "GUI") !== undefined && rawget(g, "Vector2") !== undefined;
}

function rowText(row: PanelRow): string {
    const quality = row.quality > 0 ? string.format(" (Q%d)", row.quality) : "";
    const condition = row.exact > 0 ? string.format("  [%d damaged/special, worst %.0f%%]", row.exact, row.worst) : "";
    return string.format("%s%s  x%d%s", row.name, quality, row.amount, condition);
}

function terminalInUse(): Item | undefined {
    const me = Character.Controlled;
    if (me === undefined || me.IsDead) return undefined;
    const selected = me.SelectedItem;
    if (selected !== undefined && isTerminalIdentifier(identifierOf(selected))) return selected;
    return undefined;
}

interface Drawn {
    readonly button: GuiButton;
}

export class PanelGui {
    private disabled = false;
    private terminal: number | undefined = undefined;
    private frame: GuiFrame | undefined;
    private list: GuiListBox | undefined;
    private status: GuiTextBlock | undefined;
    private drawn = new LuaMap<string, Drawn>();
    private model: PanelModel | undefined;

    constructor(private readonly client: SyncClient) {}

    /** Every update: follow the selected terminal, then redraw what changed. */
    update(): void {
        if (this.disabled) return;
        const [success, err] = pcall(() => this.step());
        if (!success) {
            this.disabled = true;
            print(string.format("[DatabaseIO] the terminal panel is off: %s", type(err) === "string" ? err : "GUI error"));
        }
    }

    private step(): void {
        const item = terminalInUse();
        const id = item === undefined ? undefined : item.ID;
        if (id !== this.terminal) {
            if (this.terminal !== undefined) this.client.close(this.terminal);
            this.terminal = id;
            this.model = id === undefined ? undefined : this.client.open(id);
            this.ensureFrame();
            this.frame!.Visible = id !== undefined;
            this.redrawAll();
        }
        if (this.terminal === undefined || this.model === undefined) return;
        const info = this.client.info(this.terminal);
        this.status!.Text = info === undefined ? "" : this.statusText(info.state, info.db, info.reason, info.reply);
        const dirty = this.model.takeDirty();
        if (dirty.list) {
            this.redrawAll();
        } else {
            for (const key of dirty.keys) {
                const drawn = this.drawn.get(key);
                const row = this.model.row(key);
                if (drawn !== undefined && row !== undefined) drawn.button.Text = rowText(row);
            }
        }
    }

    private statusText(state: string, db: string, reason: string, reply: { ok: boolean; text: string } | undefined): string {
        if (state === "closed") return reason;
        const model = this.model!;
        const head = string.format("%s: %d kinds, %d units%s", db, model.size(), model.totalUnits(), state === "live" ? "" : " (updating)");
        return reply === undefined ? head : head + " - " + reply.text;
    }

    /**
     * One frame at the right of the screen; inside it a vertical GUILayoutGroup stacks the
     * status line, the search box, a row with the two drop-downs and the list, so no control is
     * drawn over another (RectTransform places siblings by anchor only; GUILayoutGroup stacks
     * them: ClientSource/GUI/GUILayoutGroup.cs). Constructor overloads: see gui.d.ts.
     */
    private ensureFrame(): void {
        if (this.frame !== undefined) return;
        const frame = GUI.Frame(GUI.RectTransform(Vector2(0.25, 0.6), undefined, GUI.Anchor.CenterRight));
        const content = GUI.LayoutGroup(GUI.RectTransform(Vector2(0.95, 0.95), frame.RectTransform, GUI.Anchor.Center), false);
        content.RelativeSpacing = 0.01;
        this.status = GUI.TextBlock(GUI.RectTransform(Vector2(1, 0.05), content.RectTransform), "");
        const search = GUI.TextBox(GUI.RectTransform(Vector2(1, 0.06), content.RectTransform), "");
        search.OnTextChangedDelegate = guardedOr("client panel search", true, (_box: GuiTextBox, text: string) => {
            this.model?.setSearch(text);
            return true;
        });
        const controls = GUI.LayoutGroup(GUI.RectTransform(Vector2(1, 0.06), content.RectTransform), true);
        const sort = GUI.DropDown(GUI.RectTransform(Vector2(0.5, 1), controls.RectTransform), "Sort", PANEL_SORTS.length * 2);
        for (const mode of PANEL_SORTS) {
            sort.AddItem(mode + " ^", mode + ":asc");
            sort.AddItem(mode + " v", mode + ":desc");
        }
        sort.OnSelected = guardedOr("client panel sort", true, (_c: unknown, data: unknown) => {
            const text = type(data) === "string" ? (data as string) : "name:asc";
            const [mode] = string.match(text, "^([^:]*)") as LuaMultiReturn<[PanelSort]>;
            this.model?.setSort(mode, string.sub(text, -4) === "desc");
            return true;
        });
        const category = GUI.DropDown(GUI.RectTransform(Vector2(0.5, 1), controls.RectTransform), "Category", CATEGORIES.length);
        for (const [label, flag] of CATEGORIES) category.AddItem(label, flag);
        category.OnSelected = guardedOr("client panel category", true, (_c: unknown, data: unknown) => {
            this.model?.setCategory(type(data) === "number" ? (data as number) : 0);
            return true;
        });
        this.list = GUI.ListBox(GUI.RectTransform(Vector2(1, 0.78), content.RectTransform));
        this.frame = frame;
        addPatch("databaseio.client.panel", "Barotrauma.GameScreen", "AddToGUIUpdateList", undefined, () => {
            if (this.frame !== undefined && this.frame.Visible) this.frame.AddToGUIUpdateList();
        }, Hook.HookMethodType.After);
    }

    private redrawAll(): void {
        const list = this.list!;
        list.ClearChildren();
        this.drawn = new LuaMap();
        const model = this.model;
        if (model === undefined || this.terminal === undefined) return;
        const rows = model.visible();
        const terminal = this.terminal;
        const count = math.min(rows.length, MAX_DRAWN);
        for (let i = 0; i < count; i++) {
            const row = rows[i];
            const key = row.key;
            // One row: the icon beside the button, never over its text (a horizontal group).
            const line = GUI.LayoutGroup(GUI.RectTransform(Vector2(1, 0.06), list.Content.RectTransform), true);
            const sprite = iconOf(row.identifier);
            if (sprite !== undefined) GUI.Image(GUI.RectTransform(Vector2(0.08, 1), line.RectTransform), sprite);
            const width = sprite === undefined ? 1 : 0.92;
            const button = GUI.Button(GUI.RectTransform(Vector2(width, 1), line.RectTransform), rowText(row), GUI.Alignment.CenterLeft, "GUIButtonSmall");
            // A click asks the server; the server decides what the page shows.
            button.OnClicked = guardedOr("client panel button", true, () => {
                this.client.bring(terminal, key);
                return true;
            });
            this.drawn.set(key, { button });
        }
        if (rows.length > count) {
            GUI.TextBlock(GUI.RectTransform(Vector2(1, 0.05), list.Content.RectTransform), string.format("%d more - search to narrow", rows.length - count));
        }
    }
}

/** The item's inventory icon, else its sprite; undefined when the game has neither (or refuses). */
function iconOf(identifier: string): GuiSprite | undefined {
    const [success, sprite] = pcall(() => {
        const prefab = itemPrefab(identifier);
        return prefab === undefined ? undefined : prefab.InventoryIcon ?? prefab.Sprite;
    });
    return success ? sprite : undefined;
}
