import type { MoreNode } from '../views/historyTree';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

function isMoreNode(u: unknown): u is MoreNode {
  return typeof u === 'object' && u !== null && (u as MoreNode).kind === 'more';
}

/** The tree's "Load more…" item. */
export const loadMoreCommand: CommandDef = {
  id: CommandId.loadMore,
  doing: 'load more history',
  run(ctx, ...args) {
    if (isMoreNode(args[0])) ctx.tree.loadMore(args[0]);
  },
};
