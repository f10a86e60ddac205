/**
 * Who is using a terminal. A fixed terminal is used by a living character that has it selected;
 * a handheld one also by the living character carrying it. On a server the character must
 * belong to a connected client (a disconnected player's character stays in the round but is no
 * user). The game does not tell a LuaHook who pressed a button, so a request counts only while
 * somebody uses the terminal.
 */
export class TerminalUsers {
    /** Characters seen selecting each terminal (item.interact), by terminal id then character id. */
    private readonly seen = new LuaMap<number, LuaMap<number, Character>>();

    noteInteraction(terminal: Item, character: Character): void {
        let users = this.seen.get(terminal.ID);
        if (users === undefined) {
            users = new LuaMap<number, Character>();
            this.seen.set(terminal.ID, users);
        }
        users.set(character.ID, character);
    }

    forget(terminalId: number): void {
        this.seen.delete(terminalId);
    }

    clear(): void {
        for (const [id] of this.seen) this.seen.delete(id);
    }

    /**
     * Terminal ids some character may be using now: selected by a character seen at a terminal
     * or (on a server) by a connected player. Every terminal `usersOf` could find a user for is
     * among them, except a handheld one that is carried (its holder is checked per terminal).
     */
    selectedTerminals(out: LuaMap<number, true>): void {
        for (const [, users] of this.seen) {
            for (const [, c] of users) {
                const selected = c.SelectedItem;
                if (selected !== undefined) out.set(selected.ID, true);
            }
        }
        if (SERVER) {
            for (const client of Client.ClientList) {
                const c = client.Character;
                const selected = c === undefined ? undefined : c.SelectedItem;
                if (selected !== undefined) out.set(selected.ID, true);
            }
        }
    }

    /** The character carrying `item` in its own inventory, if any. */
    static holderOf(item: Item): Character | undefined {
        const parent = item.ParentInventory;
        if (parent === undefined || item.Container !== undefined) return undefined;
        return parent.Owner as Character | undefined;
    }

    /** Living users of `terminal` right now. */
    usersOf(terminal: Item, handheld: boolean): Character[] {
        const candidates = new LuaMap<number, Character>();
        const seen = this.seen.get(terminal.ID);
        if (seen !== undefined) {
            for (const [id, c] of seen) candidates.set(id, c);
        }
        let connected: LuaMap<number, true> | undefined;
        if (SERVER) {
            connected = new LuaMap<number, true>();
            for (const client of Client.ClientList) {
                const c = client.Character;
                if (c !== undefined) {
                    connected.set(c.ID, true);
                    candidates.set(c.ID, c);
                }
            }
        }
        const holder = handheld ? TerminalUsers.holderOf(terminal) : undefined;
        if (holder !== undefined) candidates.set(holder.ID, holder);
        const users: Character[] = [];
        for (const [id, c] of candidates) {
            if (c.IsDead) {
                if (seen !== undefined) seen.delete(id);
                continue;
            }
            if (connected !== undefined && !connected.has(id)) continue;
            const using = c.SelectedItem === terminal || (holder !== undefined && holder.ID === id);
            if (using) users.push(c);
            else if (seen !== undefined) seen.delete(id);
        }
        table.sort(users, (a, b) => a.ID < b.ID);
        return users;
    }
}
