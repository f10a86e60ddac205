/**
 * The mod's CustomInterface text fields, found by their position in the interface.
 *
 * The game builds `customInterfaceElementList` in the CustomInterface constructor
 * (SharedSource/Items/Components/Signal/CustomInterface.cs): one element per <Button>, <TextBox>,
 * <NumberInput>/<IntegerInput> or <TickBox> child of <CustomInterface>, in document order, other
 * children (<GuiFrame>) skipped. Nothing changes that order later. An element's `Label` is not a
 * stable key: outside the submarine editor `CustomInterface.UpdateLabels` replaces it with
 * `TextManager.Get(label)` (the translation in the game's language) in the builds that localize
 * there, and a saved submarine stores the translated text back into `labels`.
 *
 * The positions below follow mod/Items/*.xml; test/spec/build_prefabs_spec.lua checks them
 * against the XML so a reordered interface fails the build's specs.
 */

import { indexed } from "../../host/clr";

/** The search field of both terminals: the 9th element (after the eight buttons). */
export const TERMINAL_SEARCH_POSITION = 9;
/** The config field of the restocker: its first element. */
export const RESTOCKER_CONFIG_POSITION = 1;

/**
 * The element at a 1-based position of the item's first CustomInterface, or undefined. The list
 * arrives as a 1-based Lua table (MoonSharp copies an IList into a table when its type is not
 * registered as userdata: ClrToScriptConversions.ObjectToDynValue -> ConvertIListToTable; LuaCs
 * registers CustomInterface and its element type, not the list); any other shape yields
 * undefined, so the field reads as empty instead of raising. Should a LuaCs register the list type,
 * it arrives as userdata and is read through its 0-based indexer instead.
 */
export function interfaceElementAt(item: Item, position: number): CustomInterfaceElement | undefined {
    const ci = item.GetComponentString("CustomInterface");
    if (ci === undefined) return undefined;
    const list: unknown = ci.customInterfaceElementList;
    if (type(list) === "table") return (list as CustomInterfaceElement[])[position - 1];
    // A LuaCs that registers the list type hands over userdata: its C# indexer is 0-based.
    if (type(list) === "userdata") {
        const [success, element] = pcall(indexed, list, position - 1);
        return success ? (element as CustomInterfaceElement | undefined) : undefined;
    }
    return undefined;
}
