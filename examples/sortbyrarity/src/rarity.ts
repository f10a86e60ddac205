/**
 * The "rarity" terminal sort mode: the rarest rows first. Higher quality is rarer; within a
 * quality, fewer units is rarer; damaged or special exact entries (one unit each) count as the
 * rarest of their quality. Ties are left to the terminal (name, key, exact id).
 */
export const SORT_ID = "dbioexample.rarity";
const SORT_LABEL = "Rarity";

/** The quality in a key "identifier#quality" (plain find: no patterns over text). */
function qualityOf(key: string): number {
    const [at] = string.find(key, "#", 1, true);
    if (at === undefined) return 0;
    return tonumber(string.sub(key, at + 1)) ?? 0;
}

/** Negative: `a` is rarer and comes first. */
export function compareRarity(this: void, a: DatabaseIO.TerminalRow, b: DatabaseIO.TerminalRow): number {
    const qa = qualityOf(a.key);
    const qb = qualityOf(b.key);
    if (qa !== qb) return qb - qa;
    return a.amount - b.amount;
}

export function installSortMode(api: DatabaseIO.Api): DatabaseIO.Result<string> {
    return api.registerSortMode(SORT_ID, SORT_LABEL, compareRarity);
}
