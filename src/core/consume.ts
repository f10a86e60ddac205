/**
 * The one consume path of every automatic taker (restockers, fabricators, other mods): a request
 * of one or more ingredients is planned against the database, then taken all or nothing in ONE
 * transaction. Leased units are never candidates (they are not in Working), parked keys neither.
 * A plan (planConsume) and a consume build that transaction the same way (prepareConsume); the
 * plan simulates it and the consume commits it, so a plan and its execution cannot disagree.
 *
 * Cost: only the candidate keys (acceptable identifiers x qualities) and their exact ids are
 * looked at; nothing scans the whole database.
 */
import type { ItemKey } from "./keys";
import { makeKey } from "./keys";
import type { ItemRecord } from "./record";
import { ok, refuse, Result } from "./result";
import { formatAmount, isPositiveAmount } from "./amount";
import { isWellFormedIdentifier, MAX_QUALITY, plainRecordOf } from "./entries";
import type { DatabaseStore, StoreReader } from "./store";
import type { Transaction } from "./transaction";
import type { Database } from "./database";
import type { CommitValue, TakenUnits } from "./mutationEvents";

/** Which units go first: best (highest condition, then quality), worst, or oldest exact entries. */
export type ConsumePreference = "best" | "worst" | "oldest";

export interface Ingredient {
    /** Acceptable prefab identifiers (any case). */
    readonly identifiers?: readonly string[];
    /** Acceptable tags; the host resolves each to identifiers. */
    readonly tags?: readonly string[];
    /** Units wanted: a whole number from 1 to MAX_CONSUME_UNITS. */
    readonly amount: number;
    /** Condition range in percent, inclusive (default 0..100). */
    readonly minCondition?: number;
    readonly maxCondition?: number;
    /** Qualities accepted (default: every game quality, 0..3). */
    readonly qualities?: readonly number[];
    /** Default "best". */
    readonly prefer?: ConsumePreference;
    /** Accept exact entries that hold other items (default false: their contents would go too). */
    readonly allowContents?: boolean;
}

export interface ConsumeRequest {
    readonly ingredients: readonly Ingredient[];
}

/** Resolves a tag to prefab identifiers (a host callback: the core knows no prefabs). */
export type TagResolver = (this: void, tag: string) => readonly string[];

export interface ConsumePick {
    /** 1-based index of the ingredient in the request. */
    readonly ingredient: number;
    readonly key: ItemKey;
    readonly record: ItemRecord;
    readonly count: number;
    /** Set for an exact entry (count is then 1). */
    readonly exactId?: number;
}

export interface ConsumePlan {
    readonly dbId: string;
    readonly picks: readonly ConsumePick[];
    readonly units: number;
}

export interface ConsumeResult {
    readonly plan: ConsumePlan;
    readonly commit: CommitValue;
    /** What left the database (records to spawn); empty when the units went into a lease. */
    readonly taken: readonly TakenUnits[];
}

/** Most units one consume may move: a recipe batch or a restock is far below this. */
export const MAX_CONSUME_UNITS = 4096;
/** Most ingredients in one request. */
export const MAX_INGREDIENTS = 32;
/** Most candidate identifiers one ingredient may expand to (a tag resolving to everything is refused). */
export const MAX_CANDIDATES = 256;
/** Qualities a game item can have. */
export const GAME_QUALITIES: readonly number[] = [0, 1, 2, 3];

interface Candidate {
    readonly key: ItemKey;
    readonly record: ItemRecord;
    /** Aggregated units (exactId undefined) or one exact entry. */
    readonly available: number;
    readonly exactId?: number;
    readonly condition: number;
    readonly quality: number;
}

interface CheckedIngredient {
    readonly index: number;
    readonly amount: number;
    readonly keys: ItemKey[];
    readonly min: number;
    readonly max: number;
    readonly prefer: ConsumePreference;
    readonly allowContents: boolean;
}

function isPercent(n: unknown): boolean {
    return type(n) === "number" && (n as number) >= 0 && (n as number) <= 100;
}

function isQuality(n: unknown): boolean {
    return type(n) === "number" && (n as number) >= 0 && (n as number) <= MAX_QUALITY && math.floor(n as number) === n;
}

