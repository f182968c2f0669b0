import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestReferencedFiles } from '../../scripts/package.mjs';
import { repoRoot } from './harness/runtime';
import { ensureVsix } from './harness/vsix';
import { zipEntryNames } from './harness/zipEntries';

// The packaged .vsix (what users install) contains every file its manifest points at: a missing activity-bar icon
// shows as a blank square, a missing entry point as an extension that never activates.
describe('e2e packaging: the .vsix holds what package.json references', function () {
  this.timeout(300_000);

  it('every file package.json references is inside the .vsix', function () {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { viewsContainers: { activitybar: { icon: string }[] } };
    };
    const referenced = manifestReferencedFiles(pkg);
    for (const c of pkg.contributes.viewsContainers.activitybar) {
      assert.ok(referenced.includes(c.icon), `the activity-bar icon ${c.icon} is among the referenced files`);
    }
    const entries = new Set(zipEntryNames(ensureVsix()));
    const missing = referenced.filter((f) => !entries.has(`extension/${f}`));
    assert.deepEqual(missing, [], 'files package.json references but the .vsix lacks');
  });
});
