/**
 * The client-only GUI surface the panel uses (LuaCs `BarotraumaShared/Lua/DefaultLib/LibClient.lua`
 * exposes the game's GUI classes as `GUI.*`; usage confirmed in published LuaCs mods:
 * `GUI.Frame(GUI.RectTransform(Vector2(w, h), parent.RectTransform, GUI.Anchor.Center))`,
 * `GUI.ListBox(...)` with `.Content.RectTransform`, `GUI.Button(rect, text, GUI.Alignment.Center,
 * "GUIButtonSmall")` with `OnClicked`, `GUI.TextBox` with `OnTextChangedDelegate`, `GUI.DropDown`
 * with `AddItem(text, data)` / `OnSelected`, and `Hook.Patch("Barotrauma.GameScreen",
 * "AddToGUIUpdateList", ...)` to draw a free frame every frame).
 *
 * None of this exists on a server, in the simulated runtime, or before the game's GUI is up: the
 * panel checks for the `GUI` global first and touches nothing otherwise. Not in luacs.d.ts on
 * purpose: src/host never draws.
 * @noSelfInFile
 */

declare interface GuiRectTransform {
    readonly __rect: unique symbol;
}

declare interface GuiComponent {
    readonly RectTransform: GuiRectTransform;
    Visible: boolean;
    CanBeFocused: boolean;
    ToolTip: unknown;
    AddToGUIUpdateList(): void;
}

declare interface GuiTextBlock extends GuiComponent {
    Text: unknown;
}

declare interface GuiButton extends GuiComponent {
    Text: unknown;
    OnClicked: (this: void, button: GuiButton, data: unknown) => boolean;
}

declare interface GuiTextBox extends GuiComponent {
    Text: string;
    OnTextChangedDelegate: (this: void, box: GuiTextBox, text: string) => boolean;
}

declare interface GuiDropDown extends GuiComponent {
    AddItem(text: string, data: unknown): void;
    Select(index: number): void;
    OnSelected: (this: void, component: unknown, data: unknown) => boolean;
}

declare interface GuiListBox extends GuiComponent {
    readonly Content: GuiComponent;
    ClearChildren(): void;
}

declare interface GuiSprite {
    readonly __sprite: unique symbol;
}

declare namespace GUI {
    function RectTransform(relativeSize: Vector2, parent?: GuiRectTransform, anchor?: unknown): GuiRectTransform;
    function Frame(rect: GuiRectTransform, style?: string): GuiComponent;
    function ListBox(rect: GuiRectTransform): GuiListBox;
    function TextBlock(rect: GuiRectTransform, text: string, color?: unknown, font?: unknown, alignment?: unknown): GuiTextBlock;
    function TextBox(rect: GuiRectTransform, text: string): GuiTextBox;
    function Button(rect: GuiRectTransform, text: string, alignment?: unknown, style?: string): GuiButton;
    function DropDown(rect: GuiRectTransform, text: string, elementCount: number, style?: unknown, selectMultiple?: boolean): GuiDropDown;
    function Image(rect: GuiRectTransform, sprite: GuiSprite): GuiComponent;
    const Anchor: { readonly TopRight: unknown; readonly TopLeft: unknown; readonly CenterRight: unknown; readonly Center: unknown; readonly BottomCenter: unknown; readonly CenterLeft: unknown };
    const Alignment: { readonly Center: unknown; readonly CenterLeft: unknown };
}

/** `Vector2(x, y)`: the game's vector constructor (a LuaCs global). */
declare function Vector2(x: number, y: number): Vector2;

declare namespace Character {
    /** The local player's character on a client (nil on a server). */
    const Controlled: Character | undefined;
}

declare interface ItemPrefab {
    /** The icon drawn in inventories (client); may be nil, then Sprite is used. */
    readonly InventoryIcon: GuiSprite | undefined;
    readonly Sprite: GuiSprite | undefined;
}
