// XML helpers: well-formedness, manifest (filelist.xml) reading and rewriting, and simple
// order-preserving element access for the prefab generator.
import { readFileSync } from "node:fs";
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

/** Returns undefined when the text is well-formed, else a finding { line, column, message }. */
export function validateXml(text) {
    const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (result === true) return undefined;
    const err = result.err;
    return { line: err.line, column: err.col, message: `${err.code}: ${err.msg}` };
}

const ORDER_OPTIONS = {
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    preserveOrder: true,
    commentPropName: "#comment",
};

/** Parses keeping element order, attributes (as strings) and comments. */
export function parseOrdered(text) {
    return new XMLParser({
        ...ORDER_OPTIONS,
        parseAttributeValue: false,
        parseTagValue: false,
        trimValues: true,
        processEntities: true,
    }).parse(text);
}

export function buildOrdered(doc) {
    return new XMLBuilder({
        ...ORDER_OPTIONS,
        format: true,
        indentBy: "  ",
        suppressEmptyNode: true,
        processEntities: true,
    }).build(doc);
}

/** Tag name of an ordered node, or undefined for text, comments and declarations. */
export function tagOf(node) {
    for (const key of Object.keys(node)) {
        if (key === ":@" || key === "#text" || key === "#comment" || key.startsWith("?")) continue;
        return key;
    }
    return undefined;
}

export function childrenOf(node) {
    const tag = tagOf(node);
    return tag === undefined ? [] : node[tag].filter((c) => tagOf(c) !== undefined);
}

/** Attributes of an ordered node with lower-case names (Barotrauma reads them case-insensitively). */
export function attrsOf(node) {
    const out = {};
    const raw = node[":@"] || {};
    for (const [k, v] of Object.entries(raw)) out[k.replace(/^@_/, "").toLowerCase()] = String(v);
    return out;
}

/** Text content of an element (concatenated text children). */
export function textOf(node) {
    const tag = tagOf(node);
    if (tag === undefined) return "";
    return node[tag]
        .filter((c) => "#text" in c)
        .map((c) => String(c["#text"]))
        .join("");
}

/** The first root element of an ordered document. */
export function rootOf(doc) {
    return doc.find((n) => tagOf(n) !== undefined);
}

/** 1-based line of the first occurrence of `needle` in `text` (1 when absent). */
export function lineOf(text, needle) {
    const at = text.indexOf(needle);
    if (at < 0) return 1;
    return text.slice(0, at).split("\n").length;
}

/**
 * Reads a content package manifest. Returns { doc, root, entries } where entries are
 * { tag, file, line } for every child element carrying a file attribute.
 */
export function readManifest(path) {
    const text = readFileSync(path, "utf8");
    const doc = parseOrdered(text);
    const root = rootOf(doc);
    if (root === undefined || tagOf(root).toLowerCase() !== "contentpackage") {
        return { text, doc, root: undefined, entries: [] };
    }
    const entries = [];
    for (const child of childrenOf(root)) {
        const attrs = attrsOf(child);
        if (attrs.file === undefined) continue;
        entries.push({ tag: tagOf(child), file: attrs.file, line: lineOf(text, `file="${attrs.file}"`) });
    }
    return { text, doc, root, entries };
}

/** Sets an attribute on an ordered node, keeping the spelling of an existing attribute name. */
export function setAttr(node, name, value) {
    const attrs = node[":@"] || (node[":@"] = {});
    const existing = Object.keys(attrs).find((k) => k.replace(/^@_/, "").toLowerCase() === name.toLowerCase());
    attrs[existing ?? "@_" + name] = value;
}
