/**
 * A tiny synchronous signal: features and the public API listen to lifecycle moments without the
 * lifecycle binding knowing about them. A listener that fails is reported and does not stop the
 * others.
 */
import { problem } from "./log";

export class Signal<T> {
    private readonly listeners: { name: string; fn: (this: void, value: T) => void }[] = [];

    add(name: string, fn: (this: void, value: T) => void): void {
        this.remove(name);
        this.listeners.push({ name, fn });
    }

    remove(name: string): void {
        for (let i = this.listeners.length - 1; i >= 0; i--) {
            if (this.listeners[i].name === name) this.listeners.splice(i, 1);
        }
    }

    emit(value: T): void {
        for (const listener of [...this.listeners]) {
            const [success, err] = pcall(listener.fn, value);
            if (!success) problem(string.format("listener %s failed: %s", listener.name, err));
        }
    }
}
