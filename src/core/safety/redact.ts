/**
 * Secret redaction for captured commands (decision 18): secrets are replaced by `[REDACTED:<kind>]`, the command is
 * never dropped. A safety net, not a guarantee.
 *
 * Every rule finds candidate spans on the ORIGINAL text; overlapping spans are resolved (earliest start, then longest,
 * then rule order) and replaced in one pass, so a placeholder is never redacted twice. Where a secret has a readable
 * name (`AWS_SECRET_ACCESS_KEY=…`, `--password=…`, `Authorization: Bearer …`) only the value is replaced.
 *
 * Cost is linear: no pattern has nested quantifiers, and a value that can be long (a shell word, a query value, a token
 * tail, a PEM block) is not part of a regex but found by the ValueScanner, which answers a candidate starting inside a
 * run it already scanned without rescanning it (`a=a=a=…` over 100 KB: milliseconds, not seconds).
 */
import { findPhraseLikeRuns } from './phraseLike';
import { ValueScanner } from './valueScanner';

export interface RedactionResult {
  text: string;
  /** Distinct kinds, in order of first appearance. */
  kinds: string[];
}

interface Span {
  start: number;
  end: number;
  kind: string;
  priority: number;
}

interface Rule {
  kind: string;
  /** Must carry the `g` flag. With `value`, it matches only the prefix before the value (`NAME=`, `--token `). */
  re: RegExp;
  /** Capture group holding the secret (0 = whole match). Without `value` only. */
  group?: number;
  /**
   * The value after the prefix, found by the linear ValueScanner: 'shell' = a shell word (quoted or bare; the secret
   * is inside the quotes), 'pem' = up to the matching END line (or the base64 that follows), or a sticky run regex.
   */
  value?: 'shell' | 'pem' | RegExp;
  /** Value length needed for a match (default 1). */
  minValue?: number;
  /** The span to replace: the value only (default) or the prefix and the value. */
  span?: 'value' | 'all';
  /** A rejected candidate's whole value run is skipped (token-like runs: no other token starts inside one). */
  skipRejected?: boolean;
  /** Optional veto / kind override, given the match (and the value, quotes included). Return null to skip the match. */
  accept?: (m: RegExpExecArray, text: string, value: string) => string | null | undefined;
}

