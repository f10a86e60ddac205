/**
 * May this client's character use that terminal now? Alive, and using it by the one definition
 * of src/host/users.ts: the terminal is selected, or (a handheld one) carried in its own
 * inventory. The terminal's `dbid:` tag gives the database. The sync server asks this before it
 * subscribes a client to a terminal (passed to host/sync/install.ts by features/index.ts).
 */
import { ok, refuse, Result } from "../../core/result";
import { databaseIdOf, prefabIdOf } from "../../host/devices";
import { usesTerminal } from "../../host/users";
import { FIXED_TERMINAL, HANDHELD_TERMINAL } from "../../protocol/devices";

/** The terminal prefabs (identifiers: protocol/devices.ts). */
const TERMINAL_PREFABS: { readonly [id: string]: true | undefined } = {
    [HANDHELD_TERMINAL]: true,
    [FIXED_TERMINAL]: true,
};

/** The handheld terminal: carried in its user's inventory counts as using it. */
const HANDHELD = HANDHELD_TERMINAL;

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
    const using = usesTerminal(character, item, prefabIdOf(item) === HANDHELD);
    if (!using) return refuse("not_using", "the character is not using the terminal");
    return ok(databaseIdOf(item));
}

/** Never raises: reading a member an entity does not have is a refusal, not an error. */
export function terminalAccess(client: Client | undefined, terminalId: number): Result<string> {
    const [success, value] = pcall(check, client, terminalId);
    if (!success) return refuse("not_terminal", string.format("entity %d cannot be used as a terminal", terminalId));
    return value as Result<string>;
}
