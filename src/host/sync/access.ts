/**
 * May this client's character use that terminal now? Alive, and the terminal is selected, held
 * in its own inventory, or within a short distance. The terminal's `dbid:` tag gives the database.
 */
import { ok, refuse, Result } from "../../core/result";
import { databaseIdOf, prefabIdOf } from "../devices";

/** The terminal prefabs (mod/Items/Terminals.xml). */
export const TERMINAL_PREFABS: { readonly [id: string]: true | undefined } = {
    databaseterminal: true,
    databaseterminalfixed: true,
};

/** Game units (about 100 per metre): a player standing at the terminal. */
export const USE_DISTANCE = 250;

function check(client: Client | undefined, terminalId: number): Result<string> {
    if (client === undefined) return refuse("no_client", "unknown client");
    const character = client.Character;
    if (character === undefined) return refuse("no_character", "the client has no character");
    if (character.IsDead) return refuse("dead", "the character is dead");
    const entity = Entity.FindEntityByID(terminalId);
    if (entity === undefined || entity === null) return refuse("no_terminal", string.format("there is no entity %d", terminalId));
    const item = entity as Item;
    if (item.Prefab === undefined || TERMINAL_PREFABS[prefabIdOf(item)] !== true) {
        return refuse("not_terminal", string.format("entity %d is not a terminal", terminalId));
    }
    if (item.Removed) return refuse("no_terminal", "the terminal is gone");
    const selected = character.SelectedItem;
    let using = selected !== undefined && selected.ID === item.ID;
    if (!using) {
        const parent = item.ParentInventory;
        const owner = parent === undefined ? undefined : parent.Owner;
        using = owner !== undefined && owner.ID === character.ID;
    }
    if (!using) {
        const a = character.WorldPosition;
        const b = item.WorldPosition;
        const dx = a.X - b.X;
        const dy = a.Y - b.Y;
        using = dx * dx + dy * dy <= USE_DISTANCE * USE_DISTANCE;
    }
    if (!using) return refuse("not_using", "the character is not using the terminal");
    return ok(databaseIdOf(item));
}

/** Never raises: reading a member an entity does not have is a refusal, not an error. */
export function terminalAccess(client: Client | undefined, terminalId: number): Result<string> {
    const [success, value] = pcall(check, client, terminalId);
    if (!success) return refuse("not_terminal", string.format("entity %d cannot be used as a terminal", terminalId));
    return value as Result<string>;
}
