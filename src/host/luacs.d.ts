/**
 * The part of the LuaCsForBarotrauma / Barotrauma API that Database IO touches.
 *
 * This file is the contract between `src/host` (the only code that may use these globals) and the
 * simulated runtime in `test/sim`, which implements exactly this surface with the same call
 * conventions. Sources: ../shared/reference/luacs-api.md.
 *
 * Conventions (see docs/platform.md):
 * - globals, namespaces and static classes are called with `.` (this: void);
 * - C# instance members are called with `:` (TSTL's default for interface methods), which
 *   MoonSharp accepts for CLR methods;
 * - C# lists that LuaCs converts are 1-based Lua tables (declared as arrays); enumerables that stay
 *   userdata are declared LuaIterable.
 * @noSelfInFile
 */

declare const SERVER: boolean;
declare const CLIENT: boolean;

declare type HookMethodType = number & { readonly __hookMethodType: unique symbol };

/**
 * LuaCsHook.ParameterTable (LuaCsForBarotrauma SharedSource/LuaCs/LuaCsHook.cs): its members only.
 * The arguments sit behind its string indexer, which MoonSharp reaches through a bracket index
 * alone: read and write them with patchArg / setPatchArg (host/patchArgs.ts), never by name.
 */
declare interface PatchParams {
    PreventExecution: boolean;
    ReturnValue: unknown;
    readonly OriginalReturnValue: unknown;
    readonly __parameterTable: unique symbol;
}

/**
 * A Hook.Patch callback. Returning any value (even nil) replaces the method's return value, so
 * callbacks must end without a return statement unless they mean it.
 */
declare type PatchCallback = (this: void, instance: unknown, ptable: PatchParams) => void;

declare namespace Hook {
    const HookMethodType: { readonly Before: HookMethodType; readonly After: HookMethodType };
    function Add(eventName: string, id: string, fn: (this: void, ...args: any[]) => unknown): void;
    function Remove(eventName: string, id: string): void;
    function Call(eventName: string, ...args: unknown[]): unknown;
    /** Throws (a string) when the class or method cannot be resolved. */
    function Patch(id: string, className: string, methodName: string, paramTypes: string[], fn: PatchCallback, hookType?: HookMethodType): string;
    function Patch(id: string, className: string, methodName: string, fn: PatchCallback, hookType?: HookMethodType): string;
    function RemovePatch(id: string, className: string, methodName: string, hookType: HookMethodType): boolean;
}

declare interface Vector2 { readonly X: number; readonly Y: number }

declare interface Identifier {
    readonly Value: string;
}

declare interface ItemPrefab {
    readonly Identifier: Identifier;
    readonly Name: LocalizedString;
    readonly Category: number;
    readonly Tags: LuaIterable<Identifier>;
    readonly MaxStackSize: number;
    /** The prefab's max condition (spawn conditions are absolute values). */
    readonly Health: number;
}

declare interface LocalizedString { readonly Value: string }

declare namespace ItemPrefab {
    /**
     * By display name first, then by identifier (LuaCs LuaBarotraumaAdditions.cs): never use it
     * for an identifier, use itemPrefab (host/itemPrefabs.ts). nil when nothing matches.
     */
    function GetItemPrefab(nameOrIdentifier: string): ItemPrefab | undefined;
}

declare interface Submarine {
    readonly Info: { readonly Name: string };
}

declare namespace Submarine {
    const MainSub: Submarine | undefined;
    /** True while Submarine.Unload removes every item at the end of a round (item.removed fires for each). */
    const Unloading: boolean;
}

declare interface Character {
    readonly Name: string;
    readonly IsDead: boolean;
    readonly ID: number;
    readonly WorldPosition: Vector2;
    readonly SelectedItem: Item | undefined;
    /** A selected item other than a device (a ladder, a chair): Character.SelectedSecondaryItem. */
    readonly SelectedSecondaryItem: Item | undefined;
    readonly Inventory: Inventory;
}

