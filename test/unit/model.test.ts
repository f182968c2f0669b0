import { strict as assert } from 'node:assert';
import { CaroError, isCaroError } from '../../src/core/model/errors';
import { Emitter } from '../../src/core/util/emitter';

describe('model', () => {
  it('CaroError carries a code and an action in its user message', () => {
    const e = new CaroError('invalidPhrase', 'Word 3 is not a recovery-phrase word.', 'Check the spelling and try again.');
    assert.equal(e.userMessage, 'Word 3 is not a recovery-phrase word. Check the spelling and try again.');
    assert.ok(isCaroError(e, 'invalidPhrase'));
    assert.ok(!isCaroError(e, 'wrongKey'));
  });

  it('Emitter delivers to listeners until disposed, and a throwing listener does not stop others', () => {
    const em = new Emitter<number>();
    const seen: number[] = [];
    em.event(() => { throw new Error('boom'); });
    const sub = em.event((v) => seen.push(v));
    em.fire(1);
    sub.dispose();
    em.fire(2);
    assert.deepEqual(seen, [1]);
  });
});
