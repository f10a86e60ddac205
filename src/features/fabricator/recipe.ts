/**
 * Reading the game's fabrication recipes into plain rows: which identifiers each ingredient row
 * accepts, how many, and its condition range in percent (the game's RequiredItem keeps fractions
 * 0..1; our records keep percent). Also which recipes a fabricator can make, the way the
 * Fabricator constructor decides it (SuitableFabricatorIdentifiers empty, or naming the
 * fabricator's identifier or one of its tags), so a client cannot name any other.
 */
import { toArray } from "../../host/clr";
import { prefabIdOf } from "../../host/devices";
import { itemPrefab } from "../../host/itemPrefabs";

export interface RecipeRow {
    /** 1-based position in the recipe. */
    readonly index: number;
    /** Accepted prefab identifiers, lower case, sorted, distinct. */
    readonly identifiers: readonly string[];
    /** Units per batch. */
    readonly amount: number;
    /** Condition range as fractions, as the game compares it. */
    readonly minFraction: number;
    readonly maxFraction: number;
    /** Player-visible name of the first accepted prefab. */
    readonly label: string;
}

/** Most batches one request may ask for (the game's MaxAmountToFabricate). */
export const MAX_BATCHES = 99;
const NEARLY = 0.0001;

export function rowsOf(recipe: FabricationRecipe): RecipeRow[] {
    const rows: RecipeRow[] = [];
    let nRows = 0;
    let index = 0;
    for (const required of toArray<FabricationRequiredItem>(recipe.RequiredItems)) {
        index++;
        const seen = new LuaMap<string, true>();
        const identifiers: string[] = [];
        let nIdentifiers = 0;
        let label = "";
        for (const prefab of toArray<ItemPrefab>(required.ItemPrefabs)) {
            const id = string.lower(prefab.Identifier.Value);
            if (label === "") label = prefab.Name.Value;
            if (!seen.has(id)) {
                seen.set(id, true);
                identifiers[nIdentifiers] = id;
                nIdentifiers++;
            }
        }
        table.sort(identifiers);
        rows[nRows] = { index, identifiers, amount: required.Amount, minFraction: required.MinCondition, maxFraction: required.MaxCondition, label };
        nRows++;
    }
    return rows;
}

/** RequiredItem.IsConditionSuitable: within the range, or nearly equal to either end. */
export function conditionFits(row: RecipeRow, conditionPercent: number): boolean {
    const n = conditionPercent / 100;
    if (math.abs(n - row.minFraction) < NEARLY || math.abs(n - row.maxFraction) < NEARLY) return true;
    return n >= row.minFraction && n <= row.maxFraction;
}

/** The range in percent for the database (widened by the game's tolerance, clamped to 0..100). */
export function percentRange(row: RecipeRow): [number, number] | undefined {
    const min = math.max(0, row.minFraction * 100 - NEARLY * 100);
    const max = math.min(100, row.maxFraction * 100 + NEARLY * 100);
    if (min > max) return undefined;
    return [min, max];
}

/** A recipe's name for messages. */
export function recipeLabel(recipe: FabricationRecipe): string {
    return recipe.TargetItem.Name.Value;
}

/** Whether the fabricator item `fabItem` can make `recipe` (as the Fabricator constructor filters). */
export function canMake(fabItem: Item, recipe: FabricationRecipe): boolean {
    const suitable = toArray<Identifier>(recipe.SuitableFabricatorIdentifiers);
    if (suitable.length === 0) return true;
    const own = prefabIdOf(fabItem);
    for (const id of suitable) {
        const value = id.Value;
        if (string.lower(value) === own || fabItem.HasTag(value)) return true;
    }
    return false;
}

/** The recipes that make `prefab` (ItemPrefab.FabricationRecipes, a dictionary by hash). */
function recipesMaking(prefab: ItemPrefab): FabricationRecipe[] {
    const [success, raw] = pcall(() => prefab.FabricationRecipes);
    if (!success || raw === undefined || raw === null) return [];
    const out: FabricationRecipe[] = [];
    let nOut = 0;
    if (type(raw) === "table") {
        for (const [, recipe] of pairs(raw as LuaTable<AnyNotNil, FabricationRecipe>)) { out[nOut] = recipe; nOut++; }
    } else {
        // A dictionary left as userdata enumerates KeyValuePairs.
        for (const pair of raw as LuaIterable<{ readonly Value: FabricationRecipe }>) { out[nOut] = pair.Value; nOut++; }
    }
    table.sort(out, (a, b) => a.RecipeHash < b.RecipeHash);
    return out;
}

/**
 * The recipe for `identifier` that the fabricator item can make: the one with `hash` when it is
 * not 0, else the first one. Undefined when there is none.
 */
export function findRecipe(fabItem: Item, identifier: string, hash: number): FabricationRecipe | undefined {
    if (type(identifier) !== "string" || identifier === "") return undefined;
    const prefab = itemPrefab(identifier);
    if (prefab === undefined || string.lower(prefab.Identifier.Value) !== string.lower(identifier)) return undefined;
    for (const recipe of recipesMaking(prefab)) {
        if (hash !== 0 && recipe.RecipeHash !== hash) continue;
        if (canMake(fabItem, recipe)) return recipe;
    }
    return undefined;
}
