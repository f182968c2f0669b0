/** Minimal, strict argument parsing for `caro-history`: unknown options are usage errors (exit code 2). */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  short?: string;
  takesValue: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (onlyPositionals || a === '-' || !a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    if (a === '--') {
      onlyPositionals = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: FlagSpec | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      spec = specs.find((s) => s.name === name);
    } else {
      name = a.slice(1, 2);
      inline = a.length > 2 ? a.slice(2) : undefined;
      spec = specs.find((s) => s.short === name);
    }
    if (!spec) throw new UsageError(`"${command}" has no option ${a.split('=')[0]}.`);
    if (!spec.takesValue) {
      if (inline !== undefined) throw new UsageError(`Option --${spec.name} does not take a value.`);
      flags.set(spec.name, true);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('-') && value !== '-')) {
      throw new UsageError(`Option --${spec.name} needs a value.`);
    }
    if (inline === undefined) i += 1;
    flags.set(spec.name, value);
  }
  return { positionals, flags };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagInt(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = flagString(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`);
  }
  return Number(v);
}
