// Turns the mod's item XML (the single source of truth) into prefab definitions for the
// simulated runtime, in the format documented in test/sim (identifier, name = { en, zh },
// category (a name, or a list of names for several flags), tags, maxStackSize, maxCondition,
// hasQuality, components). Components the sim format describes (ItemContainer,
// MemoryComponent, Powered, CustomInterface) get typed fields; any other component is written
// as { type = "<Name>", props = { <lower-case attribute> = "<value>" } }.
import { existsSync, readFileSync } from "node:fs";
import { attrsOf, childrenOf, lineOf, parseOrdered, rootOf, tagOf, textOf } from "./xml.mjs";
import { rel, resolveModDir } from "./paths.mjs";
import { toLua } from "./lua-literal.mjs";

/** Barotrauma item components (the ones an <Item> element may contain). */
const COMPONENTS = new Set([
    "ItemComponent", "AndComponent", "OrComponent", "XorComponent", "AdderComponent", "DivideComponent",
    "MultiplyComponent", "SubtractComponent", "ButtonTerminal", "ColorComponent", "ConnectionPanel",
    "Controller", "CustomInterface", "DelayComponent", "DockingPort", "EntitySpawnerComponent",
    "EqualsComponent", "GreaterComponent", "ExponentiationComponent", "FunctionComponent", "GeneticMaterial",
    "Growable", "ItemContainer", "ItemLabel", "Ladder", "LevelResource", "MemoryComponent", "ModuloComponent",
    "MotionSensor", "NameTag", "NotComponent", "OscillatorComponent", "OutpostTerminal", "OxygenDetector",
    "Pickable", "Door", "Holdable", "MeleeWeapon", "Throwable", "IdCard", "Planter", "Wearable", "Powered",
    "Deconstructor", "ElectricalDischarger", "Engine", "Fabricator", "LightComponent", "MiniMap",
    "OxygenGenerator", "PowerContainer", "PowerTransfer", "RelayComponent", "Pump", "Reactor", "Sonar",
    "SonarTransducer", "Steering", "Turret", "Projectile", "Propulsion", "Quality", "RangedWeapon", "Sprayer",
    "RegExFindComponent", "RemoteController", "Repairable", "RepairTool", "Rope", "Scanner",
    "SignalCheckComponent", "SmokeDetector", "StatusHUD", "ConcatComponent", "Terminal", "TriggerComponent",
    "TrigonometricFunctionComponent", "Vent", "WaterDetector", "WifiComponent", "Wire",
]);
const COMPONENT_BY_LOWER = new Map([...COMPONENTS].map((c) => [c.toLowerCase(), c]));

/** Text-file language -> key in a prefab's `name` table. */
const LANGUAGE_KEYS = new Map([
    ["english", "en"],
    ["simplified chinese", "zh"],
]);
const LANGUAGE_NAMES = { en: "English", zh: "Simplified Chinese" };

// The element names the game's CustomInterface constructor takes (its switch on the lower-case
// child name; anything else is skipped), in the order of customInterfaceElementList.
const CUSTOM_INTERFACE_ELEMENTS = new Set(["button", "tickbox", "textbox", "integerinput", "numberinput"]);

class PrefabError extends Error {
    constructor(file, line, message) {
        super(message);
        this.finding = { file, line, column: 1, message };
    }
}

function splitList(value) {
    if (value === undefined) return [];
    return value
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== "");
}

