import './vscodeShim/register';
import { strict as assert } from 'node:assert';
import type { Services } from '../../src/extension/services';
import { SearchQuickPick, escapeIcons, mergeRuns } from '../../src/extension/views/searchQuickPick';
import { seededRandom } from '../fixtures/seededRandom';
import { MemoryHistory } from './webviewHarness/memoryHistory';
import { type FakeQuickPick, type QuickPickItemLike, type ThemeIcon, shim } from './vscodeShim/vscode';

type Item = QuickPickItemLike & { entry: { id: string; command: string }; runs: number; iconPath: ThemeIcon };

/** The text VS Code shows for a quick pick string: `$(name)` becomes an icon (dropped here), `\$(name)` stays as typed. */
function rendered(text: string): string {
  return text.replace(/(\\)?\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g, (m, escaped: string | undefined) => (escaped ? m.slice(1) : ''));
}

async function openPick(history: MemoryHistory): Promise<{ qp: FakeQuickPick<Item>; done: Promise<unknown> }> {
  const picker = new SearchQuickPick({ history: async () => history } as unknown as Services);
  const done = picker.pick();
  for (let i = 0; i < 50 && !SearchQuickPick.current; i++) await new Promise((r) => setTimeout(r, 5));
  await SearchQuickPick.lastQuery;
  return { qp: SearchQuickPick.current as unknown as FakeQuickPick<Item>, done };
}

describe('Search History quick pick', () => {
  beforeEach(() => shim.reset());

  it('shows the exit status as the icon (a failed command gets no green check), risk as words', async () => {
    const history = new MemoryHistory();
    await history.record({ commandLine: 'make release', startedAt: 1_000, exitCode: 2, cwd: '/src' });
    await history.record({ commandLine: 'git status', startedAt: 2_000, exitCode: 0, cwd: '/src' });
    const { qp, done } = await openPick(history);
    const byLabel = new Map(qp.items.map((i) => [i.label, i]));
    assert.equal(byLabel.get('make release')?.iconPath.id, 'error');
    assert.match(byLabel.get('make release')?.description ?? '', /✗ exit 2/);
    assert.equal(byLabel.get('git status')?.iconPath.id, 'pass');
    qp.hide();
    await done;
  });

  it('merges runs of the same command into one item, newest first, with a run count; Enter acts on the newest run', async () => {
    const history = new MemoryHistory();
    await history.record({ commandLine: 'npm test', startedAt: 1_000, exitCode: 1, cwd: '/a' });
    await history.record({ commandLine: 'ls', startedAt: 2_000, exitCode: 0, cwd: '/a' });
    await history.record({ commandLine: 'npm test', startedAt: 3_000, exitCode: 0, cwd: '/b' });
    await history.record({ commandLine: 'npm test', startedAt: 4_000, exitCode: 0, cwd: '/c' });
    const newest = history.live.find((e) => e.command === 'npm test')!;
    const { qp, done } = await openPick(history);
    assert.deepEqual(qp.items.map((i) => i.label), ['npm test', 'ls']);
    assert.equal(qp.items[0]!.runs, 3);
    assert.match(qp.items[0]!.description ?? '', /3 runs/);
    qp.pick(qp.items[0]!);
    const picked = (await done) as { entry: { id: string } };
    assert.equal(picked.entry.id, newest.id);
  });

  it('shows $(…) in commands as typed, not as an icon (echo $(whoami))', async () => {
    const history = new MemoryHistory();
    await history.record({ commandLine: 'echo $(whoami) $(git-branch~spin)', startedAt: 1_000, exitCode: 0, cwd: '/home/$(x)' });
    const { qp, done } = await openPick(history);
    assert.equal(rendered(qp.items[0]!.label), 'echo $(whoami) $(git-branch~spin)');
    assert.match(rendered(qp.items[0]!.description ?? ''), /\/home\/\$\(x\)/);
    qp.hide();
    await done;
  });

  it('fuzz: escaped text always renders exactly as the original (seeded)', () => {
    const rand = seededRandom(0x51c0);
    const parts = ['$(', ')', '\\', 'whoami', 'a-b', '~spin', ' ', '$', '(', 'x'];
    for (let i = 0; i < 3_000; i++) {
      let s = '';
      for (let j = 0, n = 1 + Math.floor(rand() * 10); j < n; j++) s += parts[Math.floor(rand() * parts.length)];
      assert.equal(rendered(escapeIcons(s)), s, `seed 0x51c0 case ${i}: ${JSON.stringify(s)}`);
    }
  });

  it('mergeRuns keeps the first (newest) entry of each command and caps the item count', () => {
    const e = (id: string, command: string) => ({ id, command }) as Parameters<typeof mergeRuns>[0][number];
    const merged = mergeRuns([e('3', 'a'), e('2', 'b'), e('1', 'a'), e('0', 'c')], 2);
    assert.deepEqual(merged.map((m) => [m.entry.id, m.runs]), [['3', 2], ['2', 1]]);
  });
});
