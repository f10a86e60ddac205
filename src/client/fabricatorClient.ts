/**
 * The network side of the fabricator's "fill from database" button on a multiplayer client with
 * client-side LuaCs: follows what the local player has chosen, sends `databaseio.fab.query` when
 * the model says so, feeds `databaseio.fab.stock` answers to it and sends `databaseio.fab.fill`
 * when Fill is pressed. Works without any GUI (the panel only draws the model and calls fill()).
 *
 * The recipe chosen in the fabricator's menu is `Fabricator.SelectedItem`, a property of the
 * client build only (BarotraumaClient ClientSource/Items/Components/Machines/Fabricator.cs:
 * `public FabricationRecipe SelectedItem => selectedItem`); the batches are the shared
 * `AmountToFabricate`. Both are read guarded: anything unexpected means "nothing chosen".
 */
import { FabricatorModel, FabSelection } from "./fabricatorModel";
import { FabQuery, FILL_MESSAGE, QUERY_MESSAGE, readStock, STOCK_MESSAGE, writeQuery } from "../protocol/fabricator";
import { isFedFabricator, receive } from "./game";

export interface FabTransport {
    now(this: void): number;
    start(this: void, name: string): IWriteMessage;
    send(this: void, msg: IWriteMessage): void;
}

export type SelectionSource = (this: void) => FabSelection | undefined;

/** What the local player has chosen on a fed fabricator they use (undefined: nothing). */
export function gameSelection(this: void): FabSelection | undefined {
    const me = Character.Controlled;
    if (me === undefined || me.IsDead) return undefined;
    const item = me.SelectedItem;
    if (item === undefined || !isFedFabricator(item)) return undefined;
    const fab = item.GetComponentString("Fabricator");
    if (fab === undefined) return undefined;
    const [success, recipe] = pcall(() => (fab as unknown as { readonly SelectedItem: FabricationRecipe | undefined }).SelectedItem);
    if (!success || recipe === undefined || recipe === null) return undefined;
    const chosen = recipe as FabricationRecipe;
    const batches = math.max(1, math.min(99, math.floor(fab.AmountToFabricate)));
    return { itemId: item.ID, identifier: string.lower(chosen.TargetItem.Identifier.Value), hash: chosen.RecipeHash, batches };
}

export class FabricatorClient {
    readonly model = new FabricatorModel();
    queries = 0;
    fills = 0;
    answers = 0;
    unreadable = 0;

    constructor(private readonly transport: FabTransport, private readonly source: SelectionSource) {}

    /** Every update: follow the choice, send a query when one is due. */
    update(): void {
        const now = this.transport.now();
        const [success, choice] = pcall(this.source);
        this.model.select(success ? (choice as FabSelection | undefined) : undefined, now);
        const query = this.model.due(now);
        if (query !== undefined) {
            this.send(QUERY_MESSAGE, query);
            this.queries++;
        }
    }

    /** A `databaseio.fab.stock` message; never raises. */
    receive(msg: IReadMessage): void {
        const [success, answer] = pcall(() => readStock(msg));
        if (!success || type(answer) !== "table") {
            this.unreadable++;
            return;
        }
        this.answers++;
        this.model.receive(answer as ReturnType<typeof readStock>);
    }

    /** The Fill button: sends the fill request when the model allows it. */
    fill(): boolean {
        const request = this.model.fill(this.transport.now());
        if (request === undefined) return false;
        this.send(FILL_MESSAGE, request);
        this.fills++;
        return true;
    }

    private send(name: string, query: FabQuery): void {
        const w = this.transport.start(name);
        writeQuery(w, query);
        this.transport.send(w);
    }
}

/** Starts the client side: receives answers; the caller calls update() every think. */
export function startFabricatorClient(transport: FabTransport, source: SelectionSource = gameSelection): FabricatorClient {
    const client = new FabricatorClient(transport, source);
    receive(STOCK_MESSAGE, (msg) => {
        client.receive(msg);
    });
    return client;
}