function num(attrs, name, fallback, file, text) {
    const raw = attrs[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new PrefabError(file, lineOf(text, `${raw}`), `${name}="${raw}" is not a number`);
    return n;
}

function bool(attrs, name, fallback) {
    const raw = attrs[name];
    if (raw === undefined) return fallback;
    return raw.trim().toLowerCase() === "true";
}

/** Every <LuaHook name="..."> below an element, in document order. */
function luaHooks(node) {
    const out = [];
    for (const child of childrenOf(node)) {
        if (tagOf(child).toLowerCase() === "luahook") {
            const name = attrsOf(child).name;
            if (name !== undefined && name !== "") out.push(name);
        } else {
            out.push(...luaHooks(child));
        }
    }
    return out;
}

function customInterfaceElements(node, file, text, texts) {
    const out = [];
    for (const child of childrenOf(node)) {
        const kind = tagOf(child).toLowerCase();
        if (!CUSTOM_INTERFACE_ELEMENTS.has(kind)) continue;
        const a = attrsOf(child);
        const el = { kind, label: a.text ?? "" };
        // The mod's own translation of the label's text tag, per language: the simulated
        // CustomInterface localizes labels with it, as the game's TextManager.Get does.
        const translations = {};
        for (const [key, entries] of texts) {
            const value = entries.get(el.label.toLowerCase());
            if (value !== undefined && value !== "") translations[key] = value;
        }
        if (Object.keys(translations).length > 0) el.text = translations;
        const hooks = luaHooks(child);
        if (hooks.length > 0) el.hooks = hooks;
        if (a.signal !== undefined) el.signal = a.signal;
        if (kind === "textbox" && a.maxtextlength !== undefined) el.maxTextLength = num(a, "maxtextlength", 0, file, text);
        if (kind === "integerinput" || kind === "numberinput") {
            if (a.min !== undefined) el.min = num(a, "min", 0, file, text);
            if (a.max !== undefined) el.max = num(a, "max", 0, file, text);
        }
        out.push(el);
    }
    return out;
}

function componentOf(node, type, file, text, texts) {
    const a = attrsOf(node);
    switch (type) {
        case "ItemContainer": {
            const containable = [];
            for (const child of childrenOf(node)) {
                if (tagOf(child).toLowerCase() !== "containable") continue;
                for (const id of splitList(attrsOf(child).items)) if (!containable.includes(id)) containable.push(id);
            }
            return { type, capacity: num(a, "capacity", 5, file, text), maxStackSize: num(a, "maxstacksize", 64, file, text), containable };
        }
        case "MemoryComponent":
            return { type, maxValueLength: num(a, "maxvaluelength", 200, file, text) };
        case "Powered":
            return { type, minVoltage: num(a, "minvoltage", 0.5, file, text), powerConsumption: num(a, "powerconsumption", 0, file, text) };
        case "CustomInterface":
            return { type, elements: customInterfaceElements(node, file, text, texts) };
        default: {
            // Other components keep their attributes as strings for whoever needs them.
            const props = {};
            for (const k of Object.keys(a).sort()) props[k] = a[k];
            return { type, props };
        }
    }
}

/** Reads text files: returns Map languageKey -> Map lowerCaseTag -> text. */
export function readTexts(textFiles) {
    const byLanguage = new Map();
    for (const file of textFiles) {
        const text = readFileSync(file, "utf8");
        const root = rootOf(parseOrdered(text));
        if (root === undefined || tagOf(root).toLowerCase() !== "infotexts") {
            throw new PrefabError(rel(file), 1, "a text file's root element must be <infotexts>");
        }
        const language = (attrsOf(root).language ?? "").trim();
        const key = LANGUAGE_KEYS.get(language.toLowerCase());
        if (key === undefined) continue;
        const entries = byLanguage.get(key) ?? new Map();
        for (const child of childrenOf(root)) entries.set(tagOf(child).toLowerCase(), textOf(child).trim());
        byLanguage.set(key, entries);
    }
    return byLanguage;
}

/** "Machine" -> "Machine"; "Machine,Electrical" -> ["Machine", "Electrical"] (flags). */
function categoryOf(raw) {
    const names = (raw ?? "Misc").split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (names.length === 0) return "Misc";
    return names.length === 1 ? names[0] : names;
}

/** <Item> elements of an item file: under <Items>, <Override> or as the root. */
function itemElements(node) {
    const tag = tagOf(node).toLowerCase();
    if (tag === "item") return [node];
    if (tag === "items" || tag === "override") return childrenOf(node).flatMap(itemElements);
    return [];
}

/**
 * Builds prefab definitions from the manifest entries. Returns { prefabs, findings }: findings
 * (file:line problems) are non-empty when the XML is incomplete (e.g. a missing translation).
 */
export function buildPrefabs(manifestEntries, modRoot, manifestName = "filelist.xml") {
    const findings = [];
    const itemFiles = [];
    const textFiles = [];
    for (const entry of manifestEntries) {
        const path = resolveModDir(entry.file, modRoot);
        if (path === undefined || !existsSync(path)) continue; // reported by the manifest check
        const tag = entry.tag.toLowerCase();
        if (tag === "item") itemFiles.push(path);
        else if (tag === "text") textFiles.push(path);
    }
    let texts;
    try {
        texts = readTexts(textFiles);
    } catch (e) {
        if (e instanceof PrefabError) return { prefabs: [], findings: [e.finding] };
        throw e;
    }
    for (const key of LANGUAGE_KEYS.values()) {
        if (!texts.has(key)) findings.push({ file: manifestName, line: 1, column: 1, message: `no ${LANGUAGE_NAMES[key]} text file is listed` });
    }
    const prefabs = [];
    for (const file of itemFiles) {
        const text = readFileSync(file, "utf8");
        const root = rootOf(parseOrdered(text));
        for (const item of root === undefined ? [] : itemElements(root)) {
            try {
                const a = attrsOf(item);
                const identifier = (a.identifier ?? "").trim().toLowerCase();
                const line = lineOf(text, `identifier="${a.identifier}"`);
                if (identifier === "") throw new PrefabError(rel(file), line, "an <Item> has no identifier");
                const name = {};
                for (const key of LANGUAGE_KEYS.values()) {
                    const value = texts.get(key)?.get(`entityname.${identifier}`);
                    if (value === undefined || value === "") {
                        findings.push({ file: rel(file), line, column: 1, message: `no ${LANGUAGE_NAMES[key]} entityname.${identifier} in the text files` });
                    } else {
                        name[key] = value;
                    }
                }
                const components = [];
                let hasQuality = false;
                for (const child of childrenOf(item)) {
                    const type = COMPONENT_BY_LOWER.get(tagOf(child).toLowerCase());
                    if (type === undefined) continue;
                    if (type === "Quality") hasQuality = true;
                    components.push(componentOf(child, type, rel(file), text, texts));
                }
                const maxStack = Math.min(63, Math.max(1, Math.trunc(num(a, "maxstacksize", 1, rel(file), text))));
                prefabs.push({
                    identifier,
                    name,
                    category: categoryOf(a.category),
                    tags: splitList(a.tags),
                    maxStackSize: maxStack,
                    maxCondition: num(a, "health", 100, rel(file), text),
                    hasQuality,
                    components,
                });
            } catch (e) {
                if (e instanceof PrefabError) findings.push(e.finding);
                else throw e;
            }
        }
    }
    prefabs.sort((x, y) => (x.identifier < y.identifier ? -1 : x.identifier > y.identifier ? 1 : 0));
    return { prefabs, findings };
}

/** Lua source of lua/sim/mod_prefabs.lua. */
export function prefabsModule(prefabs) {
    return [
        "-- Generated by scripts/build.mjs from the mod's item and text XML (listed in filelist.xml).",
        "-- Do not edit: change the XML and rebuild. Returns an array of prefab definitions for the",
        "-- simulated runtime (format: test/sim).",
        "return " + toLua(prefabs),
        "",
    ].join("\n");
}