function describe(index: number): string {
    return string.format("ingredient %d", index);
}

function resolveTag(resolver: TagResolver | undefined, tag: string): Result<readonly string[]> {
    if (resolver === undefined) return refuse("no_resolver", "tag ingredients need a tag resolver");
    const [success, answer] = pcall(resolver, tag);
    if (!success || type(answer) !== "table") return refuse("resolver_failed", string.format("the tag '%s' could not be resolved", tag));
    return ok(answer as readonly string[]);
}

/** Validates one ingredient and expands it to its candidate keys (sorted, distinct). */
function checkIngredient(ingredient: Ingredient, index: number, resolver: TagResolver | undefined): Result<CheckedIngredient> {
    if (type(ingredient) !== "table") return refuse("invalid_request", describe(index) + " is missing");
    const amount = ingredient.amount;
    if (!isPositiveAmount(amount) || amount > MAX_CONSUME_UNITS) {
        return refuse(
            "invalid_amount",
            string.format("%s: the amount %s is not a whole number from 1 to %d", describe(index), formatAmount(amount), MAX_CONSUME_UNITS),
        );
    }
    const min = ingredient.minCondition ?? 0;
    const max = ingredient.maxCondition ?? 100;
    if (!isPercent(min) || !isPercent(max) || min > max) {
        return refuse("invalid_condition", describe(index) + ": the condition range must lie within 0..100 percent, lowest first");
    }
    const prefer = ingredient.prefer ?? "best";
    if (prefer !== "best" && prefer !== "worst" && prefer !== "oldest") {
        return refuse("invalid_preference", describe(index) + ": the preference must be best, worst or oldest");
    }
    const qualities = ingredient.qualities ?? GAME_QUALITIES;
    if (type(qualities) !== "table" || qualities.length === 0) return refuse("invalid_quality", describe(index) + ": no quality accepted");
    for (const q of qualities) {
        if (!isQuality(q)) return refuse("invalid_quality", describe(index) + ": a quality must be a whole number from 0 to 99");
    }
    const identifiers = new LuaMap<string, true>();
    const names: string[] = [];
    let nNames = 0;
    const add = (raw: unknown): Result<true> => {
        if (type(raw) !== "string") return refuse("invalid_identifier", describe(index) + ": an identifier is not text");
        const id = string.lower(raw as string);
        if (!isWellFormedIdentifier(id)) return refuse("invalid_identifier", describe(index) + ": '" + id + "' is not an item identifier");
        if (!identifiers.has(id)) {
            identifiers.set(id, true);
            names[nNames] = id;
            nNames++;
        }
        return ok(true);
    };
    for (const raw of ingredient.identifiers ?? []) {
        const added = add(raw);
        if (!added.ok) return added;
    }
    for (const tag of ingredient.tags ?? []) {
        if (type(tag) !== "string" || tag === "") return refuse("invalid_tag", describe(index) + ": a tag is empty");
        const resolved = resolveTag(resolver, tag);
        if (!resolved.ok) return resolved;
        for (const raw of resolved.value) {
            // A resolver may name prefabs whose identifiers the store would never hold; skip those.
            if (type(raw) === "string" && isWellFormedIdentifier(string.lower(raw as string))) add(raw);
        }
    }
    if (names.length === 0 && (ingredient.tags ?? []).length === 0) {
        return refuse("invalid_request", describe(index) + " names no identifier or tag");
    }
    if (names.length > MAX_CANDIDATES) {
        return refuse("too_broad", string.format("%s matches %d kinds of items (at most %d)", describe(index), names.length, MAX_CANDIDATES));
    }
    table.sort(names);
    const keys: ItemKey[] = [];
    let nKeys = 0;
    for (const id of names) {
        for (const q of qualities) { keys[nKeys] = makeKey(id, q); nKeys++; }
    }
    return ok({ index, amount, keys, min, max, prefer, allowContents: ingredient.allowContents === true });
}

