/**
 * A list kept in a weight-balanced binary tree with subtree sizes: reading, inserting or removing
 * the element at a position costs O(log n), and reading a run of k elements O(log n + k). A
 * terminal's order uses it so that a page (or a changed key) costs the same at 100 and 100,000
 * rows; a plain array would shift every later row on each insert and remove.
 *
 * Balance: after a change, the highest node on the changed path whose larger side holds more than
 * ALPHA of its subtree is rebuilt perfectly balanced (amortized O(log n) per change).
 */
interface TreeNode<T> {
    value: T;
    left: TreeNode<T> | undefined;
    right: TreeNode<T> | undefined;
    size: number;
}

const ALPHA = 0.72;

function sizeOf<T>(node: TreeNode<T> | undefined): number {
    return node === undefined ? 0 : node.size;
}

/** A balanced tree of items[lo..hi] (0-based, inclusive). */
function buildBalanced<T>(items: T[], lo: number, hi: number): TreeNode<T> | undefined {
    if (lo > hi) return undefined;
    const mid = math.floor((lo + hi) / 2);
    return {
        value: items[mid],
        left: buildBalanced(items, lo, mid - 1),
        right: buildBalanced(items, mid + 1, hi),
        size: hi - lo + 1,
    };
}

// The walks below fill `out` with a counter they pass along (docs/architecture.md, "Growing
// arrays"): each takes how many elements `out` holds and returns the new count.

function flatten<T>(node: TreeNode<T> | undefined, out: T[], n: number): number {
    if (node === undefined) return n;
    n = flatten(node.left, out, n);
    out[n] = node.value;
    return flatten(node.right, out, n + 1);
}

/** Ascending positions from..to of the subtree whose first element is at offset + 1. */
function collectUp<T>(node: TreeNode<T> | undefined, offset: number, from: number, to: number, out: T[], n: number): number {
    if (node === undefined) return n;
    const pos = offset + sizeOf(node.left) + 1;
    if (from < pos) n = collectUp(node.left, offset, from, to, out, n);
    if (from <= pos && pos <= to) {
        out[n] = node.value;
        n++;
    }
    if (to > pos) n = collectUp(node.right, pos, from, to, out, n);
    return n;
}

/** The same, from position `to` down to `from`. */
function collectDown<T>(node: TreeNode<T> | undefined, offset: number, from: number, to: number, out: T[], n: number): number {
    if (node === undefined) return n;
    const pos = offset + sizeOf(node.left) + 1;
    if (to > pos) n = collectDown(node.right, pos, from, to, out, n);
    if (from <= pos && pos <= to) {
        out[n] = node.value;
        n++;
    }
    if (from < pos) n = collectDown(node.left, offset, from, to, out, n);
    return n;
}

export class RankedList<T> {
    private root: TreeNode<T> | undefined;

    /** Replaces the contents with `sorted` (in that order). */
    reset(sorted: T[]): void {
        this.root = buildBalanced(sorted, 0, sorted.length - 1);
    }

    size(): number {
        return sizeOf(this.root);
    }

    /** The element at position `pos` (1-based). */
    at(pos: number): T | undefined {
        let node = this.root;
        let p = pos;
        while (node !== undefined) {
            const left = sizeOf(node.left);
            if (p <= left) {
                node = node.left;
            } else if (p === left + 1) {
                return node.value;
            } else {
                p = p - left - 1;
                node = node.right;
            }
        }
        return undefined;
    }

    /**
     * How many leading elements come before `target`: those with cmp(x, target) < 0, or <= 0
     * when `orEqual`. The list must be sorted by `cmp`.
     */
    countBefore(target: T, cmp: (this: void, a: T, b: T) => number, orEqual: boolean): number {
        let node = this.root;
        let count = 0;
        while (node !== undefined) {
            const c = cmp(node.value, target);
            if (c < 0 || (orEqual && c === 0)) {
                count = count + sizeOf(node.left) + 1;
                node = node.right;
            } else {
                node = node.left;
            }
        }
        return count;
    }

