/**
 * Validation shared by a client's fill request and its have/need query: the sender's living
 * character has that fed fabricator selected, the fabricator can make the recipe, batches is a
 * whole number in 1..99, and the client keeps to a cooldown. The server never trusts a client's
 * numbers beyond these.
 */
import { ok, refuse, Result } from "../../core/result";
import { findRecipe, MAX_BATCHES } from "./recipe";

export interface CheckedRequest {
    readonly fab: FabricatorComponent;
    readonly recipe: FabricationRecipe;
    readonly character: Character;
}

/**
 * Codes: `no_client`, `no_character`, `too_fast` (say nothing to the player), `refused` (the
 * message is for the player). `last` holds each client's last request time (by session id);
 * `isFed` is fabricators.ts's isFedFabricator (passed in: that module imports this one).
 */
export function checkRequest(
    client: Client | undefined, itemId: unknown, identifier: unknown, hash: unknown, batches: unknown,
    now: number, last: LuaMap<number, number>, cooldown: number, isFed: (this: void, item: Item) => boolean,
): Result<CheckedRequest> {
    if (client === undefined) return refuse("no_client", "a request needs a client");
    const character = client.Character;
    if (character === undefined || character.IsDead) return refuse("no_character", "you have no character");
    const before = last.get(client.SessionId);
    last.set(client.SessionId, now);
    if (before !== undefined && now - before < cooldown) return refuse("too_fast", "too many requests");
    if (type(batches) !== "number" || math.floor(batches as number) !== batches || (batches as number) < 1 || (batches as number) > MAX_BATCHES) {
        return refuse("refused", string.format("the amount must be a whole number from 1 to %d", MAX_BATCHES));
    }
    const selected = character.SelectedItem;
    if (type(itemId) !== "number" || selected === undefined || selected.ID !== itemId) return refuse("refused", "you are not using that fabricator");
    const fab = selected.GetComponentString("Fabricator");
    if (fab === undefined || !isFed(selected)) return refuse("refused", "that is not a fabricator fed from a database");
    if (type(identifier) !== "string" || type(hash) !== "number") return refuse("refused", "that recipe is unknown");
    const recipe = findRecipe(selected, identifier as string, hash as number);
    if (recipe === undefined) return refuse("refused", "this fabricator cannot make that");
    return ok({ fab, recipe, character });
}
