/**
 * Player text for the terminal: the search field. The text may be anything a client sends
 * (10,000 characters, control characters, Chinese), so it is cut and cleaned with plain finds
 * and sub only: MoonSharp strings are UTF-16 and its patterns see only the low byte of a char.
 */
export const MAX_SEARCH_LENGTH = 64;

let controlChars: string[] | undefined;

function controls(): string[] {
    if (controlChars === undefined) {
        controlChars = [];
        for (let c = 0; c < 32; c++) controlChars.push(string.char(c));
        controlChars.push(string.char(127));
    }
    return controlChars;
}

function replaceAll(text: string, needle: string, by: string): string {
    let out = text;
    for (;;) {
        const [at] = string.find(out, needle, 1, true);
        if (at === undefined) return out;
        out = string.sub(out, 1, at - 1) + by + string.sub(out, at + needle.length);
    }
}

const WORD_BREAKS: { [c: string]: true | undefined } = { ["\t"]: true, ["\n"]: true, ["\r"]: true };

function trimSpaces(text: string): string {
    let from = 1;
    let to = text.length;
    while (from <= to && string.sub(text, from, from) === " ") from++;
    while (to >= from && string.sub(text, to, to) === " ") to--;
    return string.sub(text, from, to);
}

/**
 * A text field's text as it may stay: at most `maxLength` chars (64 by default), no control
 * characters (the field's Signal is saved with the item in an XML attribute, and XML 1.0 has no
 * place for most of them: the save would fail). With `wordBreaks`, a tab or line break becomes a
 * space (it separated words); every other control character is dropped.
 */
export function cleanFieldText(raw: unknown, maxLength: number = MAX_SEARCH_LENGTH, wordBreaks = false): string {
    if (type(raw) !== "string") return "";
    // Cut first so a 10,000-char input costs no more than a short one.
    let text = string.sub(raw as string, 1, maxLength * 4);
    for (const c of controls()) text = replaceAll(text, c, wordBreaks && WORD_BREAKS[c] === true ? " " : "");
    return string.sub(text, 1, maxLength);
}

/** The search query from a text field: cleaned, trimmed, lower case. */
export function cleanSearch(raw: unknown): string {
    return string.lower(trimSpaces(cleanFieldText(raw)));
}

/** Plain, case-insensitive containment; `needle` is already lower case. */
export function containsText(haystack: string, needle: string): boolean {
    if (needle === "") return true;
    const [at] = string.find(string.lower(haystack), needle, 1, true);
    return at !== undefined;
}
