/**
 * The client-only GUI surface the panels use. None of this exists on a server, in singleplayer
 * without a GUI, or before the game's GUI is up: the panels check for the `GUI` global first and
 * touch nothing otherwise. Not in luacs.d.ts on purpose: src/host never draws.
 *
 * How LuaCs exposes the game's GUI: its client DefaultLib builds `GUI = { Frame =
 * CreateStatic("Barotrauma.GUIFrame", true), TextBlock = ..."GUITextBlock", Button =
 * ..."GUIButton", TextBox = ..."GUITextBox", DropDown = ..."GUIDropDown", ListBox = ..."GUIListBox",
 * LayoutGroup = ..."GUILayoutGroup", Image = ..."GUIImage", RectTransform = ..."RectTransform",
 * Anchor = CreateStatic("Barotrauma.Anchor"), Alignment = ..."Barotrauma.Alignment", ... }`
 * (LuaCs Lua DefaultLib, client side): calling `GUI.Frame(...)` runs the C# constructor, chosen by
 * MoonSharp among the overloads by the arguments given. `Vector2` is the XNA constructor (LuaCs
 * registers Microsoft.Xna.Framework.Vector2 with a call meta member).
 *
 * Facts each call below relies on (game: FakeFishGames/Barotrauma BarotraumaClient/ClientSource/GUI;
 * LuaCs: its generated Lua annotations of these classes, and LuaCustomConverters.RegisterAll):
 *
 * | used as | C# signature / member | source |
 * |---|---|---|
 * | `GUI.RectTransform(Vector2(w, h), parent \| undefined, anchor)` | `RectTransform(Vector2 relativeSize, RectTransform parent, Anchor anchor = Anchor.TopLeft, Pivot? pivot = null, Point? minSize = null, Point? maxSize = null, ScaleBasis scaleBasis = Normal)`; parent is not optional, nil is accepted (reference type; no parent = relative to the screen) | RectTransform.cs |
 * | `GUI.Frame(rect)` | `GUIFrame(RectTransform rectT, string style = "", Color? color = null)` | GUIFrame.cs |
 * | `GUI.LayoutGroup(rect, isHorizontal)` | `GUILayoutGroup(RectTransform rectT, bool isHorizontal = false, Anchor childAnchor = Anchor.TopLeft)`; `RelativeSpacing` (float) | GUILayoutGroup.cs |
 * | `GUI.TextBlock(rect, text)` | `GUITextBlock(RectTransform rectT, RichString text, Color? textColor = null, GUIFont font = null, Alignment textAlignment = Left, bool wrap = false, string style = "", Color? color = null)`: `text` is required; `Text` is a RichString | GUITextBlock.cs |
 * | `GUI.TextBox(rect, "")` | `GUITextBox(RectTransform rectT, string text = "", Color? textColor = null, GUIFont font = null, Alignment textAlignment = Left, bool wrap = false, string style = "", Color? color = null, bool createClearButton = false, bool createPenIcon = true)`; `OnTextChangedDelegate` is a public setter only (the `OnTextChanged` field is private), type `OnTextChangedHandler(GUITextBox, string) -> bool` | GUITextBox.cs |
 * | `GUI.Button(rect, text, GUI.Alignment.CenterLeft, "GUIButtonSmall")` | `GUIButton(RectTransform rectT, LocalizedString text, Alignment textAlignment = Center, string style = "", Color? color = null)`; `Text` is a LocalizedString; `OnClicked` field `OnClickedHandler(GUIButton, object) -> bool`; style GUIButtonSmall is one the game's own screens use | GUIButton.cs |
 * | `GUI.DropDown(rect, text, count)` | `GUIDropDown(RectTransform rectT, LocalizedString text = null, int elementCount = 4, string style = "", bool selectMultiple = false, bool dropAbove = false, Alignment textAlignment = CenterLeft)`; `AddItem(LocalizedString text, object userData = null, LocalizedString toolTip = null)`; `OnSelected` field `OnSelectedHandler(GUIComponent, object) -> bool` | GUIDropDown.cs |
 * | `GUI.ListBox(rect)` | `GUIListBox(RectTransform rectT, bool isHorizontal = false, Color? color = null, string style = "", bool isScrollBarOnDefaultSide = true, bool useMouseDownToSelect = false)`; `Content` (GUIFrame); `ClearChildren()` | GUIListBox.cs |
 * | `GUI.Image(rect, sprite)` | `GUIImage(RectTransform rectT, Sprite sprite, Rectangle? sourceRect = null, bool scaleToFit = false)` | GUIImage.cs |
 * | `component.Visible`, `.RectTransform`, `.AddToGUIUpdateList()` | GUIComponent: `Visible` get/set, `RectTransform` get, `AddToGUIUpdateList(bool ignoreChildren = false, int order = 0)` | GUIComponent.cs |
 * | `GUI.Anchor.TopLeft/Center/CenterRight/CenterLeft`, `GUI.Alignment.Center/CenterLeft` | enum members of Anchor and Alignment | RectTransform.cs (Anchor), Alignment.cs |
 * | a Lua string where LocalizedString / RichString is expected | `LocalizedString.implicit operator(string)`, `RichString.implicit operator(string)`; the LuaCs MoonSharp fork applies implicit operators (ScriptToClrConversions.HasImplicitConversion) | LocalizedString.cs, RichString.cs; evilfactory/moonsharp |
 * | a Lua function as OnClicked / OnSelected / OnTextChangedDelegate | LuaCs registers converters from Lua functions to GUIButton.OnClickedHandler, GUIDropDown.OnSelectedHandler, GUITextBox.OnTextChangedHandler (the result is read as a bool) | LuaCs LuaCustomConverters.RegisterAll (#if CLIENT) |
 * | `Hook.Patch(..., "Barotrauma.GameScreen", "AddToGUIUpdateList", fn, After)` | the screen rebuilds its GUI update list every frame; a free frame must be added again each time | Screen.AddToGUIUpdateList (GameScreen), LuaCs GUI examples |
 *
 * test/sim/gui.lua simulates exactly these overloads and members (strictly), and
 * test/spec/client_panel_spec.lua draws the panels with it.
 * @noSelfInFile
 */