declare interface Client {
    readonly Name: string;
    readonly SessionId: number;
    readonly Connection: NetworkConnection;
    readonly Character: Character | undefined;
    HasPermission(permission: number): boolean;
}

declare interface NetworkConnection { readonly __connection: unique symbol }

declare namespace Client {
    const ClientList: Client[];
}

declare interface ItemComponent {
    readonly Name: string;
    readonly Item: Item;
}

declare interface ItemContainer extends ItemComponent {
    readonly Inventory: ItemInventory;
    readonly Capacity: number;
}

declare interface MemoryComponent extends ItemComponent {
    /** Saved with the item. The setter truncates to MaxValueLength except while a sub loads. */
    Value: string;
    readonly MaxValueLength: number;
}

/** Text drawn on the item; saved with it. Network edits are cut to 100 characters. */
declare interface ItemLabel extends ItemComponent {
    Text: string;
}

declare interface Powered extends ItemComponent {
    readonly Voltage: number;
    readonly MinVoltage: number;
    readonly HasPower: boolean;
}

declare interface Inventory {
    /** The entity (item or character) the inventory belongs to (Inventory.Owner); compare by ID. */
    readonly Owner: { readonly ID: number } | undefined;
    readonly Capacity: number;
    readonly AllItems: LuaIterable<Item>;
    /** Safe copy of every item (1-based table). */
    readonly AllItemsMod: Item[];
    TryPutItem(item: Item, user: Character | undefined, allowedSlots?: unknown, createNetworkEvent?: boolean, ignoreCondition?: boolean): boolean;
    TryPutItem(item: Item, slotIndex: number, allowSwapping: boolean, allowCombine: boolean, user: Character | undefined, createNetworkEvent?: boolean, ignoreCondition?: boolean): boolean;
    CanBePut(item: Item): boolean;
    CanBePutInSlot(item: Item, slot: number, ignoreCondition?: boolean): boolean;
    /** First item in the slot (0-based). */
    GetItemAt(slot: number): Item | undefined;
    /** Every item in the slot (0-based), as a 1-based table. */
    GetItemsAt(slot: number): Item[];
    FindIndex(item: Item): number;
    IsEmpty(): boolean;
    RemoveItem(item: Item): void;
}

/** CustomInterface elements (buttons, text fields): a text field's `Signal` is what a player typed. */
declare interface CustomInterfaceElement {
    readonly Label: string;
    Signal: string;
    readonly MaxTextLength: number;
}

/**
 * Barotrauma.SerializableProperty (SerializableProperty.cs: `public readonly string Name`): the
 * property an `item.readPropertyChange` edit is about.
 */
declare interface SerializableProperty {
    readonly Name: string;
}

declare interface CustomInterface extends ItemComponent {
    /** A fresh 1-based table (made accessible by LuaCs RegisterShared.lua). */
    readonly customInterfaceElementList: CustomInterfaceElement[];
}

/** Terminal labels: the component's properties, to sync a changed Text to clients. */
declare interface ItemLabel {
    /** Dictionary<Identifier, SerializableProperty>, used to sync a changed property to clients. */
    readonly SerializableProperties: LuaTable<AnyNotNil, unknown>;
}

declare interface ItemInventory extends Inventory {
    readonly Container: ItemContainer;
}

