/**
 * Incremental reading of append-only kernel logs (observations, memory faults,
 * lock edges): each check looks only at what was appended since the last one,
 * so a per-step check costs O(1) when nothing happened.
 */
import type { Kernel } from '../model/kernel/kernel.js';

/**
 * A read position in one kernel's append-only log. It restarts at 0 when handed
 * another kernel, so a property instance reused by mistake never skips entries.
 */
export class LogCursor {
  private kernel: Kernel | undefined;
  private next = 0;

  /** The index of the first unread entry; marks everything up to `length` read. */
  advance(k: Kernel, length: number): number {
    if (k !== this.kernel) {
      this.kernel = k;
      this.next = 0;
    }
    const from = this.next;
    this.next = length;
    return from;
  }
}
