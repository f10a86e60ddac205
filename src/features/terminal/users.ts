/**
 * The users of each terminal, by the one definition in src/host/users.ts (selected, or a
 * handheld one carried, by a living player character). The game does not tell a LuaHook who
 * pressed a button, so a request counts only while somebody uses the terminal.
 */
import { holderOf, playerCharacters, usesTerminal } from "../../host/users";

export class TerminalUsers {
    /**
     * Terminal ids some player has selected now. Every terminal `usersOf` could find a user for
     * is among them, except a handheld one that is carried (its holder is checked per terminal).
     */
    selectedTerminals(out: LuaMap<number, true>): void {
        for (const c of playerCharacters()) {
            if (c.IsDead) continue;
            const selected = c.SelectedItem;
            if (selected !== undefined) out.set(selected.ID, true);
            const secondary = c.SelectedSecondaryItem;
            if (secondary !== undefined) out.set(secondary.ID, true);
        }
    }

    /** The character carrying `item` in its own inventory, if any. */
    static holderOf(item: Item): Character | undefined {
        return holderOf(item);
    }

    /** Living player characters using `terminal` right now, by ID. */
    usersOf(terminal: Item, handheld: boolean): Character[] {
        const users: Character[] = [];
        for (const c of playerCharacters()) {
            if (usesTerminal(c, terminal, handheld)) users.push(c);
        }
        table.sort(users, (a, b) => a.ID < b.ID);
        return users;
    }
}