    /** Up to `count` elements from position `start` on (ascending), or backwards from the end. */
    window(start: number, count: number, descending: boolean): T[] {
        const out: T[] = [];
        const n = this.size();
        const first = math.max(1, start);
        if (count <= 0 || first > n) return out;
        const last = math.min(n, first + count - 1);
        if (!descending) {
            collectUp(this.root, 0, first, last, out, 0);
        } else {
            // Position p read backwards is position n - p + 1 read forwards.
            collectDown(this.root, 0, n - last + 1, n - first + 1, out, 0);
        }
        return out;
    }

    /** Every element, in order (O(n)). */
    toArray(): T[] {
        const out: T[] = [];
        flatten(this.root, out, 0);
        return out;
    }

    /** Inserts `value` so that it becomes position `pos` (1..size+1). */
    insertAt(pos: number, value: T): void {
        const leaf: TreeNode<T> = { value, left: undefined, right: undefined, size: 1 };
        let node = this.root;
        if (node === undefined) {
            this.root = leaf;
            return;
        }
        const path: TreeNode<T>[] = [];
        let nPath = 0;
        let p = math.max(1, math.min(pos, node.size + 1));
        for (;;) {
            path[nPath] = node;
            nPath++;
            node.size++;
            const left = sizeOf(node.left);
            if (p <= left + 1) {
                if (node.left === undefined) {
                    node.left = leaf;
                    break;
                }
                node = node.left;
            } else {
                p = p - left - 1;
                if (node.right === undefined) {
                    node.right = leaf;
                    break;
                }
                node = node.right;
            }
        }
        this.rebalance(path);
    }

    /** Removes and returns the element at position `pos` (1-based). */
    removeAt(pos: number): T | undefined {
        if (pos < 1 || pos > this.size()) return undefined;
        const path: TreeNode<T>[] = [];
        let nPath = 0;
        let node = this.root!;
        let parent: TreeNode<T> | undefined;
        let p = pos;
        for (;;) {
            const left = sizeOf(node.left);
            if (p === left + 1) break;
            path[nPath] = node;
            nPath++;
            node.size--;
            parent = node;
            if (p <= left) {
                node = node.left!;
            } else {
                p = p - left - 1;
                node = node.right!;
            }
        }
        const removed = node.value;
        if (node.left !== undefined && node.right !== undefined) {
            // Two children: the next element moves up into this node and its own node goes.
            path[nPath] = node;
            nPath++;
            node.size--;
            let succParent = node;
            let succ = node.right;
            while (succ.left !== undefined) {
                path[nPath] = succ;
                nPath++;
                succ.size--;
                succParent = succ;
                succ = succ.left;
            }
            node.value = succ.value;
            if (succParent === node) succParent.right = succ.right;
            else succParent.left = succ.right;
        } else {
            const child = node.left !== undefined ? node.left : node.right;
            if (parent === undefined) this.root = child;
            else if (parent.left === node) parent.left = child;
            else parent.right = child;
        }
        this.rebalance(path);
        return removed;
    }

    /** Rebuilds the highest node on `path` (root first) whose sides are out of balance. */
    private rebalance(path: TreeNode<T>[]): void {
        for (let i = 0; i < path.length; i++) {
            const node = path[i];
            const heavy = math.max(sizeOf(node.left), sizeOf(node.right));
            if (heavy <= ALPHA * node.size + 1) continue;
            const items: T[] = [];
            flatten(node, items, 0);
            const rebuilt = buildBalanced(items, 0, items.length - 1)!;
            if (i === 0) {
                this.root = rebuilt;
            } else {
                const parent = path[i - 1];
                if (parent.left === node) parent.left = rebuilt;
                else parent.right = rebuilt;
            }
            return;
        }
    }
}
