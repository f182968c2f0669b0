import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactForLog } from '../../src/core/safety/logRedaction';
import { redactSecrets } from '../../src/core/safety/redact';
import { callWithDeadline } from '../fixtures/deadline';

const REDACT_MODULE = join(__dirname, '../../src/core/safety/redact.ts');

interface Case {
  name: string;
  input: string;
  expected: string;
  kinds: string[];
}

const corpus = JSON.parse(readFileSync(join(__dirname, '../fixtures/redaction/corpus.json'), 'utf8')) as Case[];

describe('redactSecrets: corpus (test/fixtures/redaction/corpus.json)', () => {
  for (const c of corpus) {
    it(`${c.kinds.length ? 'redacts' : 'keeps'}: ${c.name}`, () => {
      const r = redactSecrets(c.input);
      assert.equal(r.text, c.expected);
      assert.deepEqual(r.kinds, c.kinds);
    });
  }

  it('covers Atuin’s 22 patterns and every extra pattern family with a positive case', () => {
    const required = [
      'aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'azure-key', 'gcp-service-account-key',
      'atuin-login', 'github-pat', 'github-oauth', 'github-user-token', 'github-app-token', 'github-refresh-token',
      'gitlab-pat', 'slack-token', 'slack-webhook', 'stripe-key', 'netlify-token', 'npm-token', 'pulumi-token',
      'private-key', 'url-credentials', 'auth-header', 'secret-env', 'password-flag', 'secret-flag', 'jwt',
      'bearer-token', 'basic-auth', 'docker-pat', 'pypi-token', 'gitlab-token', 'huggingface-token', 'anthropic-key',
      'google-api-key',
    ];
    const seen = new Set(corpus.flatMap((c) => c.kinds));
    for (const k of required) assert.ok(seen.has(k), `no positive corpus case for ${k}`);
    assert.ok(corpus.filter((c) => c.kinds.length === 0).length >= 30, 'needs plenty of false-positive cases');
  });

  it('never leaves a redacted value in the output, and redacting twice changes nothing', () => {
    for (const c of corpus) {
      const once = redactSecrets(c.input).text;
      assert.equal(redactSecrets(once).text, once, c.name);
    }
  });
});

describe('redactSecrets: behaviour', () => {
  it('keeps the variable name readable and replaces only the value', () => {
    const r = redactSecrets('export GITLAB_TOKEN=abc123 && make deploy');
    assert.equal(r.text, 'export GITLAB_TOKEN=[REDACTED:secret-env] && make deploy');
  });

  it('redacts each occurrence of a repeated secret', () => {
    const t = 'ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4gH6';
    const r = redactSecrets(`a ${t} b ${t}`);
    assert.equal(r.text, 'a [REDACTED:github-pat] b [REDACTED:github-pat]');
    assert.deepEqual(r.kinds, ['github-pat']);
  });

  it('returns the same string object when nothing matches', () => {
    const s = 'npm test -- --grep redaction';
    assert.equal(redactSecrets(s).text, s);
    assert.deepEqual(redactSecrets('').kinds, []);
  });

  // Each list took well over 3 s on the old quadratic code; linear code needs milliseconds. The worker is terminated
  // at the deadline, so a regression fails the test instead of hanging it.
  it('finishes 10 KB adversarial inputs within a deadline (no catastrophic backtracking)', async function () {
    this.timeout(60_000); // loading TypeScript in the worker is not timed by the deadline
    const adversarial = [
      'A'.repeat(10_240),
      'a_'.repeat(5_120),
      `${'x'.repeat(10_000)}=`,
      'TOKEN='.repeat(1_700),
      '"'.repeat(10_240),
      `Authorization: ${'Bearer '.repeat(1_400)}`,
      `-----BEGIN RSA PRIVATE KEY-----${'A'.repeat(10_000)}`,
      '-----BEGIN PRIVATE KEY-----'.repeat(370),
      `https://${'u:'.repeat(5_000)}`,
      `mysql ${' -px'.repeat(2_500)}`,
      `curl ${"-H 'X: ".repeat(1_400)}`,
      `--password ${'--'.repeat(5_000)}`,
      'abandon '.repeat(1_280),
      'eyJ'.repeat(3_400),
      `${'ghp_'.repeat(2_500)}`,
      '\\'.repeat(10_240),
      `echo ${'"a\\"'.repeat(2_500)}`,
      Array.from({ length: 1_000 }, (_, i) => `K${i}_SECRET=v${i}`).join(' '),
    ];
    const sizes = await callWithDeadline(REDACT_MODULE, 'redactSecrets', adversarial, 2_000);
    assert.equal(sizes.length, adversarial.length);
  });

  it('is linear on repeated assignment-like, query-like and key-like text (100 KB within a deadline)', async function () {
    this.timeout(60_000);
    const n = 100_000;
    const fill = (unit: string): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
    const inputs = [fill('a='), fill('a=b,'), fill('TOKEN=$x:'), fill('?token=$'), fill('sk-'), fill('TOKEN="\\"'), fill('x"a":"'),
      fill('-----BEGIN PRIVATE KEY-----'), fill(' --password "\\"'), fill('[REDACTED:x] ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4gH6 ')];
    const sizes = await callWithDeadline(REDACT_MODULE, 'redactSecrets', inputs, 2_000);
    assert.equal(sizes.length, inputs.length);
  });

  it('still redacts a secret assignment hidden after many harmless ones', () => {
    const r = redactSecrets(`${'a=b,'.repeat(2_000)}API_TOKEN=Zx8Qw2Er5Ty7Ui9Op1As`);
    assert.ok(r.text.endsWith('API_TOKEN=[REDACTED:secret-env]'), r.text.slice(-60));
  });
});

describe('redactForLog', () => {
  const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

  it('removes a recovery phrase, even with a typo or when only part of it is present', () => {
    assert.equal(redactForLog(`join failed for ${phrase}`), 'join failed for [REDACTED:recovery-phrase]');
    const typo = phrase.replace('sausage', 'sausag');
    assert.ok(!redactForLog(`phrase: ${typo}`).includes('winner'));
    const part = 'legal winner thank year wave sausage worth useful';
    assert.ok(!redactForLog(`got ${part}`).includes('sausage'));
  });

  it('removes key material and secret patterns but keeps ordinary log lines', () => {
    const key = 'q2Vb8Xn1Lk7Rt4Ys9Pw3Mz6Hd0Fc5Gj2Ba8Ne1Uo7Iq4=';
    assert.equal(redactForLog(`vault key ${key}`), 'vault key [REDACTED:key-material]');
    assert.equal(redactForLog(`hex ${'ab'.repeat(32)}`), 'hex [REDACTED:key-material]');
    assert.equal(redactForLog('export API_TOKEN=abc123'), 'export API_TOKEN=[REDACTED:secret-env]');
    const ordinary = 'sync: uploaded 200 entries in batch 17 to ws://127.0.0.1:4200 (co_zAbc123)';
    assert.equal(redactForLog(ordinary), ordinary);
    const ids = 'peer co_zKN8pD9ZMKfcY7Bv1zC2eVwGhQJx_session_zBp4Xk2SCvRt7QeaW9 wrote /tmp/caro-vault-AbC123dEf456/sub/Deep/keys';
    assert.equal(redactForLog(ids), ids, 'Jazz ids and paths stay readable');
  });
});
