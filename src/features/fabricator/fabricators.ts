/**
 * Fabricators fed from a database: vanilla fabricators and medical fabricators (and any fabricator
 * item bound with a `dbid:` tag) pull a recipe's missing ingredients from their database, all or
 * nothing, with no change to the items themselves.
 *
 * Start button (every player, vanilla clients included): the server learns the recipe only in the
 * private Fabricator.StartFabricating (Fabricator.ServerEventRead sets AmountToFabricate and calls
 * it; Barotrauma Items/Components/Machines/Fabricator.cs). A Before patch there counts what the
 * game itself would use (input slots, linked containers, the user's inventory) for
 * AmountToFabricate batches. Nothing missing: the game goes on untouched. Missing and the database
 * holds it all: the original is skipped (PreventExecution), the units move into a spawner lease and
 * are spawned into the input container, and once every unit has landed StartFabricating is called
 * again (made callable with LuaUserData.MakeMethodAccessible; a flag lets that call through).
 * Missing and the database cannot cover it: nothing moves, the player is told what is missing, and
 * the game goes on as without the mod (it cancels on its next update as it always does).
 *
 * Fill request (players with client-side LuaCs): net message `databaseio.fab.fill` (protocol/fabricator.ts) with
 * UInt16 fabricator item id, String recipe target identifier, UInt32 recipe hash (0 = any recipe
 * for it), Int32 batches. The server checks the sender's character has that fabricator selected,
 * that it can make that recipe, and 1 <= batches <= 99, then fills without starting.
 */
import type { HostServices } from "../../host/runtime";
import { databaseIdOf, prefabIdOf } from "../../host/devices";
import { isFedFabricatorIdentity } from "../../protocol/devices";
import { tryReadQuery } from "../../protocol/fabricator";
import { tellPlayer } from "../../host/notify";
import { say } from "../../host/language";
import { once } from "../../host/log";
import { patchArg } from "../../host/patchArgs";
import { countAvailable, planConsume } from "../../core/consume";
import type { ConsumeRequest, Ingredient } from "../../core/consume";
import { ok, refuse, Result } from "../../core/result";
import { MAX_BATCHES, percentRange, recipeLabel, RecipeRow, rowsOf } from "./recipe";
import { availableItems, fitsInto, missingPerRow } from "./stock";
import { FabricatorPulls, Pull } from "./pull";
import { tagResolver } from "../shared/prefabTags";
import { checkRequest, CheckedRequest } from "./request";

/** Seconds between two fill requests of one client. */
const FILL_COOLDOWN = 0.4;
const LOG_INTERVAL = 600;

export interface PullOutcome {
    /** Units taken from the database (0: nothing was missing). */
    readonly units: number;
}

export function isFedFabricator(item: Item): boolean {
    return isFedFabricatorIdentity(prefabIdOf(item), item.Tags);
}

export class Fabricators {
    readonly pulls: FabricatorPulls;
    /** True while our own StartFabricating call runs (the patch lets it through). */
    private restarting = false;
    private lastFill = new LuaMap<number, number>();

    constructor(private readonly s: HostServices) {
        this.pulls = new FabricatorPulls(s, (pull, complete) => {
            this.settled(pull, complete);
        });
    }

    /**
     * Takes what `batches` batches of `recipe` still miss from the fabricator's database into its
     * input container. Refused (nothing changed) when the database cannot cover every ingredient
     * or the units would not fit.
     */
    pull(fab: FabricatorComponent, recipe: FabricationRecipe, user: Character | undefined, batches: number, start: boolean): Result<PullOutcome> {
        const fabItem = fab.Item;
        if (this.pulls.busy(fabItem.ID)) return refuse("busy", "ingredients for this fabricator are already on their way");
        const dbId = databaseIdOf(fabItem);
        if (this.s.store.database(dbId) === undefined) return refuse("unknown_database", string.format("there is no database '%s'", dbId));
        const rows = rowsOf(recipe);
        const missing = missingPerRow(rows, availableItems(fab, user, (id) => this.s.removals.isPending(id)), batches);
        const ingredients: Ingredient[] = [];
        let nIngredients = 0;
        const pulledRows: RecipeRow[] = [];
        let nPulledRows = 0;
        for (let i = 0; i < rows.length; i++) {
            if (missing[i] <= 0) continue;
            const range = percentRange(rows[i]);
            if (range === undefined || rows[i].identifiers.length === 0) {
                return refuse("unusable", string.format("%s cannot come from a database", rows[i].label));
            }
            ingredients[nIngredients] = { identifiers: rows[i].identifiers, amount: missing[i], minCondition: range[0], maxCondition: range[1], prefer: "best" };
            nIngredients++;
            pulledRows[nPulledRows] = rows[i];
            nPulledRows++;
        }
        if (ingredients.length === 0) return ok({ units: 0 });
        const request: ConsumeRequest = { ingredients };
        const plan = planConsume(this.s.store, dbId, request, tagResolver);
        if (!plan.ok) {
            if (plan.code === "insufficient") return refuse("insufficient", this.describeShortage(dbId, recipe, batches, ingredients, pulledRows));
            return plan;
        }
        if (!fitsInto(fab.InputContainer.Inventory, plan.value.picks)) {
            return refuse("no_room", string.format("the ingredients for %s do not fit into the fabricator's input slots", recipeLabel(recipe)));
        }
        const source = string.format("fabricator %d (%s)", fabItem.ID, user !== undefined ? user.Name : "?");
        const taken = this.pulls.begin({ dbId, fab, recipe, user, request, start, source });
        if (!taken.ok) return taken;
        return ok({ units: taken.value.plan.units });
    }

