/**
 * Last line of defence for log output (Logger implementations call this on every line): secret patterns from
 * redact.ts, anything that looks like a recovery phrase (8+ BIP39 words, or 12+ with a couple of typos), and raw key
 * material (long base64 / hex / base58 strings).
 */
import { findPhraseLikeRuns } from './phraseLike';
import { redactSecrets } from './redact';

const KEY_MATERIAL: readonly { kind: string; re: RegExp }[] = [
  // 32+ byte keys in base64 / base64url (43+ chars), e.g. a vault string.
  { kind: 'key-material', re: /(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Z])[A-Za-z0-9+/_-]{43,}={0,2}(?![A-Za-z0-9+/_-])/g },
  // 32+ byte keys in hex.
  { kind: 'key-material', re: /(?<![0-9A-Fa-f])[0-9A-Fa-f]{64,}(?![0-9A-Fa-f])/g },
];

/** Jazz ids (`co_z…`, session ids) and absolute paths are useful in logs and are not key material. */
function looksLikeIdOrPath(s: string): boolean {
  if (/^co_z[1-9A-HJ-NP-Za-km-z]+(?:_session_z[1-9A-HJ-NP-Za-km-z]+)?$/.test(s)) return true;
  return s.startsWith('/') && (s.match(/\//g)?.length ?? 0) >= 3;
}

export function redactForLog(text: string): string {
  if (text === '') return text;
  let out = redactSecrets(text).text;
  const runs = [...findPhraseLikeRuns(out, 8, 0), ...findPhraseLikeRuns(out, 12, 2)].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  for (const r of merged.reverse()) out = `${out.slice(0, r.start)}[REDACTED:recovery-phrase]${out.slice(r.end)}`;
  for (const { kind, re } of KEY_MATERIAL) out = out.replace(re, (m) => (looksLikeIdOrPath(m) ? m : `[REDACTED:${kind}]`));
  return out;
}