declare interface Item {
    /** ushort entity id: key tables by this, never by the userdata itself. */
    readonly ID: number;
    readonly Prefab: ItemPrefab;
    readonly Name: string;
    Condition: number;
    readonly MaxCondition: number;
    readonly ConditionPercentage: number;
    readonly IsFullCondition: boolean;
    Quality: number;
    Tags: string;
    readonly Removed: boolean;
    readonly WorldPosition: Vector2;
    readonly Submarine: Submarine | undefined;
    readonly OwnInventory: ItemInventory | undefined;
    /** One inventory per ItemContainer component, in component order (1-based table). */
    readonly OwnInventories: ItemInventory[];
    readonly ParentInventory: Inventory | undefined;
    readonly Container: Item | undefined;
    StolenDuringRound: boolean;
    AllowStealing: boolean;
    readonly Illegitimate: boolean;
    OriginalOutpost: string;
    Description: string;
    /** Immediate, unsynced removal: only for items that must not reach a save (use the remove queue otherwise). */
    Remove(): void;
    HasTag(tag: string): boolean;
    AddTag(tag: string): void;
    ReplaceTag(tag: string, newTag: string): void;
    GetComponentString(componentName: "ItemContainer"): ItemContainer | undefined;
    GetComponentString(componentName: "MemoryComponent"): MemoryComponent | undefined;
    GetComponentString(componentName: "Powered"): Powered | undefined;
    GetComponentString(componentName: "CustomInterface"): CustomInterface | undefined;
    GetComponentString(componentName: "ItemLabel"): ItemLabel | undefined;
    GetComponentString(componentName: string): ItemComponent | undefined;
}

declare namespace Item {
    /**
     * Property sync to clients (terminal labels): `new Item.ChangePropertyEventData(property, entity)`
     * is callable from Lua. Not simulated: callers must pcall it (see features/terminal/label.ts).
     */
    function ChangePropertyEventData(property: unknown, entity: unknown): unknown;
    /** Converted to a fresh Lua table on every access: O(n), never call it per tick. */
    const ItemList: Item[];
}

declare interface EntitySpawner {
    AddItemToSpawnQueue(prefab: ItemPrefab, inventory: Inventory, condition?: number, quality?: number, onSpawned?: (this: void, item: Item) => void, spawnIfInventoryFull?: boolean): void;
    AddItemToSpawnQueue(prefab: ItemPrefab, position: Vector2, condition?: number, quality?: number, onSpawned?: (this: void, item: Item) => void): void;
    AddEntityToRemoveQueue(item: Item): void;
    AddItemToRemoveQueue(item: Item): void;
}

declare namespace Entity {
    const Spawner: EntitySpawner;
    /**
     * The entity (item, character, ...) with this ushort id, nil when there is none. Static
     * `Entity.FindEntityByID(ushort)` of the game (used by sync to find a client's terminal).
     */
    function FindEntityByID(id: number): unknown;
}

declare interface IWriteMessage {
    WriteBoolean(v: boolean): void;
    WriteByte(v: number): void;
    WriteUInt16(v: number): void;
    WriteInt32(v: number): void;
    WriteUInt32(v: number): void;
    WriteVariableUInt32(v: number): void;
    WriteDouble(v: number): void;
    WriteString(v: string): void;
}

declare interface IReadMessage {
    ReadBoolean(): boolean;
    ReadByte(): number;
    ReadUInt16(): number;
    ReadInt32(): number;
    ReadUInt32(): number;
    ReadVariableUInt32(): number;
    ReadDouble(): number;
    ReadString(): string;
}

/** `Identifier("Text")`: builds a game Identifier (used to look up a serializable property). Not simulated. */
declare function Identifier(value: string): unknown;

declare namespace Networking {
    /** Server: sends an entity event (e.g. a property change) to clients. Not simulated: pcall it. */
    function CreateEntityEvent(entity: Item, data: unknown): void;
    function Start(name: string): IWriteMessage;
    function Receive(name: string, fn: (this: void, msg: IReadMessage, client: Client | undefined) => void): void;
    /** Server: broadcast, or to one connection. Client: to the server. */
    function Send(msg: IWriteMessage, connection?: NetworkConnection): void;
}

declare interface GameSession {
    readonly Campaign: unknown;
    readonly RoundDuration: number;
}

declare namespace Game {
    const IsMultiplayer: boolean;
    const IsSingleplayer: boolean;
    const IsDedicated: boolean;
    const SaveFolder: string;
    const GameSession: GameSession | undefined;
    const RoundStarted: boolean;
    function AddCommand(name: string, help: string, onExecute: (this: void, args: string[]) => void, getValidArgs?: unknown, isCheat?: boolean): void;
    function RemoveCommand(name: string): void;
    function AssignOnClientRequestExecute(names: string, onExecute: (this: void, client: Client, cursor: Vector2, args: string[]) => void): void;
}