/** Units of one candidate key that fit the ingredient, minus what earlier ingredients planned. */
function candidatesOf(db: Database, ing: CheckedIngredient, usedAgg: LuaMap<ItemKey, number>, usedExact: LuaMap<number, true>): Candidate[] {
    const list: Candidate[] = [];
    let nList = 0;
    for (const key of ing.keys) {
        if (db.isParked(key) || db.amount(key) <= 0) continue;
        const plain = plainRecordOf(key);
        const agg = db.aggregatedOf(key) - (usedAgg.get(key) ?? 0);
        if (agg > 0 && ing.min <= 100 && ing.max >= 100) {
            list[nList] = { key, record: plain, available: agg, condition: 100, quality: plain.quality };
            nList++;
        }
        if (db.exactCountOf(key) <= 0) continue;
        for (const id of db.exactIdsOf(key)) {
            if (usedExact.has(id)) continue;
            const entry = db.exactEntry(id);
            if (entry === undefined) continue;
            const r = entry.record;
            if (r.condition < ing.min || r.condition > ing.max) continue;
            if (r.contents.length > 0 && !ing.allowContents) continue;
            list[nList] = { key, record: r, available: 1, exactId: id, condition: r.condition, quality: r.quality };
            nList++;
        }
    }
    return list;
}

/** A total order for each preference (table.sort is unstable): ties end on key, then exact id. */
function orderFor(prefer: ConsumePreference): (this: void, a: Candidate, b: Candidate) => boolean {
    const tail = (a: Candidate, b: Candidate): boolean => {
        if (a.key !== b.key) return a.key < b.key;
        // Aggregated (no id) before exact entries, exact entries by id.
        const ia = a.exactId ?? 0;
        const ib = b.exactId ?? 0;
        return ia < ib;
    };
    if (prefer === "oldest") {
        return (a, b) => {
            const ea = a.exactId !== undefined;
            const eb = b.exactId !== undefined;
            if (ea !== eb) return ea;
            if (ea && a.exactId !== b.exactId) return a.exactId! < b.exactId!;
            return tail(a, b);
        };
    }
    const sign = prefer === "best" ? 1 : -1;
    return (a, b) => {
        if (a.condition !== b.condition) return sign * a.condition > sign * b.condition;
        if (a.quality !== b.quality) return sign * a.quality > sign * b.quality;
        return tail(a, b);
    };
}

/** Picks the units for `request` (every ingredient in full, or a refusal); changes nothing. */
function pickConsume(store: StoreReader, dbId: string, request: ConsumeRequest, resolver: TagResolver | undefined): Result<ConsumePlan> {
    const db = store.database(dbId);
    if (db === undefined) return refuse("unknown_database", string.format("there is no database '%s'", dbId));
    if (db.readOnlyReason !== undefined) return refuse("read_only", string.format("database '%s' is read-only: %s", db.id, db.readOnlyReason));
    if (type(request) !== "table" || type(request.ingredients) !== "table" || request.ingredients.length === 0) {
        return refuse("invalid_request", "a consume request needs at least one ingredient");
    }
    if (request.ingredients.length > MAX_INGREDIENTS) {
        return refuse("invalid_request", string.format("a consume request has at most %d ingredients", MAX_INGREDIENTS));
    }
    const checked: CheckedIngredient[] = [];
    let nChecked = 0;
    let total = 0;
    for (let i = 0; i < request.ingredients.length; i++) {
        const result = checkIngredient(request.ingredients[i], i + 1, resolver);
        if (!result.ok) return result;
        checked[nChecked] = result.value;
        nChecked++;
        total += result.value.amount;
    }
    if (total > MAX_CONSUME_UNITS) {
        return refuse("invalid_amount", string.format("a consume request moves at most %d units, not %s", MAX_CONSUME_UNITS, formatAmount(total)));
    }
    // The narrowest ingredients pick first, so a broad (tag) one does not eat what a specific one needs.
    const order = [...checked];
    table.sort(order, (a, b) => (a.keys.length !== b.keys.length ? a.keys.length < b.keys.length : a.index < b.index));
    const usedAgg = new LuaMap<ItemKey, number>();
    const usedExact = new LuaMap<number, true>();
    const picks: ConsumePick[] = [];
    let nPicks = 0;
    for (const ing of order) {
        const candidates = candidatesOf(db, ing, usedAgg, usedExact);
        table.sort(candidates, orderFor(ing.prefer));
        let need = ing.amount;
        for (const c of candidates) {
            if (need <= 0) break;
            const n = math.min(need, c.available);
            if (c.exactId !== undefined) {
                usedExact.set(c.exactId, true);
                picks[nPicks] = { ingredient: ing.index, key: c.key, record: c.record, count: 1, exactId: c.exactId };
                nPicks++;
            } else {
                usedAgg.set(c.key, (usedAgg.get(c.key) ?? 0) + n);
                picks[nPicks] = { ingredient: ing.index, key: c.key, record: c.record, count: n };
                nPicks++;
            }
            need -= n;
        }
        if (need > 0) {
            return refuse(
                "insufficient",
                string.format("%s: %d of %d unit(s) available in '%s'", describe(ing.index), ing.amount - need, ing.amount, db.id),
            );
        }
    }
    table.sort(picks, (a, b) => {
        if (a.ingredient !== b.ingredient) return a.ingredient < b.ingredient;
        if (a.key !== b.key) return a.key < b.key;
        return (a.exactId ?? 0) < (b.exactId ?? 0);
    });
    return ok({ dbId: db.id, picks, units: total });
}

