/** Disposable helpers for the VS Code glue (code-style §2.7): everything ends up in context.subscriptions. */

export interface DisposableLike {
  dispose(): unknown;
}

/** Disposes every item, newest first; one failing item does not stop the others. */
export function disposeAll(items: DisposableLike[]): void {
  for (const item of items.splice(0).reverse()) {
    try {
      item.dispose();
    } catch {
      // keep disposing the rest
    }
  }
}

/** Base class for objects that own other disposables. */
export abstract class Disposable implements DisposableLike {
  private readonly _disposables: DisposableLike[] = [];
  protected _isDisposed = false;

  protected _register<T extends DisposableLike>(item: T): T {
    if (this._isDisposed) {
      item.dispose();
    } else {
      this._disposables.push(item);
    }
    return item;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._disposables);
  }
}

/** Holds at most one disposable value; replacing it disposes the old one. */
export class DisposableValue<T extends DisposableLike> implements DisposableLike {
  private current: T | undefined;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.current === next) return;
    this.current?.dispose();
    this.current = next;
  }

  dispose(): void {
    this.value = undefined;
  }
}

/** Calls `fn` once, `delayMs` after the last `trigger()`. */
export class Debouncer implements DisposableLike {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly delayMs: number,
    private readonly fn: () => void,
  ) {}

  trigger(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fn();
    }, this.delayMs);
  }

  /** Runs a pending call now (tests, shutdown). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.fn();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
