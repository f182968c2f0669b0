/**
 * Seeded generators of hostile Jazz frames: random bytes, random JSON, and structure-aware mutations of real cojson
 * frames (recorded from a real client). Every frame is reproducible from the seed.
 */
import { seededRandom } from '../../fixtures/seededRandom';

export type FuzzFrame = string | Buffer;

export class FrameFuzzer {
  private readonly rnd: () => number;

  constructor(
    seed: number,
    private readonly real: readonly string[],
  ) {
    this.rnd = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  next(): FuzzFrame {
    const r = this.rnd();
    if (r < 0.15) return this.randomBytes();
    if (r < 0.3) return JSON.stringify(this.randomJson(3));
    if (r < 0.35) return this.pick(['42', '1', 'true', '"s"', 'null', '[]', '{}', '', '\n', '{"action":"content"}']);
    return this.mutateReal();
  }

  private randomBytes(): FuzzFrame {
    const bytes = Buffer.from(Array.from({ length: 1 + this.int(200) }, () => this.int(256)));
    return this.rnd() < 0.5 ? bytes : bytes.toString('latin1');
  }

  randomJson(depth: number): unknown {
    const r = this.int(depth > 0 ? 9 : 6);
    switch (r) {
      case 0:
        return null;
      case 1:
        return this.rnd() < 0.5;
      case 2:
        return this.pick([0, -1, 1e308, 3, 6, 0.5, Number.MAX_SAFE_INTEGER + 2]);
      case 3:
        return this.pick(['', 'co_z', 'co_zABC', 'load', 'content', '\u001b[31m', 'x'.repeat(this.int(500)), '__proto__']);
      case 4:
        return this.pick(['load', 'known', 'content', 'done', 'reconcile', 'reconcile-ack', 'ping']);
      case 5:
        return this.int(1000);
      case 6:
        return Array.from({ length: this.int(4) }, () => this.randomJson(depth - 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) {
          o[this.pick(['action', 'id', 'header', 'sessions', 'new', 'priority', 'time', 'type', 'newTransactions', 'after', 'x'])] =
            this.randomJson(depth - 1);
        }
        return o;
      }
    }
  }

  private mutateReal(): string {
    const lines = this.pick(this.real).split('\n');
    const out = lines.map((line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return line;
      }
      for (let i = 1 + this.int(3); i > 0; i--) value = this.mutate(value, 0);
      return JSON.stringify(value) ?? 'undefined';
    });
    let frame = out.join('\n');
    const r = this.rnd();
    if (r < 0.05) frame = frame.slice(0, this.int(frame.length));
    else if (r < 0.1) frame = `${frame}\n${this.pick(this.real)}`;
    return frame;
  }

  /** Replaces, deletes or retypes one randomly chosen node. */
  private mutate(v: unknown, depth: number): unknown {
    const here = depth > 6 || typeof v !== 'object' || v === null || this.rnd() < 0.25;
    if (here) {
      const r = this.int(6);
      if (r === 0) return this.randomJson(2);
      if (r === 1 && typeof v === 'number') return this.pick([v + 1, -v, v * 1000, String(v), null]);
      if (r === 2 && typeof v === 'string') return this.pick([v.slice(0, this.int(v.length + 1)), `${v}x`, v.toUpperCase(), 7]);
      if (r === 3 && Array.isArray(v)) return this.pick([[...(v as unknown[]), ...(v as unknown[])], [], 'x']);
      if (r === 4) return this.pick([null, 42, 'x', [], {}]);
      return v;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return v;
      const i = this.int(v.length);
      const copy = [...(v as unknown[])];
      copy[i] = this.mutate(copy[i], depth + 1);
      return copy;
    }
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    if (keys.length === 0) return o;
    const k = this.pick(keys);
    if (this.rnd() < 0.15) delete o[k];
    else o[k] = this.mutate(o[k], depth + 1);
    return o;
  }
}
