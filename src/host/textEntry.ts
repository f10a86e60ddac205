/**
 * Player text where it enters. A text field's value is set in one place:
 * CustomInterface.TextChanged(textElement, text), which sets the element's Signal, the value saved
 * with the item (Barotrauma SharedSource/Items/Components/Signal/CustomInterface.cs). The server
 * calls it from CustomInterface.ServerEventRead for a client's edit (ServerSource/Items/Components/
 * Signal/CustomInterface.cs); a client calls it from its text box (ClientSource/.../
 * CustomInterface.cs). It is private: LuaCs resolves patches with NonPublic binding flags
 * (SharedSource/LuaCs/LuaCsHook.cs, ResolveMethod). A Before patch hands the method the text the
 * device keeps, so raw player text never reaches an item's saved state, whenever the save comes.
 * The devices still clean their fields when they read them and at every save step: this patch is
 * the first line, not the only one.
 */
import { addPatch } from "./guard";
import { patchArg, setPatchArg } from "./patchArgs";
import { warn } from "./log";

/** The text `item` keeps for `text`, or undefined when `item` is not this cleaner's device. */
export type FieldCleaner = (this: void, item: Item, text: string) => string | undefined;

const cleaners = new LuaMap<string, FieldCleaner>();
let patched = false;

/** Registers how a device cleans text typed into its fields (one cleaner per name). */
export function cleanTextWhereItEnters(name: string, clean: FieldCleaner): void {
    cleaners.set(name, clean);
    if (patched) return;
    patched = true;
    const [success, err] = pcall(() => {
        addPatch("databaseio.textentry", "Barotrauma.Items.Components.CustomInterface", "TextChanged", undefined, (instance, ptable) => {
            const raw = patchArg(ptable, "text");
            if (type(raw) !== "string") return;
            const item = (instance as { Item: Item }).Item;
            for (const [, clean] of cleaners) {
                const kept = clean(item, raw as string);
                if (kept === undefined) continue;
                if (kept !== raw) setPatchArg(ptable, "text", kept);
                return;
            }
        }, Hook.HookMethodType.Before);
    });
    if (!success) warn(string.format("cannot patch CustomInterface.TextChanged (%s): typed text is cleaned when the device reads it", tostring(err)));
}
