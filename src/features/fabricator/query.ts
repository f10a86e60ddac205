/**
 * The server's answer to `databaseio.fab.query`: per ingredient row of the recipe a client has
 * chosen, what the batches need, what the fabricator already reaches (input, linked containers,
 * the user's inventory: stock.ts, the count the pull itself uses) and what its database
 * can give (core/consume.ts countAvailable: available, not leased, within the row's condition
 * range). `coverable` runs the very plan a fill would run, without taking anything.
 *
 * Validated like a fill request (request.ts) with its own cooldown. A refused query is
 * answered with the reason (the client shows it instead of rows) and logged once per kind; a query
 * that arrives too fast is dropped (the client asks again). Nothing here changes the store.
 */
import type { HostServices } from "../../host/runtime";
import { databaseIdOf } from "../../host/devices";
import { once } from "../../host/log";
import { countAvailable, planConsume } from "../../core/consume";
import type { Ingredient } from "../../core/consume";
import type { Fabricators } from "./fabricators";
import { percentRange, rowsOf } from "./recipe";
import { availableItems, missingPerRow } from "./stock";
import { checkRequest } from "./request";
import { FabQuery, readQuery, StockAnswer, StockRow, STOCK_MESSAGE, writeStock } from "../../protocol/fabricator";
import { tagResolver } from "../shared/prefabTags";

/** Seconds between two queries of one client (it refreshes about once a second while open). */
export const QUERY_COOLDOWN = 0.25;
const LOG_INTERVAL = 600;

/** The answer for a validated query (pure reading of the world and the store). */
export function stockFor(s: HostServices, fabricators: Fabricators, query: FabQuery, fab: FabricatorComponent, recipe: FabricationRecipe, user: Character): StockAnswer {
    const dbId = databaseIdOf(fab.Item);
    const rows = rowsOf(recipe);
    const missing = missingPerRow(rows, availableItems(fab, user, (id) => s.removals.isPending(id)), query.batches);
    const out: StockRow[] = [];
    let nOut = 0;
    const wanted: Ingredient[] = [];
    let nWanted = 0;
    let usableAll = true;
    for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const need = row.amount * query.batches;
        const range = percentRange(row);
        const usable = range !== undefined && row.identifiers.length > 0;
        let inDatabase = 0;
        if (usable) {
            const ingredient: Ingredient = { identifiers: row.identifiers, amount: math.max(1, missing[i]), minCondition: range[0], maxCondition: range[1], prefer: "best" };
            inDatabase = countAvailable(s.store, dbId, ingredient, tagResolver, need);
            if (missing[i] > 0) { wanted[nWanted] = ingredient; nWanted++; }
        } else if (missing[i] > 0) {
            usableAll = false;
        }
        out[nOut] = { label: row.label, identifiers: row.identifiers, need, atHand: need - missing[i], inDatabase, usable };
        nOut++;
    }
    let coverable = usableAll;
    if (coverable && wanted.length > 0) coverable = planConsume(s.store, dbId, { ingredients: wanted }, tagResolver).ok;
    return { query, ok: true, text: dbId, recipeHash: recipe.RecipeHash, coverable, busy: fabricators.pulls.busy(fab.Item.ID), rows: out };
}

export class FabricatorQueries {
    private readonly last = new LuaMap<number, number>();
    constructor(
        private readonly s: HostServices,
        private readonly fabricators: Fabricators,
        private readonly isFed: (this: void, item: Item) => boolean,
    ) {}

    /** The answer to send, or undefined when nothing is sent (no client, no character, too fast). */
    answer(client: Client | undefined, query: FabQuery): StockAnswer | undefined {
        const now = this.s.now();
        const checked = checkRequest(client, query.itemId, query.identifier, query.hash, query.batches, now, this.last, QUERY_COOLDOWN, this.isFed);
        if (!checked.ok) {
            const who = client === undefined ? "?" : client.Name;
            once("fabricator:query:" + checked.code, now, LOG_INTERVAL, string.format("fabricator query from %s refused: %s", who, checked.message));
            if (checked.code !== "refused") return undefined;
            return { query, ok: false, text: checked.message, recipeHash: 0, coverable: false, busy: false, rows: [] };
        }
        const { fab, recipe, character } = checked.value;
        return stockFor(this.s, this.fabricators, query, fab, recipe, character);
    }

    /** `databaseio.fab.query` from a client: the answer goes to the asking client only. */
    onMessage(msg: IReadMessage, client: Client | undefined): void {
        const [success, err] = pcall(() => {
            const [read, query] = pcall(() => readQuery(msg));
            if (!read || type(query) !== "table") {
                once("fabricator:query:unreadable", this.s.now(), LOG_INTERVAL, "a fabricator query could not be read");
                return;
            }
            const answer = this.answer(client, query as FabQuery);
            if (answer === undefined || client === undefined) return;
            const w = Networking.Start(STOCK_MESSAGE);
            writeStock(w, answer);
            Networking.Send(w, client.Connection);
        });
        if (!success) once("fabricator:query:failed", this.s.now(), LOG_INTERVAL, string.format("a fabricator query failed: %s", err));
    }

    /** Dropping a client's cooldown entry when it leaves keeps the map small. */
    forget(sessionId: number): void {
        this.last.delete(sessionId);
    }
}
