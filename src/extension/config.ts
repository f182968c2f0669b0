import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type Settings, validateSettings } from '../core/settings/settings';
import { Emitter, type Event } from '../core/util/emitter';
import type { Logger } from '../core/util/logger';
import { Disposable } from './lifecycle';

export const CONFIG_SECTION = 'caroHistory';

export interface SettingsChange {
  settings: Settings;
  changed: readonly (keyof Settings)[];
}

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/**
 * `caroHistory.*` configuration → the core's validated Settings. Re-reads on every relevant change
 * (affectsConfiguration), so changes apply live; invalid values fall back with a plain-language problem.
 */
export class ConfigService extends Disposable {
  private current: Settings;
  private lastProblems = '';
  private readonly changeEmitter = this._register(new Emitter<SettingsChange>());
  readonly onDidChange: Event<SettingsChange> = this.changeEmitter.event;

  constructor(
    private readonly logger: Logger,
    private readonly notify: (problems: readonly string[]) => void = (problems) => {
      void vscode.window
        .showWarningMessage(`Caro History settings: ${problems.join(' ')}`, 'Open Settings')
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION);
        });
    },
  ) {
    super();
    this.current = this.read();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(CONFIG_SECTION)) return;
        const before = this.current;
        this.current = this.read();
        const changed = KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(this.current[k]));
        if (changed.length > 0) {
          this.logger.info(`settings changed: ${changed.join(', ')}`);
          this.changeEmitter.fire({ settings: this.current, changed });
        }
      }),
    );
  }

  /** The current validated settings (cheap: cached, refreshed on change). */
  get settings(): Settings {
    return this.current;
  }

  /** Updates one setting in the user (global) settings. */
  async update<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update(key, value, vscode.ConfigurationTarget.Global);
    // onDidChangeConfiguration refreshes `current`; read now too so callers see the new value immediately.
    this.current = this.read();
  }

  private read(): Settings {
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const raw: Record<string, unknown> = {};
    for (const key of KEYS) {
      const value = cfg.get<unknown>(key);
      if (value !== undefined) raw[key] = value;
    }
    const { settings, problems } = validateSettings(raw);
    const joined = problems.join(' ');
    if (problems.length > 0 && joined !== this.lastProblems) {
      this.logger.warn(`settings problems: ${joined}`);
      this.notify(problems);
    }
    this.lastProblems = joined;
    return settings;
  }
}
