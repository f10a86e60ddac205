/**
 * The few LuaCs / Barotrauma globals this example touches. A real mod would use a complete set of
 * game typings; these are enough to compile the example on its own.
 * @noSelfInFile
 */

declare namespace Hook {
    function Add(eventName: string, id: string, fn: (this: void, ...args: any[]) => unknown): void;
}

declare interface ExampleItem extends DatabaseIO.GameItem {
    readonly Removed: boolean;
    readonly OwnInventory: ExampleInventory | undefined;
    HasTag(tag: string): boolean;
    readonly Prefab: { readonly Identifier: { readonly Value: string } };
}

declare interface ExampleInventory extends DatabaseIO.GameInventory {
    /** Safe copy of every item inside (1-based table). */
    readonly AllItemsMod: ExampleItem[];
}

declare namespace Item {
    /** A fresh table of every item: O(items), read it once per round, never per tick. */
    const ItemList: ExampleItem[];
}

declare namespace Timer {
    function GetTime(): number;
}
