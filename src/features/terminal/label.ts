/**
 * The summary line on the terminal (page x/y, units, distinct items, messages). It is the text
 * of the item's ItemLabel, a saved property that every client draws without client-side LuaCs.
 * A server-side change reaches clients only through a property change event:
 * `Networking.CreateEntityEvent(item, Item.ChangePropertyEventData(property, component))` with
 * `component.SerializableProperties[Identifier("Text")]` (the pattern LuaCs mods use to sync a
 * component property; clients read at most 100 characters of it).
 */
import { indexed } from "../../host/clr";

let syncUnavailable = false;

function syncToClients(item: Item, label: ItemLabel): void {
    if (!SERVER || syncUnavailable) return;
    const [success] = pcall(() => {
        // A Dictionary<Identifier, SerializableProperty>: its indexer, reached with a key in a variable.
        const property = indexed(label.SerializableProperties, Identifier("Text") as AnyNotNil);
        Networking.CreateEntityEvent(item, Item.ChangePropertyEventData(property, label));
    });
    // Without the event API (an older LuaCs) the label still updates for the host and in saves.
    if (!success) syncUnavailable = true;
}

export function showLabel(item: Item, text: string): void {
    if (item.Removed) return;
    const label = item.GetComponentString("ItemLabel");
    if (label === undefined) return;
    if (label.Text === text) return;
    label.Text = text;
    syncToClients(item, label);
}