/** The picks for `request` and the one transaction that takes them (or leases them out). */
function prepareConsume(
    store: DatabaseStore,
    dbId: string,
    source: string,
    request: ConsumeRequest,
    resolver: TagResolver | undefined,
    intoLease: number | undefined,
): Result<{ readonly plan: ConsumePlan; readonly tx: Transaction }> {
    const planned = pickConsume(store, dbId, request, resolver);
    if (!planned.ok) return planned;
    const plan = planned.value;
    const tx = store.transaction(plan.dbId, source);
    for (const pick of plan.picks) {
        if (intoLease !== undefined) {
            if (pick.exactId !== undefined) tx.leaseOutExact(intoLease, pick.exactId);
            else tx.leaseOut(intoLease, pick.key, pick.count);
        } else if (pick.exactId !== undefined) {
            tx.takeExact(pick.exactId);
        } else {
            tx.take(pick.key, pick.count);
        }
    }
    return ok({ plan, tx });
}

/**
 * Plans `request` against database `dbId` without changing anything: the transaction consume
 * would commit, simulated. Every ingredient must be covered in full or the whole plan is refused
 * ("insufficient", naming the first short one), and so is a plan its transaction would refuse.
 */
export function planConsume(store: DatabaseStore, dbId: string, request: ConsumeRequest, resolver?: TagResolver): Result<ConsumePlan> {
    const prepared = prepareConsume(store, dbId, "plan", request, resolver, undefined);
    if (!prepared.ok) return prepared;
    const simulated = prepared.value.tx.simulate();
    if (!simulated.ok) return simulated;
    return ok(prepared.value.plan);
}

/**
 * Plans and takes `request` in one transaction, all or nothing. With `intoLease` the units move
 * into that open lease instead (the caller spawns them and consumes each one from the lease when
 * it is placed, so a save in between holds them exactly once).
 */
export function consume(
    store: DatabaseStore,
    dbId: string,
    source: string,
    request: ConsumeRequest,
    resolver?: TagResolver,
    intoLease?: number,
): Result<ConsumeResult> {
    const prepared = prepareConsume(store, dbId, source, request, resolver, intoLease);
    if (!prepared.ok) return prepared;
    const { plan, tx } = prepared.value;
    const committed = tx.commit();
    if (!committed.ok) return committed;
    return ok({ plan, commit: committed.value, taken: committed.value.taken });
}

/**
 * Units of database `dbId` that would satisfy `ingredient` (its amount is ignored), counted up to
 * `cap`. Lets a taker that accepts less (a restocker) ask for what is there instead of failing.
 */
export function countAvailable(store: StoreReader, dbId: string, ingredient: Ingredient, resolver: TagResolver | undefined, cap: number): number {
    const db = store.database(dbId);
    if (db === undefined || db.readOnlyReason !== undefined) return 0;
    const checked = checkIngredient({ ...ingredient, amount: 1 }, 1, resolver);
    if (!checked.ok) return 0;
    let n = 0;
    for (const c of candidatesOf(db, checked.value, new LuaMap<ItemKey, number>(), new LuaMap<number, true>())) {
        n += c.available;
        if (n >= cap) return cap;
    }
    return n;
}
