// Checks of the mod's XML: well-formedness of every XML file, the manifest's file references
// (%ModDir%/X resolves to <mod root>/X) and the %ModDir% references inside the mod's own XML
// (textures and the like). Findings are { file, line, column, message }.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { rel, resolveModDir } from "./paths.mjs";
import { attrsOf, childrenOf, lineOf, parseOrdered, readManifest, rootOf, tagOf, validateXml } from "./xml.mjs";

export function listFiles(dir, predicate) {
    const out = [];
    if (!existsSync(dir)) return out;
    for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) out.push(...listFiles(p, predicate));
        else if (predicate(name)) out.push(p);
    }
    return out;
}

/** Problems with a manifest's file references, resolved against `modRoot`. */
export function manifestFindings(manifestPath, modRoot) {
    const findings = [];
    const { root, entries, text } = readManifest(manifestPath);
    if (root === undefined) {
        return [{ file: rel(manifestPath), line: 1, column: 1, message: "root element must be <contentpackage>" }];
    }
    for (const attr of ["name", "modversion"]) {
        if (attrsOf(root)[attr] === undefined) {
            findings.push({ file: rel(manifestPath), line: lineOf(text, "<contentpackage"), column: 1, message: `<contentpackage> has no ${attr}` });
        }
    }
    for (const entry of entries) {
        const target = resolveModDir(entry.file, modRoot);
        if (target === undefined) {
            findings.push({ file: rel(manifestPath), line: entry.line, column: 1, message: `file="${entry.file}" must start with %ModDir%/` });
        } else if (!existsSync(target)) {
            findings.push({ file: rel(manifestPath), line: entry.line, column: 1, message: `file="${entry.file}" not found (${rel(target)})` });
        }
    }
    return findings;
}

/** %ModDir% references inside one of the mod's XML files (textures, sounds, included files). */
export function assetFindings(xmlPath, modRoot) {
    const findings = [];
    const text = readFileSync(xmlPath, "utf8");
    const visit = (node) => {
        for (const [name, value] of Object.entries(attrsOf(node))) {
            if (!/^%moddir%/i.test(value)) continue;
            const target = resolveModDir(value, modRoot);
            if (target === undefined || !existsSync(target)) {
                findings.push({ file: rel(xmlPath), line: lineOf(text, value), column: 1, message: `<${tagOf(node)}> ${name}="${value}" not found` });
            }
        }
        for (const child of childrenOf(node)) visit(child);
    };
    const root = rootOf(parseOrdered(text));
    if (root !== undefined) visit(root);
    return findings;
}

/**
 * Every XML file under `modRoot` plus the manifest: { files, malformed, references }. References
 * are only checked when every file is well-formed.
 */
export function checkModXml(manifestPath, modRoot) {
    const files = [manifestPath, ...listFiles(modRoot, (n) => n.toLowerCase().endsWith(".xml"))];
    const malformed = [];
    for (const file of files) {
        if (!existsSync(file)) {
            malformed.push({ file: rel(file), line: 1, column: 1, message: "missing" });
            continue;
        }
        const problem = validateXml(readFileSync(file, "utf8"));
        if (problem) malformed.push({ file: rel(file), ...problem });
    }
    const references = [];
    if (malformed.length === 0) {
        references.push(...manifestFindings(manifestPath, modRoot));
        for (const file of files.slice(1)) references.push(...assetFindings(file, modRoot));
    }
    return { files, malformed, references };
}