const PLACEHOLDER = /^\[REDACTED:/;

function isReference(value: string): boolean {
  // `$VAR`, `${VAR}`, `$(cmd)`, backticks, `-` (stdin), masks and flag-like words are not secrets themselves.
  return (
    /^\$|^`|^-$|^<|^\*+$|^x+$|^\.\.\.$|^(?:true|false|yes|no|on|off|null|none|0|1)$/i.test(value) || PLACEHOLDER.test(value)
  );
}

/** Letters AND digits, or long enough with mixed case: a crude "looks like a token" test. */
function looksRandom(v: string, minLen: number): boolean {
  if (v.length < minLen) return false;
  const hasDigit = /\d/.test(v);
  const hasLower = /[a-z]/.test(v);
  const hasUpper = /[A-Z]/.test(v);
  if (!(hasDigit && (hasLower || hasUpper)) && !(hasLower && hasUpper && v.length >= 24)) return false;
  return shannonBits(v) >= 3.0;
}

function shannonBits(v: string): number {
  const counts = new Map<string, number>();
  for (const c of v) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / v.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Variable names whose value is a secret: `*_TOKEN`, `*SECRET`, `*PASSWORD`, `*_KEY`, `*_PASS`, `*_AUTH`, … */
const ENV_SECRET_NAME =
  /(?:^|_)(?:PASS|KEY|AUTH|CREDENTIALS?|PASSPHRASE|API_KEY)$|(?:TOKEN|SECRET|PASSWORD|PASSWD|APIKEY)$/;
/** Names that end like secrets but are not. */
const ENV_NOT_SECRET = /(?:^|_)(?:PUBLIC_KEY|KEY_ID|KEY_NAME|KEY_PATH|KEY_FILE|SORT_KEY|PRIMARY_KEY|HOTKEY|MONKEY)$|^(?:OLD)?PWD$/;

function envKind(name: string): string | null {
  const upper = name.toUpperCase();
  if (upper === 'AWS_SECRET_ACCESS_KEY') return 'aws-secret-access-key';
  if (upper === 'AWS_SESSION_TOKEN') return 'aws-session-token';
  if (upper === 'GOOGLE_SERVICE_ACCOUNT_KEY') return 'gcp-service-account-key';
  if (/^AZURE_.*_KEY$/.test(upper)) return 'azure-key';
  if (ENV_NOT_SECRET.test(upper)) return null;
  return ENV_SECRET_NAME.test(upper) ? 'secret-env' : null;
}

/** Separator positions and per-segment program words of the text being redacted (cleared after each call). */
let separatorCache: { text: string; positions: number[]; words: Map<number, Set<string>> } | undefined;

/**
 * The words (basenames, lower case) of the simple command (between ; & | newline) that contains `index`.
 * Binary search plus a per-segment cache, so thousands of matches in one command stay linear.
 */
function segmentWords(text: string, index: number): Set<string> {
  if (separatorCache?.text !== text) {
    const positions: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 59 /* ; */ || c === 38 /* & */ || c === 124 /* | */ || c === 10 /* \n */) positions.push(i);
    }
    separatorCache = { text, positions, words: new Map() };
  }
  const { positions, words } = separatorCache;
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((positions[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  const start = lo > 0 ? (positions[lo - 1] as number) + 1 : 0;
  let set = words.get(start);
  if (!set) {
    const end = lo < positions.length ? (positions[lo] as number) : text.length;
    set = new Set(
      text
        .slice(start, end)
        .split(/\s+/)
        .map((w) => w.replace(/^.*\//, '').replace(/^['"]|['"]$/g, '').toLowerCase()),
    );
    words.set(start, set);
  }
  return set;
}

function hasProgram(words: Set<string>, re: RegExp): boolean {
  for (const w of words) if (re.test(w)) return true;
  return false;
}

const MYSQL_CLIENT = /^(?:mysql\w*|mariadb[\w-]*|mysqlsh)$/;
const LOGIN_TOOL = /^(?:docker|podman|buildah|skopeo|nerdctl|helm|oras)$/;

function flagIsSecret(name: string): boolean {
  const n = name.toLowerCase();
  if (/^(?:no|ask|prompt)-|(?:-stdin|-file|-env|-path|-cmd|-command|-length|-prompt|-type)$/.test(n)) return false;
  return /(?:^|-)(?:password|passwd|passphrase|pass|token|secret|api-?key|access-?key|auth-?key|private-?key|client-?secret|auth)$/.test(
    n,
  );
}

const RULES: Rule[] = [
  // --- Whole blocks first.
  {
    kind: 'private-key',
    re: /-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----/g,
    value: 'pem',
    minValue: 0,
    span: 'all',
  },
  // --- Atuin's 22 (prior-art.md §4), widened to swallow the whole token.
  { kind: 'aws-access-key-id', re: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'github-pat', re: /\bghp_[A-Za-z0-9]{36,}\b/g },
  { kind: 'github-pat', re: /\bgh1_[A-Za-z0-9]{21}_[A-Za-z0-9]{59}\b|\bgithub_pat_[0-9][A-Za-z0-9]{21}_[A-Za-z0-9]{59}\b/g },
  { kind: 'github-pat', re: /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g },
  { kind: 'github-oauth', re: /\bgho_[A-Za-z0-9]{36,}\b/g },
  { kind: 'github-user-token', re: /\bghu_[A-Za-z0-9]{36,}\b/g },
  { kind: 'github-app-token', re: /\bghs_[A-Za-z0-9._-]{36,}/g },
  { kind: 'github-refresh-token', re: /\bghr_[A-Za-z0-9]{76,}\b/g },
  { kind: 'github-app-token', re: /\bv1\.[0-9A-Fa-f]{40}\b/g },
  { kind: 'gitlab-pat', re: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  // GitLab pipeline trigger, deploy and runner authentication tokens.
  { kind: 'gitlab-token', re: /\bglptt-[0-9a-f]{40}\b|\b(?:gldt|glrt)-[A-Za-z0-9_-]{20,}/g },
  { kind: 'slack-token', re: /\bxox[bpaesr]-[0-9A-Za-z-]{10,}/g },
  { kind: 'slack-token', re: /\bxapp-\d-[A-Z0-9]{8,}-\d{8,}-[a-f0-9]{32,}\b/g },
  { kind: 'slack-webhook', re: /\bT[A-Za-z0-9_]{8,12}\/B[A-Za-z0-9_]{8,12}\/[A-Za-z0-9_]{24}\b/g },
  { kind: 'stripe-key', re: /\b[sr]k_(?:test|live)_[0-9A-Za-z]{24,}\b/g },
  { kind: 'netlify-token', re: /\bnf[pcoub]_[0-9A-Za-z]{36,}\b/g },
  { kind: 'npm-token', re: /\bnpm_[A-Za-z0-9]{36,}\b/g },
  { kind: 'pulumi-token', re: /\bpul-[0-9a-f]{40}\b/g },
  // Atuin's "atuin login" rule: keep the verb, redact its arguments (username, password, key).
  { kind: 'atuin-login', re: /\batuin\s+login\s+([^;&|\n]+)/g, group: 1, accept: (m) => (/\S/.test(m[1] ?? '') ? undefined : null) },
  // Environment-variable names from Atuin's list: handled by the assignment rules below (value redacted, name kept).

  // --- Other well-known token formats.
  { kind: 'docker-pat', re: /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{24,}/g },
  // PyPI API tokens are macaroons whose first bytes encode "pypi.org" / "test.pypi.org".
  { kind: 'pypi-token', re: /\bpypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}/g },
  { kind: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'anthropic-key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  // sk-…, sk-proj-…, sk-svcacct-…, sk-admin-… (the tail's character class covers those infixes).
  {
    kind: 'openai-key',
    re: /\bsk-/g,
    value: /[A-Za-z0-9_-]+/y,
    minValue: 20,
    span: 'all',
    skipRejected: true,
    accept: (_m, _t, value) => (looksRandom(`sk-${value}`, 20) ? undefined : null),
  },
  { kind: 'huggingface-token', re: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'sendgrid-key', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g },
  { kind: 'digitalocean-token', re: /\bdo[por]_v1_[a-f0-9]{64}\b/g },
  { kind: 'vault-token', re: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g },
  { kind: 'shopify-token', re: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g },
  { kind: 'age-secret-key', re: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g },
  { kind: 'telegram-bot-token', re: /(?<!\d)\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g },
  { kind: 'databricks-token', re: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g },
  { kind: 'doppler-token', re: /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}/g },
  { kind: 'google-oauth-token', re: /\bya29\.[0-9A-Za-z_-]{20,}/g },
  { kind: 'jazz-secret', re: /\b(?:sealerSecret|signerSecret|keySecret|agentSecret)_z[1-9A-HJ-NP-Za-km-z]{20,}/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },

  // --- Structural secrets: keep the name, redact the value.
  // URL credentials: scheme://user:password@host → password only.
  { kind: 'url-credentials', re: /\b[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/[^\s:/@'"]{0,200}:([^\s@/'"]{1,400})@/g, group: 1 },
  // HTTP headers carrying credentials.
  {
    kind: 'auth-header',
    re: /\b(?:Proxy-)?Authorization\s*:\s*(?:(?:Bearer|Basic|Token|Digest|Bot|Negotiate|NTLM|ApiKey)\s+)?([^\s'"]+)/gi,
    group: 1,
    accept: (m) => (isReference(m[1] ?? '') ? null : undefined),
  },
  {
    kind: 'auth-header',
    re: /\b(?:X-Api-Key|Api-Key|X-Auth-Token|X-Access-Token|Private-Token|X-Vault-Token|X-Goog-Api-Key|X-Figma-Token|Cookie|X-Csrf-Token)\s*:\s*([^\s'"]+)/gi,
    group: 1,
    accept: (m) => (isReference(m[1] ?? '') ? null : undefined),
  },
  // Bare "Bearer <token>" anywhere (e.g. a header built in a variable).
  { kind: 'bearer-token', re: /\bBearer\s+([A-Za-z0-9._~+/=-]{16,})/g, group: 1 },
  // Query-string credentials.
  {
    kind: 'url-token',
    re: /[?&](?:access_token|refresh_token|id_token|token|api_key|apikey|api-key|key|secret|client_secret|password|passwd|auth|sig|signature|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=/gi,
    value: /[^\s&#'"]+/y,
    minValue: 6,
    accept: (_m, _t, value) => (isReference(value) ? null : undefined),
  },
  // Environment assignments: NAME=value, export NAME=value, env NAME=value, set -x NAME value (fish).
  {
    kind: 'secret-env',
    re: /(?<![A-Za-z0-9_$.-])([A-Za-z_][A-Za-z0-9_]{0,200})=/g,
    value: 'shell',
    accept: (m, _t, value) => {
      const kind = envKind(m[1] ?? '');
      if (kind === null || isReference(unquote(value)) || unquote(value) === '') return null;
      return kind;
    },
  },
  {
    kind: 'secret-env',
    re: /\bset\s+(?:-[gxUlu]+\s+)*([A-Za-z_][A-Za-z0-9_]{0,200})\s+/g,
    value: 'shell',
    accept: (m, _t, value) => (isReference(unquote(value)) ? null : envKind(m[1] ?? '')),
  },
  // `aws configure set aws_secret_access_key VALUE` and friends.
  {
    kind: 'aws-secret-access-key',
    re: /\b(aws_secret_access_key|aws_session_token)\s+/gi,
    value: 'shell',
    accept: (m, _t, value) => (isReference(unquote(value)) ? null : (m[1] ?? '').toLowerCase() === 'aws_session_token' ? 'aws-session-token' : undefined),
  },
  // JSON / YAML style "password": "…".
  {
    kind: 'secret-field',
    re: /["']?\b([A-Za-z_][A-Za-z0-9_-]{0,60})["']?\s*:\s*"([^"\\\n]{1,400})"/g,
    group: 2,
    accept: (m) => (isReference(m[2] ?? '') ? null : envKind((m[1] ?? '').replace(/-/g, '_')) ? 'secret-field' : null),
  },
  // Long options: --password=…, --password …, --token …, --api-key=…, --client-secret …
  {
    kind: 'secret-flag',
    re: /(?<=^|\s)--([A-Za-z][A-Za-z0-9-]{0,60})(?:=|\s+)/g,
    value: 'shell',
    accept: (m, _t, raw) => {
      const value = unquote(raw);
      if (!flagIsSecret(m[1] ?? '') || value === '' || isReference(value) || value.startsWith('-')) return null;
      return undefined;
    },
  },
  // mysql -pSECRET (attached only: `mysql -p db` prompts), sshpass -p SECRET / -pSECRET.
  {
    kind: 'password-flag',
    re: /(?<=\s)-p\s*/g,
    value: 'shell',
    accept: (m, text, raw) => {
      const attached = m[0] === '-p';
      const value = unquote(raw);
      if (value === '' || isReference(value)) return null;
      const words = segmentWords(text, m.index);
      if (words.has('sshpass')) return undefined;
      if (attached && hasProgram(words, MYSQL_CLIENT)) return undefined;
      return null;
    },
  },
  // Tools whose short option takes a password as the next word: docker/podman login -p, redis-cli -a, sqlcmd/bcp -P,
  // ldapsearch & co -w, openssl -pass pass:…, smbclient -U user%password.
  {
    kind: 'password-flag',
    re: /(?<=\s)(-p|-a|-P|-w|--pass|-pass(?:in|out)?|-passin|-passout)\s+/g,
    value: 'shell',
    accept: (m, text, raw) => {
      const flag = m[1] ?? '';
      let value = unquote(raw);
      if (value === '' || isReference(value) || value.startsWith('-')) return null;
      const words = segmentWords(text, m.index);
      if (flag === '-p' && words.has('login') && hasProgram(words, LOGIN_TOOL)) return undefined;
      if (flag === '-a' && words.has('redis-cli')) return undefined;
      if (flag === '-P' && hasProgram(words, /^(?:sqlcmd|bcp|osql|isql)$/)) return undefined;
      if (flag === '-w' && hasProgram(words, /^ldap(?:search|modify|add|delete|passwd|whoami|compare|modrdn)$/)) return undefined;
      if (/^-(?:-?pass|passin|passout)$/.test(flag) && words.has('openssl')) {
        value = value.replace(/^pass:/, '');
        return /^(?:env|file|fd):|^stdin$/.test(value) ? null : undefined;
      }
      return null;
    },
  },
  { kind: 'password-flag', re: /(?<=\s)-U\s+['"]?[^\s%'"]{1,100}%([^\s'"]{1,200})/g, group: 1 },
  // curl -u user:password / --user user:password → password only.
  {
    kind: 'basic-auth',
    re: /(?<=\s)(?:-u|--user|--proxy-user|-U)(?:\s+|=)['"]?[^\s:'"]{1,200}:([^\s'"]{1,400})/g,
    group: 1,
    accept: (m) => (isReference(m[1] ?? '') ? null : undefined),
  },
  // Any other curl/wget/http header whose value looks like a random token.
  {
    kind: 'bearer-token',
    re: /(?<=\s)(?:-H|--header)\s*['"]?[A-Za-z0-9-]{1,60}\s*:\s*([A-Za-z0-9._~+/=-]{20,})/g,
    group: 1,
    accept: (m) => (looksRandom(m[1] ?? '', 20) ? undefined : null),
  },
];

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"')))) return v.slice(1, -1);
  return v;
}

/** Start/end of the secret inside a captured value, excluding surrounding quotes. */
function groupSpan(m: RegExpExecArray, group: number): { start: number; end: number } | null {
  const idx = m.indices?.[group];
  if (!idx) return null;
  let [start, end] = idx;
  const g = m[group] ?? '';
  if (g.length >= 2 && ((g.startsWith("'") && g.endsWith("'")) || (g.startsWith('"') && g.endsWith('"')))) {
    start += 1;
    end -= 1;
  }
  return end > start ? { start, end } : null;
}

const COMPILED: { rule: Rule; re: RegExp }[] = RULES.map((rule) => ({
  rule,
  re: new RegExp(rule.re.source, rule.re.flags.includes('d') ? rule.re.flags : rule.re.flags + 'd'),
}));

/** END line of a PEM private key block. */
const PEM_END = /-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----/g;
/** What follows a BEGIN line without an END line (a pasted, cut-off key). */
const PEM_BODY = /[A-Za-z0-9+/=\s\\]*/y;

/** End of the value after a prefix, or -1 when there is no value. */
function valueEnd(scanner: ValueScanner, value: NonNullable<Rule['value']>, start: number): number {
  if (value === 'shell') return scanner.shellWordEnd(start);
  if (value === 'pem') return scanner.nextMatch(PEM_END, start)?.end ?? scanner.runEnd(PEM_BODY, start);
  return scanner.runEnd(value, start);
}

/** A candidate whose value is found by the scanner (rules with `value`). Returns the span, or null when rejected. */
function valueCandidate(rule: Rule, re: RegExp, m: RegExpExecArray, text: string, scanner: ValueScanner): { start: number; end: number; kind?: string } | null {
  const vStart = m.index + m[0].length;
  const vEnd = valueEnd(scanner, rule.value as NonNullable<Rule['value']>, vStart);
  if (vEnd < 0 || vEnd - vStart < (rule.minValue ?? 1)) {
    re.lastIndex = m.index + 1;
    return null;
  }
  const raw = text.slice(vStart, vEnd);
  const verdict = rule.accept ? rule.accept(m, text, raw) : undefined;
  if (verdict === null) {
    // Let overlapping later matches start inside this one (`FOO=x,API_TOKEN=…`), except in token-like runs.
    re.lastIndex = rule.skipRejected ? Math.max(vEnd, m.index + 1) : m.index + 1;
    return null;
  }
  re.lastIndex = Math.max(vEnd, m.index + 1);
  const quoted = raw.length >= 2 && (raw[0] === "'" || raw[0] === '"') && raw[raw.length - 1] === raw[0];
  const span = rule.span === 'all' ? { start: m.index, end: vEnd } : quoted ? { start: vStart + 1, end: vEnd - 1 } : { start: vStart, end: vEnd };
  if (span.end <= span.start) return null;
  return verdict === undefined ? span : { ...span, kind: verdict };
}

function collect(text: string): Span[] {
  const spans: Span[] = [];
  const scanner = new ValueScanner(text);
  COMPILED.forEach(({ rule, re }, priority) => {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === '') {
        re.lastIndex += 1;
        continue;
      }
      if (rule.value) {
        const found = valueCandidate(rule, re, m, text, scanner);
        if (found) spans.push({ start: found.start, end: found.end, kind: found.kind ?? rule.kind, priority });
        continue;
      }
      const verdict = rule.accept ? rule.accept(m, text, m[0]) : undefined;
      if (verdict === null) {
        // Let overlapping later matches start inside this one (e.g. `--no-password --token X`).
        re.lastIndex = m.index + 1;
        continue;
      }
      const span = groupSpan(m, rule.group ?? 0);
      if (span) spans.push({ ...span, kind: verdict ?? rule.kind, priority });
    }
  });
  for (const p of findPhraseLikeRuns(text, 12, 0)) spans.push({ ...p, kind: 'recovery-phrase', priority: -1 });
  return withoutPlaceholders(text, spans);
}

/**
 * Text that is already a placeholder is never redacted again (idempotence). One sweep: placeholders do not overlap and
 * are in order, so for spans sorted by start only the first placeholder ending after the span's start can overlap it.
 */
function withoutPlaceholders(text: string, spans: Span[]): Span[] {
  const existing: { start: number; end: number }[] = [];
  const ph = /\[REDACTED:[a-z0-9-]{1,40}\]/g;
  let e: RegExpExecArray | null;
  while ((e = ph.exec(text)) !== null) existing.push({ start: e.index, end: e.index + e[0].length });
  if (existing.length === 0) return spans;
  spans.sort((a, b) => a.start - b.start);
  const kept: Span[] = [];
  let k = 0;
  for (const s of spans) {
    while (k < existing.length && (existing[k] as { end: number }).end <= s.start) k++;
    const x = existing[k];
    if (!x || x.start >= s.end) kept.push(s);
  }
  return kept;
}

/** Replaces secrets by `[REDACTED:<kind>]`. Pure; safe on any string. */
export function redactSecrets(command: string): RedactionResult {
  if (command === '') return { text: command, kinds: [] };
  let spans: Span[];
  try {
    spans = collect(command);
  } finally {
    separatorCache = undefined; // do not keep command text alive between calls
  }
  if (spans.length === 0) return { text: command, kinds: [] };
  spans.sort((a, b) => a.start - b.start || b.end - a.end || a.priority - b.priority);
  let out = '';
  let pos = 0;
  const kinds: string[] = [];
  for (const s of spans) {
    if (s.start < pos) continue;
    out += command.slice(pos, s.start) + `[REDACTED:${s.kind}]`;
    pos = s.end;
    if (!kinds.includes(s.kind)) kinds.push(s.kind);
  }
  out += command.slice(pos);
  return { text: out, kinds };
}

/** Kinds this module can report (documentation and tests). */
export const REDACTION_KINDS: readonly string[] = [
  ...new Set([...RULES.map((r) => r.kind), 'aws-session-token', 'azure-key', 'gcp-service-account-key', 'recovery-phrase']),
];
