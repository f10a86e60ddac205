/**
 * The interface devices: which prefabs they are, whether they need power, and whether they unpack
 * containers (take the contents, keep the container).
 */
import { prefabIdOf } from "../../host/devices";
import { FIXED_INTERFACE, FIXED_UNPACK_INTERFACE, INTERFACE, UNPACK_INTERFACE } from "../../protocol/devices";

export interface InterfaceKind {
    readonly identifier: string;
    /** Wall-mounted and powered: no power, no ingest. */
    readonly powered: boolean;
    /** Takes each direct child of a container put into it; the container itself stays. */
    readonly unpack: boolean;
}

const KINDS = new LuaMap<string, InterfaceKind>();
for (const kind of [
    { identifier: INTERFACE, powered: false, unpack: false },
    { identifier: FIXED_INTERFACE, powered: true, unpack: false },
    { identifier: UNPACK_INTERFACE, powered: false, unpack: true },
    { identifier: FIXED_UNPACK_INTERFACE, powered: true, unpack: true },
]) {
    KINDS.set(kind.identifier, kind);
}

export function interfaceKindOf(item: Item): InterfaceKind | undefined {
    return KINDS.get(prefabIdOf(item));
}

/** A powered interface works only while its Powered component has voltage. */
export function isOperational(item: Item, kind: InterfaceKind): boolean {
    if (!kind.powered) return true;
    const powered = item.GetComponentString("Powered");
    return powered !== undefined && powered.HasPower;
}

/** True for an item with a container of its own (a toolbox, a gun, a suit), empty or not. */
export function isContainer(item: Item): boolean {
    const inventories = item.OwnInventories;
    return inventories !== undefined && inventories.length > 0;
}
