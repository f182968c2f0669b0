// Crypto micro-benchmarks. Usage: npm run bench:crypto [-- --json] [-- --quick]
// Prints one JSON object: FieldCipher encrypt/decrypt p50/p95 (µs) at 100 B and 10 KB with node:crypto (Caro's
// default AES-GCM) and @noble/ciphers in the same run (ratio = noble / node), Argon2id derivation (ms), HKDF (µs), BIP39 (µs), and the
// minified bundle size of the Argon2id import (small deep import vs the whole hash-wasm package).
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { defaultAesGcm, nobleAesGcm, nodeAesGcm } from '../../src/core/crypto/aesGcm';
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

function fieldBench(size: number, n: number): Record<string, unknown> {
  const key = SecretKey.random();
  const noble = new FieldCipher(key, nobleAesGcm);
  const node = new FieldCipher(key, nodeAesGcm);
  const text = 'x'.repeat(size);
  const id = '0e3c2a34-5f6b-4c1d-9e8f-0123456789ab';
  const nobleBlob = noble.encrypt('command', id, 'command', text);
  const nodeBlob = node.encrypt('command', id, 'command', text);
  if (node.decrypt('command', id, 'command', nobleBlob) !== text || noble.decrypt('command', id, 'command', nodeBlob) !== text) {
    throw new Error('noble and node:crypto blobs are not interchangeable');
  }
  const warm = Math.min(200, n);
  const nobleEnc = stats(timeUs(n, warm, () => noble.encrypt('command', id, 'command', text)));
  const nodeEnc = stats(timeUs(n, warm, () => node.encrypt('command', id, 'command', text)));
  const nobleDec = stats(timeUs(n, warm, () => noble.decrypt('command', id, 'command', nobleBlob)));
  const nodeDec = stats(timeUs(n, warm, () => node.decrypt('command', id, 'command', nodeBlob)));
  const ratio = (a: Stats, b: Stats): number => Math.round((a.p50 / b.p50) * 100) / 100;
  return {
    bytes: size,
    default_backend: defaultAesGcm.name,
    node: { encrypt_us: nodeEnc, decrypt_us: nodeDec },
    noble: { encrypt_us: nobleEnc, decrypt_us: nobleDec },
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
