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
    let running = Game.RoundStarted;
    s.lifecycle.afterRebuild.add("interfaces", () => {
        running = true;
        interfaces.rescan();
    });
    s.lifecycle.roundEnded.add("interfaces", () => {
        running = false;
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
        // Nothing is stored from the first save step on (savePhases.ts): what lies in an
        // interface then stays there, in the save, and is stored in the next round.
        if (running && !s.phases.frozen) interfaces.think();
    });
    return interfaces;
}
