/**
 * Short messages to the player who did something: a chat line of type Server to that player's
 * client on a server (vanilla clients show it too), the local chat box in singleplayer. A
 * character without a client (a bot) gets nothing; the caller logs the reason anyway.
 */
import { warn } from "./log";

const SENDER = "Database IO";

/** The connected client controlling `character`, if any (compared by entity id, not userdata). */
export function clientOf(character: Character): Client | undefined {
    const id = character.ID;
    for (const client of Client.ClientList) {
        const controlled = client.Character;
        if (controlled !== undefined && controlled.ID === id) return client;
    }
    return undefined;
}

/** Sends `text` to the player controlling `character`. True when someone was told. */
export function tellPlayer(character: Character | undefined, text: string): boolean {
    if (character === undefined) return false;
    const [success, result] = pcall(() => deliver(character, text));
    if (!success) {
        warn(string.format("could not message %s: %s", character.Name, result));
        return false;
    }
    return result === true;
}

function deliver(character: Character, text: string): boolean {
    if (SERVER) {
        const client = clientOf(character);
        const send = Game.SendDirectChatMessage;
        if (client === undefined || send === undefined) return false;
        send(SENDER, text, undefined, ChatMessageType.Server, client);
        return true;
    }
    // Singleplayer: the only player is the local one.
    const box = Game.ChatBox;
    if (box === undefined) return false;
    box.AddMessage(ChatMessage.Create(SENDER, text, ChatMessageType.Server, undefined));
    return true;
}