/**
 * Chat messages to players (vanilla clients included). Confirmed in LuaCsForBarotrauma
 * `SharedSource/LuaCs/Lua/LuaClasses/LuaGame.cs` (server-only `Game.SendDirectChatMessage(sendername,
 * text, sender, messageType, client)`, client-only `Game.ChatBox`) and the game's
 * `ChatMessage.Create(senderName, text, type, sender)`; both enums and ChatMessage are LuaCs globals.
 */
declare type ChatMessageTypeValue = number & { readonly __chatMessageType: unique symbol };

declare namespace ChatMessageType {
    const Default: ChatMessageTypeValue;
    const Error: ChatMessageTypeValue;
    const Server: ChatMessageTypeValue;
    const ServerMessageBox: ChatMessageTypeValue;
}

declare interface ChatMessage {
    readonly Text: string;
}

declare namespace ChatMessage {
    function Create(senderName: string, text: string, type: ChatMessageTypeValue, sender: Character | undefined): ChatMessage;
}

declare interface ChatBox {
    AddMessage(message: ChatMessage): void;
}

declare namespace Game {
    /** Server only: a chat line to one client (undefined on a client or in singleplayer). */
    const SendDirectChatMessage: ((this: void, senderName: string, text: string, sender: Character | undefined, type: ChatMessageTypeValue, client: Client) => void) | undefined;
    /** Client and singleplayer only: the local chat box (reading it on a server fails). */
    const ChatBox: ChatBox | undefined;
}

declare namespace File {
    /** Every File function throws (a string) for a path outside the allowed folders. */
    function Read(path: string): string;
    function Write(path: string, text: string): void;
    function Exists(path: string): boolean;
    function Delete(path: string): void;
    function CreateDirectory(path: string): boolean;
    function DirectoryExists(path: string): boolean;
    function GetFiles(path: string): string[];
}

declare namespace Timer {
    /** Seconds since the game started. */
    function GetTime(): number;
}

/** 1 << 0 .. : ClientPermissions flags used by the console-command permission check. */
declare namespace ClientPermissions {
    const ConsoleCommands: number;
}


// ---- Automation (restocker, fabricator) ----

declare interface Item {
    /**
     * MapEntity.linkedTo (`public readonly List<MapEntity> linkedTo`, Barotrauma MapEntity.cs): the
     * links made in the submarine editor. Enumerated with `for e in item.linkedTo do` (as public
     * Lua mods iterate a turret's linked loaders). Entries may be any MapEntity: read item
     * members under pcall.
     */
    readonly linkedTo: LuaIterable<Item>;
}

declare interface Inventory {
    /** Inventory.HowManyCanBePut(ItemPrefab, float? condition): units of that prefab the free space takes. */
    HowManyCanBePut(prefab: ItemPrefab): number;
    /** Inventory.CanProbablyBePut(ItemPrefab, float? condition, int? quality). */
    CanProbablyBePut(prefab: ItemPrefab): boolean;
}

declare namespace ItemPrefab {
    /** PrefabCollection<ItemPrefab>: `for p in ItemPrefab.Prefabs do` (O(prefabs): cache what you derive). */
    const Prefabs: LuaIterable<ItemPrefab>;
}

/**
 * The arguments of `signalReceived.<identifier>` (Connection.SendSignal, after delivery):
 * `signal.value` is the text, `connection.Name` the input it arrived at, `connection.Item` the
 * receiving item (as used by public LuaCs mods).
 */
declare interface WireSignal {
    readonly value: string;
}

declare interface WireConnection {
    readonly Name: string;
    readonly Item: Item;
}

// ---- Fabricator (Barotrauma Items/Components/Machines/Fabricator.cs, ItemPrefab.cs FabricationRecipe) ----

