/**
 * Wires the terminals to the game: hooks, the text entry cleaner, the page requests of the sync
 * server, store and lifecycle listeners. What each one does lives in terminals.ts.
 */
import type { HostServices } from "../../host/runtime";
import { addHook } from "../../host/guard";
import { cleanTextWhereItEnters } from "../../host/textEntry";
import { TerminalFeature } from "./terminals";
import { CONTROLS, HOOK_PREFIX, runControl } from "./controls";
import { setExtensionClock } from "./extensions";
import { registerTerminalPageRequests } from "./pageRequests";

export function installTerminals(services: HostServices): TerminalFeature {
    const feature = new TerminalFeature(services);
    setExtensionClock(services.now);
    registerTerminalPageRequests({
        bring: (terminalItemId, key, exactId, client) => feature.bring(terminalItemId, key, exactId, client),
    });
    services.store.subscribe("databaseio.terminal.views", (event) => {
        feature.viewOf(event.db).onEvent(event);
    });
    addHook("item.created", HOOK_PREFIX + "created", (item: Item) => {
        feature.track(item);
    });
    addHook("item.removed", HOOK_PREFIX + "removed", (item: Item) => {
        feature.onRemoved(item);
    });
    addHook("inventoryPutItem", HOOK_PREFIX + "put", (inventory: Inventory, item: Item, user: Character | undefined) => {
        return feature.answerPut(inventory, item, user);
    });
    addHook("inventoryItemSwap", HOOK_PREFIX + "swap", (inventory: Inventory, item: Item, user: Character | undefined) => {
        return feature.answerSwap(inventory, item, user);
    });
    addHook("think", HOOK_PREFIX + "think", () => {
        feature.think();
    });
    cleanTextWhereItEnters("terminals", (item, text) => feature.cleanSearchField(item, text));
    for (const control of CONTROLS) {
        const name = control;
        addHook(HOOK_PREFIX + name, HOOK_PREFIX + "control", (_effect: unknown, _dt: unknown, item: unknown, _targets: unknown, _pos: unknown, element: unknown) => {
            runControl(feature, name, item, element);
        });
    }
    addHook(HOOK_PREFIX + "inspect", HOOK_PREFIX + "inspect", () => feature.inspection());
    services.phases.on("pages", "terminals", (reason) => {
        feature.settle(reason);
    });
    services.lifecycle.afterRebuild.add("terminals", () => {
        feature.afterRebuild();
    });
    services.lifecycle.rolledBack.add("terminals", () => {
        feature.rolledBack();
    });
    services.lifecycle.roundEnded.add("terminals", () => {
        feature.roundEnded();
    });
    return feature;
}
