/**
 * Wires the interfaces to the game: item and inventory hooks, the think hook, lifecycle
 * listeners. What each one does lives in interfaces.ts.
 */
import type { HostServices } from "../../host/runtime";
import { addHook } from "../../host/guard";
import { Interfaces } from "./interfaces";

const HOOK = "databaseio.interface.";

export function installInterfaces(s: HostServices): Interfaces {
    const interfaces = new Interfaces(s);
    s.lifecycle.afterRebuild.add("interfaces", () => {
        interfaces.start();
    });
    s.lifecycle.roundEnded.add("interfaces", () => {
        interfaces.stop();
    });
    addHook("item.created", HOOK + "created", (item: Item) => {
        interfaces.track(item);
    });
    addHook("item.removed", HOOK + "removed", (item: Item) => {
        interfaces.onRemoved(item);
    });
    addHook("inventoryPutItem", HOOK + "put", (inventory: Inventory, item: Item, user: Character | undefined) => {
        interfaces.onPut(inventory, item, user);
    });
    addHook("think", HOOK + "think", () => {
        interfaces.update();
    });
    return interfaces;
}
