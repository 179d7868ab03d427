/**
 * What runs next: a binary min-heap of (due time, id), so picking the due probes among a thousand
 * costs a logarithm, not a scan. Ties keep insertion order. Pure.
 */
export class DueQueue<T> {
  private readonly heap: { at: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    this.up(this.heap.length - 1);
  }

  /** When the earliest item is due; undefined when empty. */
  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns every item due at or before `now`, earliest first. */
  popDue(now: number): { at: number; item: T }[] {
    const due: { at: number; item: T }[] = [];
    while (this.heap.length > 0 && (this.heap[0]?.at ?? Number.POSITIVE_INFINITY) <= now) {
      const top = this.pop();
      if (top) due.push({ at: top.at, item: top.item });
    }
    return due;
  }

  private pop(): { at: number; seq: number; item: T } | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    if (!x || !y) return false;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (!x || !y) return;
    this.heap[a] = y;
    this.heap[b] = x;
  }

  private up(i: number): void {
    let at = i;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.less(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private down(i: number): void {
    let at = i;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < this.heap.length && this.less(left, least)) least = left;
      if (right < this.heap.length && this.less(right, least)) least = right;
      if (least === at) return;
      this.swap(at, least);
      at = least;
    }
  }
}
