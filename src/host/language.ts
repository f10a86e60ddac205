/**
 * The language player-facing lines are written in: the game's own language setting (the
 * player's in singleplayer, the server's in multiplayer: a vanilla client does not tell the
 * server its language). Anything unreadable falls back to English.
 */
import { Language, languageOf, playerText } from "./texts";

function identifierText(v: unknown): unknown {
    // LanguageIdentifier.Value is an Identifier; Identifier.Value is the string.
    if (type(v) === "string") return v;
    if (v === undefined || v === null) return undefined;
    const [success, inner] = pcall(() => (v as { Value: unknown }).Value);
    return success ? inner : undefined;
}

export function gameLanguage(): Language {
    const [success, name] = pcall(() => identifierText(GameSettings.CurrentConfig.Language.Value));
    return success ? languageOf(name) : "en";
}

/** A message in the game's language (see texts.ts). */
export function say(id: string, ...args: unknown[]): string {
    return playerText(id, gameLanguage(), ...args);
}
