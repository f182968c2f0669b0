import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryKeyVault } from '../../src/core/crypto/keyVault';
import { openHistory, type HistoryService } from '../../src/core/history/historyService';
import type { HistoryEntry } from '../../src/core/model/entry';
import { DEFAULT_SETTINGS } from '../../src/core/settings/settings';
import { parseExport } from '../../src/core/transfer/exportFormat';
import { MemoryLogger } from '../../src/core/util/logger';

/** An import file is data from outside: its risk levels are recomputed and every text field is redacted. */
const GHP = `ghp_${'a1B2'.repeat(9)}`;
const AKIA = 'AKIAABCDEFGHIJKLMNOP';
const STRIPE = `sk_live_${'x9'.repeat(12)}`;
const SECRETS = [GHP, AKIA, STRIPE];

const lying = {
  exportVersion: '1.0',
  commands: [
    {
      id: 'lie-1',
      command: 'rm -rf /',
      riskLevel: 'safe',
      warnings: [],
      createdAt: new Date().toISOString(),
      tags: [`token ${GHP}`, AKIA],
      workingDir: `/srv/${STRIPE}`,
      workspace: `/home/me/${GHP}`,
      shell: 'bash',
      sessionId: `s-${AKIA}`,
      explanation: `uses ${STRIPE}`,
      prompt: `push with ${GHP}`,
    },
  ],
};

function assertTrustless(e: HistoryEntry | undefined): void {
  assert.ok(e);
  assert.equal(e.riskLevel, 'critical', 'rm -rf / marked "safe" in the file is classified again');
  assert.ok(e.warnings.length > 0);
  const text = JSON.stringify(e);
  for (const s of SECRETS) assert.ok(!text.includes(s), `a secret survived: ${text}`);
  assert.match(e.workingDir ?? '', /^\/srv\/\[REDACTED:/);
  assert.match(e.workspace ?? '', /^\/home\/me\/\[REDACTED:/);
  assert.equal(e.tags.length, 2);
}

describe('transfer: an import file is never trusted', () => {
  it('parseExport recomputes risk and redacts tags, workingDir, workspace and every other text field', () => {
    const [e] = parseExport(JSON.stringify(lying));
    assertTrustless(e);
  });

  describe('history.importEntries (also for entries that did not come through parseExport)', () => {
    let dir: string;
    let history: HistoryService;
    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caro-trust-'));
      history = await openHistory({
        dbPath: path.join(dir, 'history.db'),
        vault: new MemoryKeyVault(),
        deviceId: 'dev-1',
        settings: () => ({ ...DEFAULT_SETTINGS, excludePatterns: [] }),
        logger: new MemoryLogger(),
      });
    });
    afterEach(() => {
      history.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('stores the recomputed risk and redacted text, whatever the entry claims', async () => {
      const c = lying.commands[0] as (typeof lying.commands)[number];
      const raw: HistoryEntry = {
        id: c.id, command: c.command, prompt: c.prompt, tags: c.tags, executed: true, riskLevel: 'safe', warnings: [],
        deviceId: `dev-${GHP}`, createdAt: Date.now(), updatedAt: Date.now(), schemaVersion: 1,
        workingDir: c.workingDir, workspace: c.workspace, sessionId: c.sessionId, explanation: c.explanation,
      };
      const r = await history.importEntries([raw]);
      assert.equal(r.imported, 1);
      assertTrustless(await history.get('lie-1'));
    });
  });
});
