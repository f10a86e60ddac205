/**
 * Wires the restockers to the game: item, signal and button hooks, the think hook, the text entry
 * cleaner, store and lifecycle listeners. What each one does lives in restockers.ts.
 */
import type { HostServices } from "../../host/runtime";
import { prefabIdOf } from "../../host/devices";
import { addHook } from "../../host/guard";
import { cleanTextWhereItEnters } from "../../host/textEntry";
import { cleanConfigText } from "./config";
import { Restockers } from "./restockers";
import { RESTOCKER } from "../../protocol/devices";

const HOOK = "databaseio.restocker.";

export function installRestockers(s: HostServices): Restockers {
    const restockers = new Restockers(s);
    restockers.start(Game.RoundStarted);
    s.lifecycle.afterRebuild.add("restockers", () => {
        restockers.start(true);
    });
    // The config field keeps what the restocker would make of it.
    cleanTextWhereItEnters("restockers", (item, text) => (prefabIdOf(item) === RESTOCKER ? cleanConfigText(text) : undefined));
    s.phases.on("fields", "restockers", () => {
        restockers.cleanFields();
    });
    s.lifecycle.roundEnded.add("restockers", () => {
        restockers.stop();
    });
    s.store.subscribe("databaseio.restockers", (event) => {
        restockers.onEvent(event);
    });
    addHook("item.created", HOOK + "created", (item: Item) => {
        restockers.track(item);
    });
    addHook("item.removed", HOOK + "removed", (item: Item) => {
        restockers.onRemoved(item);
    });
    addHook("signalReceived." + RESTOCKER, HOOK + "signal", (signal: WireSignal, connection: WireConnection) => {
        restockers.onSignal(signal, connection);
    });
    addHook(HOOK + "toggle", HOOK + "toggle", (_effect: unknown, _dt: unknown, item: Item) => {
        restockers.toggle(item);
    });
    addHook("think", HOOK + "think", () => {
        restockers.think();
    });
    return restockers;
}
