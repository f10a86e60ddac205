/**
 * Player-facing messages of the Lua code in every language the mod ships (English, Simplified
 * Chinese), in one place. Item names, descriptions and button labels live in mod/Texts/*.xml (the
 * game looks them up itself); the lines below are the ones the Lua code sends to players in chat.
 *
 * `playerText(id, language, ...args)` formats a message: `%s` placeholders, filled in order, the
 * same placeholders in every language (test/spec/texts_spec.lua checks that every message has every
 * language and matching placeholders). An unknown id or language falls back to English, then to
 * the id itself, so a missing text never raises.
 */
export type Language = "en" | "zh";

export const LANGUAGES: readonly Language[] = ["en", "zh"];

interface Message {
    readonly en: string;
    readonly zh: string;
}

/** Message id -> text per language. Ids of ingest refusals are their refusal codes. */
export const MESSAGES: { readonly [id: string]: Message } = {
    // Ingest refusals (host/policy.ts), shown as "<item>: <reason>" by interfaces and terminals.
    "ingest.gone": { en: "that item no longer exists", zh: "该物品已不存在" },
    "ingest.no_core": {
        en: "database '%s' has no Database Core on this submarine: build one to store items",
        zh: "数据库“%s”在这艘潜艇上没有数据库核心：请建造一个以存放物品",
    },
    "ingest.read_only": { en: "database '%s' is read-only: %s", zh: "数据库“%s”为只读：%s" },
    "ingest.contained": {
        en: "that belongs inside its container: store the container as a whole",
        zh: "该物品属于它所在的容器：请将整个容器一起存入",
    },
    "ingest.device": { en: "Database IO devices cannot be stored in a database", zh: "Database IO 设备不能存入数据库" },
    "ingest.device_inside": {
        en: "it holds a Database IO device, which cannot be stored in a database",
        zh: "其中装有 Database IO 设备，无法存入数据库",
    },
    "ingest.illegitimate": {
        en: "that belongs to the outpost: it cannot be stored until it is yours",
        zh: "该物品属于前哨站：在它归你所有之前无法存入",
    },
    "ingest.full": { en: "database '%s' is full (%s of %s units)", zh: "数据库“%s”已满（%s / %s 个单位）" },
    "ingest.full_keys": {
        en: "database '%s' holds the most kinds of items it may (%s)",
        zh: "数据库“%s”的物品种类已达上限（%s）",
    },
    "ingest.item_reason": { en: "%s: %s", zh: "%s：%s" },
    // Terminals (features/terminal/).
    "terminal.handed_back": { en: "Not stored, handed back: %s", zh: "未存入，已退还：%s" },
    "terminal.left_in_terminal": { en: "Not stored, left in the terminal: %s", zh: "未存入，留在终端中：%s" },
    // Fabricators (features/fabricator/).
    "fabricator.on_the_way": {
        en: "ingredients from the database are still on their way",
        zh: "来自数据库的原料仍在运送途中",
    },
    "fabricator.not_placed": {
        en: "some ingredients for %s could not be placed and went back to database '%s'",
        zh: "%s 的部分原料无法放入，已退回数据库“%s”",
    },
    "fabricator.press_start": {
        en: "the ingredients for %s are in the fabricator: press Start again",
        zh: "%s 的原料已放入制造机：请再次按下“开始”",
    },
    "fabricator.coming": {
        en: "%s ingredient unit(s) for %s x%s are on their way from the database",
        zh: "%s 个原料单位（用于 %s x%s）正从数据库运来",
    },
    "fabricator.at_hand": { en: "everything for %s x%s is already at hand", zh: "%s x%s 所需的一切都已备齐" },
    "fabricator.short": {
        en: "%s x%s: database '%s' is short of %s",
        zh: "%s x%s：数据库“%s”缺少 %s",
    },
    "fabricator.unreadable": { en: "that fill request could not be read", zh: "无法读取该填充请求" },
    "fabricator.too_fast": { en: "too many fill requests", zh: "填充请求过于频繁" },
    "fabricator.no_character": { en: "you have no character", zh: "你没有角色" },
};

/** The language of a game language name ("English", "Simplified Chinese"); English otherwise. */
export function languageOf(gameLanguage: unknown): Language {
    if (type(gameLanguage) !== "string") return "en";
    const lowered = string.lower(gameLanguage as string);
    const [chinese] = string.find(lowered, "chinese", 1, true);
    const [simplified] = string.find(lowered, "simplified", 1, true);
    return chinese !== undefined && simplified !== undefined ? "zh" : "en";
}

/** The message `id` in `language`, `%s` placeholders filled with `args` (as text) in order. */
export function playerText(id: string, language: Language, ...args: unknown[]): string {
    const message = MESSAGES[id];
    if (message === undefined) return id;
    const template = (language === "zh" ? message.zh : message.en) ?? message.en;
    const texts: string[] = [];
    let nTexts = 0;
    for (const a of args) { texts[nTexts] = type(a) === "number" ? string.format("%d", math.floor(a as number)) : type(a) === "string" ? (a as string) : "?"; nTexts++; }
    const [success, text] = pcall(() => string.format(template, ...texts));
    return success ? (text as string) : template;
}
