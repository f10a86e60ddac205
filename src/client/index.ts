/**
 * Client start for multiplayer clients that run client-side LuaCs: the sync client (network
 * path, works without any GUI) and, when the game's GUI globals exist, the panel beside the
 * terminal. In singleplayer the data is local and the terminal's own controls are the interface,
 * so nothing starts there.
 *
 * Exposed to other client-side scripts (and the specs) as `DatabaseIO.client`.
 */
import { SyncClient } from "./stream";
import type { PanelLookup } from "./model";
import { NET_DOWN } from "../protocol/sync";
import { hasGui, PanelGui } from "./panel";
import { startFabricatorClient } from "./fabricatorClient";
import { FabricatorPanel } from "./fabricatorPanel";
import { addHook, itemPrefab, receive } from "./game";

const HOOK = "databaseio.client.";

function nameOf(this: void, identifier: string): string {
    const [success, value] = pcall(() => itemPrefab(identifier)?.Name.Value);
    if (success && type(value) === "string" && value !== "") return value as string;
    return identifier;
}

function categoryOf(this: void, identifier: string): number {
    const [success, value] = pcall(() => itemPrefab(identifier)?.Category);
    if (success && type(value) === "number") return value as number;
    return 0;
}

export const GAME_LOOKUP: PanelLookup = { name: nameOf, category: categoryOf };

export function startClient(modVersion: string): SyncClient | undefined {
    if (!CLIENT || !Game.IsMultiplayer) return undefined;
    const client = new SyncClient(
        {
            now: () => Timer.GetTime(),
            start: (name) => Networking.Start(name),
            send: (msg) => {
                Networking.Send(msg);
            },
        },
        GAME_LOOKUP,
    );
    receive(NET_DOWN, (msg) => {
        // client.receive never raises; the pcall keeps even an unexpected failure here.
        pcall(() => client.receive(msg));
    });
    const gui = hasGui() ? new PanelGui(client) : undefined;
    const fabricator = startFabricatorClient({ now: () => Timer.GetTime(), start: (name) => Networking.Start(name), send: (msg) => Networking.Send(msg) });
    const fabPanel = hasGui() ? new FabricatorPanel(fabricator, () => Timer.GetTime()) : undefined;
    addHook("think", HOOK + "think", () => {
        pcall(() => client.update());
        if (gui !== undefined) gui.update();
        pcall(() => fabricator.update());
        if (fabPanel !== undefined) fabPanel.update();
    });
    const g = _G as unknown as { DatabaseIO?: unknown };
    if (g.DatabaseIO === undefined) {
        g.DatabaseIO = {
            modVersion,
            client: {
                open: (terminal: number) => client.open(terminal),
                close: (terminal: number) => client.close(terminal),
                bring: (terminal: number, key: string, exactId?: number) => client.bring(terminal, key, exactId),
                model: (terminal: number) => client.model(terminal),
                info: (terminal: number) => client.info(terminal),
                terminals: () => client.terminals(),
                hasPanel: gui !== undefined,
                fabricator: { fill: () => fabricator.fill(), model: fabricator.model, sync: fabricator },
                sync: client,
            },
        };
    }
    return client;
}