    private describeShortage(dbId: string, recipe: FabricationRecipe, batches: number, ingredients: Ingredient[], rows: RecipeRow[]): string {
        const parts: string[] = [];
        let nParts = 0;
        for (let i = 0; i < ingredients.length; i++) {
            const want = ingredients[i].amount;
            const has = countAvailable(this.s.store, dbId, ingredients[i], tagResolver, want);
            if (has < want) { parts[nParts] = string.format("%s %d/%d", rows[i].label, has, want); nParts++; }
        }
        const what = parts.length > 0 ? table.concat(parts, ", ") : "the ingredients overlap and cannot all be covered at once";
        return say("fabricator.short", recipeLabel(recipe), batches, dbId, what);
    }

    /** The Before patch on StartFabricating. */
    onStart(fab: FabricatorComponent, ptable: PatchParams): void {
        if (this.restarting) return;
        const recipe = patchArg(ptable, "selectedItem") as FabricationRecipe | undefined;
        const user = patchArg(ptable, "user") as Character | undefined;
        // No user: a save being loaded resumes; addToServerLog false: the game continues a batch.
        if (recipe === undefined || user === undefined || patchArg(ptable, "addToServerLog") === false) return;
        const fabItem = fab.Item;
        if (fabItem.Removed || !isFedFabricator(fabItem)) return;
        if (this.pulls.busy(fabItem.ID)) {
            ptable.PreventExecution = true;
            tellPlayer(user, say("fabricator.on_the_way"));
            return;
        }
        // StartFabricating returns at once when the product has no room: leave that to the game.
        if (!fab.OutputContainer.Inventory.CanProbablyBePut(recipe.TargetItem)) return;
        const batches = math.max(1, math.min(MAX_BATCHES, math.floor(fab.AmountToFabricate)));
        const pulled = this.pull(fab, recipe, user, batches, true);
        if (!pulled.ok) {
            if (pulled.code !== "unknown_database") tellPlayer(user, pulled.message);
            return;
        }
        if (pulled.value.units > 0) ptable.PreventExecution = true;
    }

    private settled(pull: Pull, complete: boolean): void {
        const fabItem = pull.fab.Item;
        if (!complete) {
            tellPlayer(pull.user, say("fabricator.not_placed", recipeLabel(pull.recipe), pull.dbId));
            return;
        }
        if (!pull.start || fabItem.Removed || !Game.RoundStarted) return;
        this.restart(pull.fab, pull.recipe, pull.user);
    }

    /** Calls the private StartFabricating again, past our own patch. */
    private restart(fab: FabricatorComponent, recipe: FabricationRecipe, user: Character | undefined): void {
        this.restarting = true;
        const [success, err] = pcall(() => fab.StartFabricating(recipe, user, true));
        this.restarting = false;
        if (!success) {
            once("fabricator:restart", this.s.now(), LOG_INTERVAL, string.format("could not start the fabricator after filling it: %s", err));
            tellPlayer(user, say("fabricator.press_start", recipeLabel(recipe)));
        }
    }
    /** `databaseio.fab.fill` from a client: an unreadable message is told to its sender. */
    onFillMessage(msg: IReadMessage, client: Client | undefined): void {
        const f = tryReadQuery(msg);
        if (f === undefined) {
            if (client !== undefined) tellPlayer(client.Character, say("fabricator.unreadable"));
            return;
        }
        this.onFillRequest(client, f.itemId, f.identifier, f.hash, f.batches);
    }

    /** `databaseio.fab.fill` from a client: validated, then a fill without start. */
    onFillRequest(client: Client | undefined, itemId: unknown, identifier: unknown, hash: unknown, batches: unknown): Result<PullOutcome> {
        const checked = this.checkFill(client, itemId, identifier, hash, batches);
        if (!checked.ok) return checked;
        const { fab, recipe, character } = checked.value;
        const result = this.pull(fab, recipe, character, batches as number, false);
        if (result.ok) {
            tellPlayer(character, result.value.units > 0
                ? say("fabricator.coming", result.value.units, recipeLabel(recipe), batches as number)
                : say("fabricator.at_hand", recipeLabel(recipe), batches as number));
        } else {
            tellPlayer(character, result.message);
        }
        return result;
    }

    private checkFill(client: Client | undefined, itemId: unknown, identifier: unknown, hash: unknown, batches: unknown): Result<CheckedRequest> {
        const checked = checkRequest(client, itemId, identifier, hash, batches, this.s.now(), this.lastFill, FILL_COOLDOWN, isFedFabricator);
        if (!checked.ok && checked.code === "refused" && client !== undefined) tellPlayer(client.Character, checked.message);
        return checked;
    }
}
