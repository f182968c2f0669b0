import { strict as assert } from 'node:assert';
import { RISK_LEVELS, SAFETY_MODES } from '../../src/core/model/entry';
import { confirmationFor } from '../../src/core/safety/policy';

describe('confirmationFor (safety policy)', () => {
  const expected = {
    strict: { safe: 'none', moderate: 'confirm', high: 'modal', critical: 'modal' },
    moderate: { safe: 'none', moderate: 'none', high: 'confirm', critical: 'modal' },
    permissive: { safe: 'none', moderate: 'none', high: 'none', critical: 'modal' },
  } as const;

  for (const mode of SAFETY_MODES) {
    for (const level of RISK_LEVELS) {
      it(`${mode} mode, ${level} command → ${expected[mode][level]}`, () => {
        assert.equal(confirmationFor(mode, level), expected[mode][level]);
      });
    }
  }

  it('always asks before a critical command, whatever the mode (never silently runs it, never blocks it)', () => {
    for (const mode of SAFETY_MODES) assert.equal(confirmationFor(mode, 'critical'), 'modal');
  });
});
