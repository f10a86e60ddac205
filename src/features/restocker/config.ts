import { interfaceElementAt, RESTOCKER_CONFIG_POSITION } from "../shared/interfaceFields";
import { cleanFieldText } from "../shared/fieldText";

/**
 * What a restocker keeps stocked, read from text a player or a submarine designer wrote: the
 * device's "config" text field, or, when that is empty, item tags of the form `stock:<word>`
 * (editable in the submarine editor; tags are split on commas, so one word per tag).
 *
 * Words (any order, separated by spaces, commas, semicolons or new lines):
 *   oxygentank            an item identifier to keep stocked (several allowed: first found wins)
 *   tag:weldingfuel       every item carrying that tag
 *   amount=2              target units (default 1), per slot or per container (below)
 *   per=slot|container    amount per usable slot (default) or for the whole container
 *   spent=yes|no          take spent items (condition 0, empty tanks) back into the database (default yes)
 *   min=50                lowest condition percent a supplied unit may have (default 100: full units only)
 *
 * The text may be anything a player types (Chinese included): it is split with plain finds only,
 * never with pattern classes, and unknown words are reported, not guessed.
 */

export interface RestockConfig {
    readonly identifiers: readonly string[];
    readonly tags: readonly string[];
    readonly amount: number;
    readonly perSlot: boolean;
    readonly replaceSpent: boolean;
    readonly minCondition: number;
    /** Words that were not understood (shown to the player and logged once). */
    readonly problems: readonly string[];
}

export const MAX_STOCK_AMOUNT = 1000;
/** More kinds than this per restocker is refused: each one is a watch and a lookup. */
export const MAX_STOCK_KINDS = 16;
/** A run of characters that are none of the separators: space , ; newline, return, tab. */
const WORD_PATTERN = "([^ ,;\n\r\t]+)";

/**
 * Splits on any separator with one gmatch (positional finds would copy the whole text per word on
 * MoonSharp). The pattern's only class is the set of separators, which compares UTF-16 units as
 * they are (docs/platform.md). Empty words are dropped.
 */
export function splitWords(text: string): string[] {
    const words: string[] = [];
    let nWords = 0;
    for (const [word] of string.gmatch(text, WORD_PATTERN)) {
        words[nWords] = word;
        nWords++;
    }
    return words;
}

function afterPrefix(word: string, prefix: string): string | undefined {
    if (string.sub(word, 1, prefix.length) !== prefix) return undefined;
    return string.sub(word, prefix.length + 1);
}

function wholeNumber(text: string, low: number, high: number): number | undefined {
    const n = tonumber(text);
    if (n === undefined || n !== math.floor(n) || n < low || n > high) return undefined;
    return n;
}

function yesNo(text: string): boolean | undefined {
    if (text === "yes" || text === "on" || text === "true" || text === "1") return true;
    if (text === "no" || text === "off" || text === "false" || text === "0") return false;
    return undefined;
}

/** Letters, digits and the few marks identifiers use; anything else is not an identifier. */
function looksLikeIdentifier(word: string): boolean {
    if (word === "" || word.length > 64) return false;
    for (let i = 1; i <= word.length; i++) {
        const c = string.sub(word, i, i);
        const isLower = c >= "a" && c <= "z";
        const isDigit = c >= "0" && c <= "9";
        if (!isLower && !isDigit && c !== "_" && c !== "-" && c !== ".") return false;
    }
    return true;
}

export function parseConfig(text: string): RestockConfig {
    const identifiers: string[] = [];
    const tags: string[] = [];
    const problems: string[] = [];
    let amount = 1;
    let perSlot = true;
    let replaceSpent = true;
    let minCondition = 100;
    for (const raw of splitWords(text)) {
        const word = string.lower(raw);
        const tag = afterPrefix(word, "tag:");
        const amountText = afterPrefix(word, "amount=");
        const perText = afterPrefix(word, "per=");
        const spentText = afterPrefix(word, "spent=");
        const minText = afterPrefix(word, "min=");
        if (tag !== undefined) {
            if (looksLikeIdentifier(tag) && identifiers.length + tags.length < MAX_STOCK_KINDS) tags.push(tag);
            else problems.push(raw);
        } else if (amountText !== undefined) {
            const n = wholeNumber(amountText, 1, MAX_STOCK_AMOUNT);
            if (n !== undefined) amount = n;
            else problems.push(raw);
        } else if (perText !== undefined) {
            if (perText === "slot") perSlot = true;
            else if (perText === "container") perSlot = false;
            else problems.push(raw);
        } else if (spentText !== undefined) {
            const v = yesNo(spentText);
            if (v !== undefined) replaceSpent = v;
            else problems.push(raw);
        } else if (minText !== undefined) {
            const n = wholeNumber(minText, 1, 100);
            if (n !== undefined) minCondition = n;
            else problems.push(raw);
        } else if (looksLikeIdentifier(word) && identifiers.length + tags.length < MAX_STOCK_KINDS) {
            if (!identifiers.includes(word)) identifiers.push(word);
        } else {
            problems.push(raw);
        }
    }
    return { identifiers, tags, amount, perSlot, replaceSpent, minCondition, problems };
}

/**
 * The config text of a restocker: its text field (found by position, never by its Label, which
 * the game localizes: see shared/interfaceFields.ts), else its `stock:` tags joined.
 */
/** The config field's maxtextlength in mod/Items/Restocker.xml. */
const MAX_CONFIG_LENGTH = 200;

/** What the config field keeps of a typed text: no control characters, line breaks as spaces. */
export function cleanConfigText(raw: unknown): string {
    return cleanFieldText(raw, MAX_CONFIG_LENGTH, true);
}

export function configTextOf(item: Item): string {
    const element = interfaceElementAt(item, RESTOCKER_CONFIG_POSITION);
    if (element !== undefined) {
        const raw = element.Signal;
        // Player text is saved with the item: it is cleaned in place before any save can see it.
        const text = cleanConfigText(raw);
        if (text !== raw) element.Signal = text;
        if (text !== "") return text;
    }
    const words: string[] = [];
    const tags = item.Tags;
    if (tags !== undefined && tags !== "") {
        for (const tag of splitWords(tags)) {
            const rest = afterPrefix(string.lower(tag), "stock:");
            if (rest !== undefined && rest !== "") words.push(rest);
        }
    }
    return table.concat(words, " ");
}
