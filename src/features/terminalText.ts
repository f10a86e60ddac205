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

function removeAll(text: string, needle: string): string {
    let out = text;
    for (;;) {
        const [at] = string.find(out, needle, 1, true);
        if (at === undefined) return out;
        out = string.sub(out, 1, at - 1) + string.sub(out, at + needle.length);
    }
}

function trimSpaces(text: string): string {
    let from = 1;
    let to = text.length;
    while (from <= to && string.sub(text, from, from) === " ") from++;
    while (to >= from && string.sub(text, to, to) === " ") to--;
    return string.sub(text, from, to);
}

/** The text field's text as it may stay: at most 64 chars, no control characters (saved in XML). */
export function cleanFieldText(raw: unknown): string {
    if (type(raw) !== "string") return "";
    // Cut first so a 10,000-char input costs no more than a short one.
    let text = string.sub(raw as string, 1, MAX_SEARCH_LENGTH * 4);
    for (const c of controls()) text = removeAll(text, c);
    return string.sub(text, 1, MAX_SEARCH_LENGTH);
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
