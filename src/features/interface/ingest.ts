/**
 * What one interface does with what lies in it: every item in its slots goes to its database
 * through Transfer.ingest (the one ingest policy); an unpack interface takes the direct children
 * of a container instead and leaves the container. A refused item stays where it is; the player
 * who put it is told why once, and the console gets one line per item and reason.
 */
import type { HostServices } from "../../host/runtime";
import { databaseIdOf } from "../../host/devices";
import type { RefusalCode } from "../../core/result";
import { once } from "../../host/log";
import { tellPlayer } from "../../host/notify";
import { say } from "../../host/language";
import { InterfaceKind, isContainer, isOperational } from "./kinds";

/** Seconds before the same item's same refusal may be logged again (it is retried silently). */
const LOG_INTERVAL = 3600;

export const NO_POWER: RefusalCode = "no_power";

/** Who put which item into an interface, and which refusal each waiting item was last given. */
export class InterfaceMemory {
    /** item ID -> the character that put it in (told about a refusal). */
    readonly putters = new LuaMap<number, Character>();
    /** item ID -> refusal code already reported for it. */
    readonly reported = new LuaMap<number, string>();

    /** A player put `item` into an interface: a refusal is news to them again. */
    noteput(itemId: number, user: Character | undefined): void {
        this.reported.delete(itemId);
        if (user !== undefined) this.putters.set(itemId, user);
        else this.putters.delete(itemId);
    }

    forget(itemId: number): void {
        this.putters.delete(itemId);
        this.reported.delete(itemId);
    }

    clear(): void {
        for (const [id] of this.putters) this.putters.delete(id);
        for (const [id] of this.reported) this.reported.delete(id);
    }
}

/** Ingests (or reports) everything in interface `device` of kind `kind`. */
export function processInterface(s: HostServices, memory: InterfaceMemory, device: Item, kind: InterfaceKind): void {
    if (device.Removed) return;
    const inventory = device.OwnInventory;
    if (inventory === undefined || inventory.IsEmpty()) return;
    const items = inventory.AllItemsMod;
    if (!isOperational(device, kind)) {
        for (const item of items) report(s, memory, device, item, undefined, NO_POWER, "the interface has no power: it stores nothing until it is powered");
        return;
    }
    const dbId = databaseIdOf(device);
    for (const item of items) {
        if (kind.unpack && isContainer(item)) {
            for (const inner of item.OwnInventories) {
                for (const child of inner.AllItemsMod) take(s, memory, device, dbId, child, item, true);
            }
        } else {
            take(s, memory, device, dbId, item, undefined, false);
        }
    }
}

function take(s: HostServices, memory: InterfaceMemory, device: Item, dbId: string, item: Item, container: Item | undefined, unpack: boolean): void {
    if (item.Removed || s.removals.isPending(item.ID)) return;
    const putter = putterOf(memory, item, container);
    const who = putter !== undefined ? putter.Name : string.format("#%d", device.ID);
    const result = s.transfer.ingest(item, dbId, "interface:" + who, { unpack });
    if (result.ok) {
        memory.reported.delete(item.ID);
        return;
    }
    if (result.code === "pending") return;
    report(s, memory, device, item, container, result.code, result.message);
}

function putterOf(memory: InterfaceMemory, item: Item, container: Item | undefined): Character | undefined {
    const direct = memory.putters.get(item.ID);
    if (direct !== undefined || container === undefined) return direct;
    return memory.putters.get(container.ID);
}

/** Tells the putter and logs, once per item and reason. */
function report(s: HostServices, memory: InterfaceMemory, device: Item, item: Item, container: Item | undefined, code: RefusalCode, message: string): void {
    if (memory.reported.get(item.ID) === code) return;
    memory.reported.set(item.ID, code);
    const putter = putterOf(memory, item, container);
    tellPlayer(putter, say("ingest.item_reason", item.Name, message));
    once(
        string.format("interface:%d:%s", item.ID, code),
        s.now(),
        LOG_INTERVAL,
        string.format("interface %d did not store %s (%d): %s", device.ID, item.Prefab.Identifier.Value, item.ID, message),
    );
}
