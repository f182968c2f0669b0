import { type Disposable } from './disposable';

export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Minimal typed event emitter (VS Code's Event shape, without vscode). */
export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // A failing listener must not break the others.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
