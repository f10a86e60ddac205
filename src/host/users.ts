/**
 * Who is using a terminal: one definition, read from what the game itself keeps. The terminal
 * pages (src/features/terminal/users.ts) and the client panel's access check
 * (src/features/terminal/access.ts) both use it.
 *
 * A living player character uses a terminal while it has it selected (Item.TryInteract sets
 * Character.SelectedItem, or SelectedSecondaryItem for a secondary item; the game's own
 * Character.IsAnySelectedItem tests both: Barotrauma SharedSource/Characters/Character.cs) or,
 * for a handheld terminal, while it carries it directly in its own inventory. Player characters
 * are the connected clients' on a server and Character.Controlled in singleplayer (a static of
 * Character: the controlled character in the client build, always null in the server build).
 *
 * No item.interact event is needed, nor a distance: the game's C# never raises item.interact,
 * and LuaCs's Lua default hook that would (DefaultHook.lua, a prefix on Item.TryInteract) does
 * not reach a mod in either LuaCs layer (its first line disables it in the rewrite; in the
 * established layer it reads p["picker"], a parameter name Item.TryInteract does not have).
 */

/** The character carrying `item` directly in its own inventory, if any. */
export function holderOf(item: Item): Character | undefined {
    const parent = item.ParentInventory;
    if (parent === undefined || item.Container !== undefined) return undefined;
    return parent.Owner as Character | undefined;
}

/**
 * The character in whose inventory the item owning `inventory` lies, at any depth (a handheld terminal carried,
 * or inside a toolbox carried), if any. An item inside another item has Container set; the
 * outermost one's ParentInventory is a character's inventory when it is carried.
 */
export function carrierOf(inventory: Inventory): Character | undefined {
    // `inventory` belongs to an item (a terminal's container): Owner is that item.
    let item = inventory.Owner as Item | undefined;
    if (item === undefined) return undefined;
    for (let depth = 0; depth < 64 && item.Container !== undefined; depth++) item = item.Container;
    if (item.Container !== undefined) return undefined;
    const parent = item.ParentInventory;
    if (parent === undefined) return undefined;
    return parent.Owner as Character | undefined;
}

/** Has `character` the item selected, as a device or as a secondary item? */
export function hasSelected(character: Character, item: Item): boolean {
    const selected = character.SelectedItem;
    if (selected !== undefined && selected.ID === item.ID) return true;
    const secondary = character.SelectedSecondaryItem;
    return secondary !== undefined && secondary.ID === item.ID;
}

/** Does this living character use the terminal now (selected, or a handheld one carried)? */
export function usesTerminal(character: Character, terminal: Item, handheld: boolean): boolean {
    if (character.IsDead || terminal.Removed) return false;
    if (hasSelected(character, terminal)) return true;
    if (!handheld) return false;
    const holder = holderOf(terminal);
    return holder !== undefined && holder.ID === character.ID;
}

/** The player characters now: the connected clients' on a server, the controlled one in singleplayer. */
export function playerCharacters(): Character[] {
    const out: Character[] = [];
    if (SERVER) {
        let n = 0;
        for (const client of Client.ClientList) {
            const c = client.Character;
            if (c !== undefined) {
                out[n] = c;
                n++;
            }
        }
        return out;
    }
    const controlled = Character.Controlled;
    if (controlled !== undefined) out[0] = controlled;
    return out;
}
