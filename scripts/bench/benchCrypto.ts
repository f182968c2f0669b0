// Crypto micro-benchmarks. Usage: npm run bench:crypto [-- --json] [-- --quick]
// Prints one JSON object: field encrypt/decrypt p50/p95 (µs) at 100 B and 10 KB for @noble/ciphers (what Caro uses)
// and node:crypto in the same run (ratio = noble / node), Argon2id derivation (ms), HKDF (µs), BIP39 (µs), and the
// minified bundle size of the Argon2id import (small deep import vs the whole hash-wasm package).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { fieldAad } from '../../src/core/crypto/aad';
import { FieldCipher } from '../../src/core/crypto/fieldCipher';
import { deriveMasterKey, derivePurposeKey, deriveSyncKeys, SYNC_KEY_INFO } from '../../src/core/crypto/keys';
import { checkPhrase, generatePhrase } from '../../src/core/crypto/phrase';
import { SecretKey } from '../../src/core/crypto/secretKey';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const root = join(__dirname, '..', '..');

interface Stats { p50: number; p95: number; mean: number; n: number }

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(samples.reduce((s, x) => s + x, 0) / samples.length), n: samples.length };
}

/** Runs fn `n` times after `warmup` runs; returns per-call durations in µs. */
function timeUs(n: number, warmup: number, fn: (i: number) => void): number[] {
  for (let i = 0; i < warmup; i++) fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    out.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return out;
}

async function timeMsAsync(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

/** The same blob format and AAD as blob.ts, on node:crypto, as the comparison baseline. */
function nodeSeal(key: Uint8Array, text: string, aad: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([1]), nonce, ct, c.getAuthTag()]).toString('base64');
}

function nodeOpen(key: Uint8Array, b64: string, aad: string): string {
  const blob = Buffer.from(b64, 'base64');
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(blob.subarray(blob.length - 16));
  return Buffer.concat([d.update(blob.subarray(13, blob.length - 16)), d.final()]).toString('utf8');
}

function fieldBench(size: number, n: number): Record<string, unknown> {
  const key = SecretKey.random();
  const raw = key.exposeBytes();
  const cipher = new FieldCipher(key);
  const text = 'x'.repeat(size);
  const id = '0e3c2a34-5f6b-4c1d-9e8f-0123456789ab';
  const aad = fieldAad('command', id, 'command');
  const nobleBlob = cipher.encrypt('command', id, 'command', text);
  const nodeBlob = nodeSeal(raw, text, aad);
  if (nodeOpen(raw, nobleBlob, aad) !== text || cipher.decrypt('command', id, 'command', nodeBlob) !== text) {
    throw new Error('noble and node:crypto blobs are not interchangeable');
  }
  const warm = Math.min(200, n);
  const nobleEnc = stats(timeUs(n, warm, () => cipher.encrypt('command', id, 'command', text)));
  const nodeEnc = stats(timeUs(n, warm, () => nodeSeal(raw, text, aad)));
  const nobleDec = stats(timeUs(n, warm, () => cipher.decrypt('command', id, 'command', nobleBlob)));
  const nodeDec = stats(timeUs(n, warm, () => nodeOpen(raw, nodeBlob, aad)));
  const ratio = (a: Stats, b: Stats): number => Math.round((a.p50 / b.p50) * 100) / 100;
  return {
    bytes: size,
    noble: { encrypt_us: nobleEnc, decrypt_us: nobleDec },
    node: { encrypt_us: nodeEnc, decrypt_us: nodeDec },
    ratio_noble_over_node_p50: { encrypt: ratio(nobleEnc, nodeEnc), decrypt: ratio(nobleDec, nodeDec) },
  };
}

async function bundleBytes(contents: string): Promise<number> {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, write: false, logLevel: 'silent',
  });
  return result.outputFiles[0]?.contents.length ?? 0;
}

async function main(): Promise<void> {
  const n = quick ? 500 : 5000;
  const field = { '100B': fieldBench(100, n), '10KB': fieldBench(10_000, quick ? 200 : 2000) };

  const phrase = generatePhrase();
  await deriveMasterKey(phrase); // first call includes WASM instantiation
  const argonRuns = quick ? 2 : 5;
  const argon2Ms = stats(await timeMsAsync(argonRuns, () => deriveMasterKey(phrase)));
  const syncKeysMs = stats(await timeMsAsync(quick ? 1 : 3, () => deriveSyncKeys(phrase)));

  const master = SecretKey.random();
  const hkdfUs = stats(timeUs(n, 200, () => derivePurposeKey(master, SYNC_KEY_INFO.command)));
  const generateUs = stats(timeUs(quick ? 200 : 2000, 50, () => generatePhrase()));
  const phrases = Array.from({ length: 64 }, () => generatePhrase());
  const validateUs = stats(timeUs(quick ? 200 : 2000, 50, (i) => {
    if (!checkPhrase(phrases[i % phrases.length] ?? '').ok) throw new Error('generated phrase failed validation');
  }));

  const argon2Deep = await bundleBytes("import { argon2id } from 'hash-wasm/dist/argon2.umd.min.js'; console.log(argon2id);");
  const argon2Full = await bundleBytes("import { argon2id } from 'hash-wasm'; console.log(argon2id);");
  const cryptoModule = await bundleBytes(
    "export * from './src/core/crypto/keys'; export * from './src/core/crypto/fieldCipher'; export * from './src/core/crypto/phrase'; export * from './src/core/crypto/localDataKey';",
  );

  const result = {
    bench: 'crypto',
    node: process.version,
    quick,
    field_cipher: field,
    argon2id_master_ms: { params: 'm=65536KiB t=3 p=4 32B (hash-wasm)', ...argon2Ms },
    derive_sync_keys_ms: syncKeysMs,
    hkdf_sha256_32B_us: hkdfUs,
    bip39_generate_us: generateUs,
    bip39_validate_us: validateUs,
    bundle_bytes_min: {
      argon2id_deep_import: argon2Deep,
      argon2id_full_hash_wasm: argon2Full,
      saved_by_deep_import: argon2Full - argon2Deep,
      src_core_crypto_all: cryptoModule,
    },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:crypto failed: ${String(e)}\n`);
  process.exitCode = 1;
});
