/**
 * One row a terminal offers: a key's counted units, or one exact entry. Its own module so that the
 * view (view.ts) and the sort modes and search filters other mods register (extensions.ts) both
 * read it without importing each other.
 */
import type { ItemKey } from "../../core/keys";

export interface ViewRow {
    readonly key: ItemKey;
    /** Set for an exact entry (one unit). */
    readonly exactId?: number;
    readonly identifier: string;
    /** Localized name in lower case (the server's language). */
    readonly name: string;
    readonly amount: number;
    readonly condition: number;
    /** When the key last changed (a serial: higher is later). */
    readonly changed: number;
}
