// The extension and CLI ship as esbuild CJS bundles; the ESM-only noble/scure packages and the hash-wasm deep import
// must work there exactly as under tsx.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { type BlobFrozenFixture, type SyncKeysFixture, loadCryptoFixture } from '../fixtures/crypto/cryptoFixtures';

const root = join(__dirname, '..', '..');
const frozenKeys = loadCryptoFixture<SyncKeysFixture>('syncKeysFrozen.json');
const frozenBlobs = loadCryptoFixture<BlobFrozenFixture>('blobFrozen.json');

interface BundledCrypto {
  deriveSyncKeys(phrase: string): Promise<{ fingerprint: string; command: { fingerprint(): string } }>;
  checkPhrase(input: string): { ok: boolean };
  generatePhrase(): string;
  openString(key: unknown, b64: string, aad: string, aead?: unknown): string;
  sealString(key: unknown, text: string, aad: string, aead?: unknown): string;
  nobleAesGcm: unknown;
  SecretKey: { fromBytes(b: Uint8Array): unknown; random(): unknown };
}

describe('crypto in an esbuild CJS bundle (as in dist/extension.js and dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  let bundled: BundledCrypto;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caro-crypto-bundle-'));
    const outfile = join(dir, 'crypto.cjs');
    await esbuild.build({
      stdin: {
        contents: [
          "export { deriveSyncKeys } from './src/core/crypto/keys';",
          "export { checkPhrase, generatePhrase } from './src/core/crypto/phrase';",
          "export { openString, sealString } from './src/core/crypto/blob';",
          "export { nobleAesGcm } from './src/core/crypto/aesGcm';",
          "export { SecretKey } from './src/core/crypto/secretKey';",
        ].join('\n'),
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile, logLevel: 'silent',
    });
    assert.ok(statSync(outfile).size < 150_000, 'crypto stays small (hash-wasm deep import, not the whole package)');
    bundled = createRequire(__filename)(outfile) as BundledCrypto;
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('derives the frozen sync keys from the frozen phrase', async () => {
    const keys = await bundled.deriveSyncKeys(frozenKeys.phrase);
    assert.equal(keys.fingerprint, frozenKeys.syncFingerprint);
    assert.equal(keys.command.fingerprint(), frozenKeys.purposes.command.fingerprint);
  });

  it('generates and validates phrases', () => {
    assert.ok(bundled.checkPhrase(bundled.generatePhrase()).ok);
    assert.ok(!bundled.checkPhrase('zoo zoo').ok);
  });

  it('opens the frozen blobs with both AES-GCM implementations and round-trips new ones', () => {
    const key = bundled.SecretKey.fromBytes(new Uint8Array(Buffer.from(frozenBlobs.keyHex, 'hex')));
    for (const v of frozenBlobs.vectors) {
      assert.equal(bundled.openString(key, v.blobBase64, v.aad), v.plaintext);
      assert.equal(bundled.openString(key, v.blobBase64, v.aad, bundled.nobleAesGcm), v.plaintext);
    }
    const fresh = bundled.SecretKey.random();
    const aad = 'caro|v1|command|r1|command';
    assert.equal(bundled.openString(fresh, bundled.sealString(fresh, 'echo bundled ✓', aad, bundled.nobleAesGcm), aad), 'echo bundled ✓');
  });
});