/** FabricationRecipe.RequiredItem (ByIdentifier or ByTag); conditions are fractions 0..1. */
declare interface FabricationRequiredItem {
    readonly Amount: number;
    readonly MinCondition: number;
    readonly MaxCondition: number;
    /** True: an ingredient that stays above 0 only loses MinCondition x max condition. */
    readonly UseCondition: boolean;
    /** Every prefab this row accepts (a tag row: every prefab with the tag): an IEnumerable. */
    readonly ItemPrefabs: unknown;
}

declare interface FabricationRecipe {
    readonly TargetItem: ItemPrefab;
    readonly Amount: number;
    /** ImmutableArray<RequiredItem>: read it with toArray (host/clr.ts). */
    readonly RequiredItems: unknown;
    readonly RecipeHash: number;
    /** ImmutableArray<Identifier>: empty means any fabricator; else a fabricator identifier or tag. */
    readonly SuitableFabricatorIdentifiers: unknown;
}

declare interface FabricatorComponent extends ItemComponent {
    readonly InputContainer: ItemContainer;
    readonly OutputContainer: ItemContainer;
    /** Serialized; clamped by the game to 1..99 (private const MaxAmountToFabricate). */
    readonly AmountToFabricate: number;
    /**
     * private void StartFabricating(FabricationRecipe selectedItem, Character user, bool addToServerLog = true):
     * callable only after LuaUserData.MakeMethodAccessible (see features/fabricator/install.ts).
     */
    StartFabricating(selectedItem: FabricationRecipe, user: Character | undefined, addToServerLog: boolean): void;
}

declare interface ItemPrefab {
    /** ImmutableDictionary<uint, FabricationRecipe>: recipes that make this item, by RecipeHash. */
    readonly FabricationRecipes: unknown;
}

declare interface Item {
    GetComponentString(componentName: "Fabricator"): FabricatorComponent | undefined;
}

/** LuaCs LuaUserData: access to non-public members (luacs-docs LuaUserData.MakeMethodAccessible). */
declare namespace LuaUserData {
    function RegisterType(typeName: string): unknown;
    function MakeMethodAccessible(descriptor: unknown, methodName: string): void;
}

/**
 * The game's settings: `Language` is a LanguageIdentifier whose `Value` is an Identifier
 * ("English", "Simplified Chinese"). Used by public Lua mods as
 * `GameSettings.CurrentConfig.Language.Value`.
 */
declare namespace GameSettings {
    const CurrentConfig: { readonly Language: { readonly Value: unknown } };
}

/**
 * Text packs of every loaded language (terminal search in several languages; features/terminal/names.ts).
 * Confirmed in the game source (Barotrauma SharedSource/Text/TextManager.cs, TextPack.cs, TextFile.cs):
 * `TextManager.TextPacks` is a ConcurrentDictionary<LanguageIdentifier, ImmutableList<TextPack>>, one
 * entry per `language` attribute of every loaded text file (the vanilla package lists the text files
 * of all its languages, so a server has them all); `TextPack.Texts` is an
 * ImmutableDictionary<Identifier, ImmutableArray<TextPack.Text>> and `Text.RetrieveValue()` gives the
 * string (older game versions hold the strings themselves). LuaCs registers TextManager,
 * LanguageIdentifier and Identifier (its DefaultRegister/RegisterShared.lua) but not TextPack or
 * TextPack+Text: MoonSharp copies IDictionary/IList values into tables and raises on an unregistered
 * element, so both types must be registered (LuaUserData.RegisterType) before reading TextPacks.
 * The copies are tables keyed by userdata: iterate them once, never index them.
 */
declare interface LanguageIdentifier {
    readonly Value: Identifier;
}
declare interface TextPackText {
    RetrieveValue(): string;
}
declare interface TextPack {
    readonly Texts: LuaTable<Identifier, (TextPackText | string)[]>;
}
declare namespace TextManager {
    const TextPacks: LuaTable<LanguageIdentifier, TextPack[]>;
}
