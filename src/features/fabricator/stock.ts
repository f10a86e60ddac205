/**
 * What a fabricator already has for a recipe, counted the way the game counts it
 * (Fabricator.RefreshAvailableIngredients and CanBeFabricated): items in the input container, in
 * containers linked to the fabricator, inside any of those items, and in the user's inventory while
 * the user has the fabricator selected; one item serves one ingredient row only. What is missing
 * is what the database is asked for, so nothing the player already has is pulled twice.
 */
import type { ConsumePick } from "../../core/consume";
import { conditionFits, RecipeRow } from "./recipe";
import { toArray } from "../../host/clr";
import { itemPrefab } from "../../host/itemPrefabs";

/** Items the game would use as ingredients (ids already on their way out are left out). */
export function availableItems(fab: FabricatorComponent, user: Character | undefined, leaving: (this: void, id: number) => boolean): Item[] {
    const fabItem = fab.Item;
    const items: Item[] = [];
    let nItems = 0;
    const seen = new LuaMap<number, true>();
    const addInventory = (inventory: Inventory | undefined): void => {
        if (inventory === undefined) return;
        for (const item of inventory.AllItemsMod) {
            if (seen.has(item.ID) || item.Removed || leaving(item.ID)) continue;
            seen.set(item.ID, true);
            items[nItems] = item;
            nItems++;
        }
    };
    addInventory(fab.InputContainer.Inventory);
    for (const linked of fabItem.linkedTo) {
        const [success, inventory] = pcall(() => (linked.ID === fabItem.ID ? undefined : linked.OwnInventory));
        if (success) addInventory(inventory);
    }
    if (user !== undefined && !user.IsDead) {
        const selected = user.SelectedItem;
        if (selected !== undefined && selected.ID === fabItem.ID) addInventory(user.Inventory);
    }
    // Contents of the items found so far (a toolbox in the cabinet), as the game walks them.
    let i = 0;
    while (i < items.length) {
        const [success, inventories] = pcall(() => toArray<ItemInventory>(items[i].OwnInventories));
        if (success) for (const inventory of inventories) addInventory(inventory);
        i++;
    }
    return items;
}

/**
 * Units missing per row for `batches` batches (row order; 0 when covered): each row needs
 * amount x batches suitable items that no earlier row took.
 */
export function missingPerRow(rows: readonly RecipeRow[], items: readonly Item[], batches: number): number[] {
    const used = new LuaMap<number, true>();
    const missing: number[] = [];
    let nMissing = 0;
    for (const row of rows) {
        const accepted = new LuaMap<string, true>();
        for (const id of row.identifiers) accepted.set(id, true);
        const need = row.amount * batches;
        let have = 0;
        for (const item of items) {
            if (have >= need) break;
            if (used.has(item.ID)) continue;
            if (!accepted.has(string.lower(item.Prefab.Identifier.Value))) continue;
            if (!conditionFits(row, item.ConditionPercentage)) continue;
            used.set(item.ID, true);
            have++;
        }
        missing[nMissing] = need - have;
        nMissing++;
    }
    return missing;
}

function stackLimit(prefab: ItemPrefab): number {
    const n = prefab.MaxStackSize;
    if (n < 1) return 1;
    return n > 63 ? 63 : n;
}

/**
 * Whether the planned units fit into `inventory` next to what is there: full-condition units top
 * up matching full stacks and then take whole slots; every exact entry takes a slot of its own.
 * Conservative on purpose (a unit that still does not fit goes back to the database on landing).
 */
export function fitsInto(inventory: Inventory, picks: readonly ConsumePick[]): boolean {
    let free = 0;
    const room = new LuaMap<string, number>();
    for (let slot = 0; slot < inventory.Capacity; slot++) {
        const stack = inventory.GetItemsAt(slot);
        if (stack.length === 0) {
            free++;
            continue;
        }
        const first = stack[0];
        if (!first.IsFullCondition) continue;
        const key = string.format("%s|%d", string.lower(first.Prefab.Identifier.Value), first.Quality);
        room.set(key, (room.get(key) ?? 0) + math.max(0, stackLimit(first.Prefab) - stack.length));
    }
    for (const pick of picks) {
        const prefab = itemPrefab(pick.record.identifier);
        if (prefab === undefined || !inventory.CanProbablyBePut(prefab)) return false;
        if (pick.exactId !== undefined) {
            free -= 1;
            continue;
        }
        const key = string.format("%s|%d", pick.record.identifier, pick.record.quality);
        let n = pick.count;
        const top = math.min(n, room.get(key) ?? 0);
        room.set(key, (room.get(key) ?? 0) - top);
        n -= top;
        if (n > 0) {
            const limit = stackLimit(prefab);
            const slots = math.ceil(n / limit);
            free -= slots;
            room.set(key, (room.get(key) ?? 0) + (slots * limit - n));
        }
    }
    return free >= 0;
}