declare interface GuiRectTransform {
    readonly __rect: unique symbol;
}

declare interface GuiComponent {
    readonly RectTransform: GuiRectTransform;
    Visible: boolean;
    CanBeFocused: boolean;
    AddToGUIUpdateList(ignoreChildren?: boolean, order?: number): void;
}

declare interface GuiFrame extends GuiComponent {
    readonly __frame: unique symbol;
}

declare interface GuiLayoutGroup extends GuiComponent {
    RelativeSpacing: number;
}

declare interface GuiTextBlock extends GuiComponent {
    /** RichString: a Lua string converts. */
    Text: unknown;
}

declare interface GuiButton extends GuiComponent {
    /** LocalizedString: a Lua string converts. */
    Text: unknown;
    OnClicked: (this: void, button: GuiButton, data: unknown) => boolean;
}

declare interface GuiTextBox extends GuiComponent {
    /** Setter only. */
    OnTextChangedDelegate: (this: void, box: GuiTextBox, text: string) => boolean;
}

declare interface GuiDropDown extends GuiComponent {
    AddItem(text: string, data?: unknown): void;
    OnSelected: (this: void, component: unknown, data: unknown) => boolean;
}

declare interface GuiListBox extends GuiComponent {
    readonly Content: GuiFrame;
    ClearChildren(): void;
}

declare interface GuiSprite {
    readonly __sprite: unique symbol;
}

declare interface GuiAnchors {
    readonly TopLeft: unknown;
    readonly CenterRight: unknown;
    readonly Center: unknown;
    readonly BottomCenter: unknown;
    readonly CenterLeft: unknown;
}

declare namespace GUI {
    function RectTransform(relativeSize: Vector2, parent: GuiRectTransform | undefined, anchor?: unknown): GuiRectTransform;
    function Frame(rect: GuiRectTransform, style?: string): GuiFrame;
    function LayoutGroup(rect: GuiRectTransform, isHorizontal?: boolean, childAnchor?: unknown): GuiLayoutGroup;
    function ListBox(rect: GuiRectTransform, isHorizontal?: boolean): GuiListBox;
    function TextBlock(rect: GuiRectTransform, text: string): GuiTextBlock;
    function TextBox(rect: GuiRectTransform, text?: string): GuiTextBox;
    function Button(rect: GuiRectTransform, text: string, alignment?: unknown, style?: string): GuiButton;
    function DropDown(rect: GuiRectTransform, text?: string, elementCount?: number): GuiDropDown;
    function Image(rect: GuiRectTransform, sprite: GuiSprite): GuiComponent;
    const Anchor: GuiAnchors;
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
