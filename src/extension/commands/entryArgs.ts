import type { HistoryEntry } from '../../core/model/entry';
import { isEntryNode } from '../views/historyTree';
import type { CommandContext } from './commandContext';

function isEntry(u: unknown): u is HistoryEntry {
  return typeof u === 'object' && u !== null && typeof (u as HistoryEntry).id === 'string' &&
    typeof (u as HistoryEntry).command === 'string';
}

/**
 * The entries a command acts on: the tree's (clicked, selected[]) pair, an entry object (webview, tests), an id,
 * or — from the palette — the current tree selection. Empty when nothing was given.
 */
export async function entriesFromArgs(ctx: CommandContext, args: unknown[]): Promise<HistoryEntry[]> {
  const [first, second] = args;
  if (Array.isArray(second) && second.length > 0) {
    return second.filter(isEntryNode).map((n) => n.entry);
  }
  if (isEntryNode(first)) return [first.entry];
  if (isEntry(first)) return [first];
  if (typeof first === 'string') {
    const history = await ctx.services.history();
    const entry = await history.get(first);
    return entry ? [entry] : [];
  }
  // From the palette (no argument) the caller asks with the quick pick rather than guessing from the tree.
  return [];
}

/** One entry from the arguments, or ask with the Search History quick pick. */
export async function entryOrPick(ctx: CommandContext, args: unknown[], title: string): Promise<HistoryEntry | undefined> {
  const [entry] = await entriesFromArgs(ctx, args);
  if (entry) return entry;
  const picked = await ctx.search.pick({ title });
  return picked?.entry;
}
