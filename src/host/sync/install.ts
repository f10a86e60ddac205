/**
 * Binds the sync server to LuaCs on a multiplayer server: the `client.packages` hook tells which
 * clients run client-side LuaCs (nobody else is sent anything), one receiver for client requests
 * (wrapped: no Lua error escapes it), and the think hook for flushes. Singleplayer has no
 * network: the data is local there and the terminal's own controls are the interface.
 *
 * The host knows no device: whether a client may use a terminal and "bring this entry onto the
 * page" are the terminal feature's answers, passed in as `terminals`
 * (features/terminal/access.ts, features/terminal/pageRequests.ts).
 */
import type { HostServices } from "../runtime";
import { watchesFor } from "../../core/watch";
import { once, problem } from "../log";
import { SyncClientRef, SyncServer } from "./server";
import type { ItemKey } from "../../core/keys";
import type { Result } from "../../core/result";
import { NET_UP } from "../../protocol/sync";
import { addHook, receive } from "../guard";

const HOOK = "databaseio.sync.";
/** A repeated refusal for one client and reason is printed at most once per this many seconds. */
const LOG_INTERVAL = 30;

function refOf(client: Client): SyncClientRef {
    return { id: client.SessionId, name: client.Name, client };
}

/** The terminal device's side of the sync server. */
export interface TerminalPorts {
    /** May this client's character use that terminal now? Its database id; never raises. */
    access(this: void, client: Client | undefined, terminalItemId: number): Result<string>;
    /**
     * Shows `key` (or exact entry `exactId`) on the page of terminal item `terminalItemId` for
     * `client`, who was checked to be using that terminal; never raises.
     */
    bring(this: void, terminalItemId: number, key: ItemKey, exactId: number | undefined, client: Client | undefined): Result<string>;
}

export function installSync(services: HostServices, terminals: TerminalPorts): SyncServer | undefined {
    const watches = watchesFor(services.store);
    watches.setErrorSink((message) => problem(message));
    if (!SERVER) return undefined;
    const server = new SyncServer({
        store: services.store,
        watches,
        now: services.now,
        start: (name) => Networking.Start(name),
        send: (to, msg) => {
            if (to.client !== undefined) Networking.Send(msg, to.client.Connection);
        },
        access: (who, terminal) => terminals.access(who.client, terminal),
        bring: (who, terminal, key, exactId) => terminals.bring(terminal, key, exactId, who.client),
        refused: (key, message) => {
            once(key, services.now(), LOG_INTERVAL, message);
        },
    });
    addHook("client.packages", HOOK + "packages", (client: Client) => {
        if (client !== undefined) server.clientHasLua(refOf(client));
    });
    addHook("client.disconnected", HOOK + "left", (client: Client) => {
        if (client !== undefined) server.clientLeft(client.SessionId);
    });
    receive(NET_UP, (msg, client) => {
        if (client === undefined) return;
        const [success, err] = pcall(() => server.receive(msg, refOf(client)));
        if (!success) problem(string.format("sync receiver failed: %s", type(err) === "string" ? err : "error"));
    });
    // Read-only figures for hosts' tools and specs: refusals by reason, messages sent.
    addHook(HOOK + "inspect", HOOK + "inspect", () => {
        const refused = new LuaTable<string, number>();
        for (const [reason, n] of server.stats.refused) refused.set(reason, n);
        return { refused, snapshots: server.stats.snapshots, deltas: server.stats.deltas };
    });
    addHook("think", HOOK + "think", () => {
        const [success, err] = pcall(() => server.update());
        if (!success) once("sync:update", services.now(), LOG_INTERVAL, string.format("sync update failed: %s", type(err) === "string" ? err : "error"));
    });
    return server;
}
