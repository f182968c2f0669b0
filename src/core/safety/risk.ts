/**
 * Risk classification (Caro's dangerous-command patterns, prior-art.md §2, plus force-push, SQL drops, git resets,
 * kubectl/terraform destroys). Pure and bounded: a shell lexer splits the command into simple commands, per-program
 * analysers look at real words (so `git rm -r .` and `echo 'rm -rf /'` are not `rm -rf`), and a few pattern rules run
 * on the quote-masked text. Text after `sh -c`, `eval`, `sudo`, `ssh host`, `xargs` … is classified recursively.
 */
import type { RiskLevel } from '../model/entry';
import { codePointName, keyPressPositions } from './controlChars';
import { lexShell, type Segment } from './shellWords';

export interface RiskAssessment {
  level: RiskLevel;
  /** Plain-language warnings, most severe first, without duplicates. */
  warnings: string[];
}

const RANK: Record<RiskLevel, number> = { safe: 0, moderate: 1, high: 2, critical: 3 };

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RANK[a] >= RANK[b] ? a : b;
}

export function riskRank(level: RiskLevel): number {
  return RANK[level];
}

interface Finding {
  level: Exclude<RiskLevel, 'safe'>;
  warning: string;
}

class Findings {
  readonly items: Finding[] = [];
  add(level: Finding['level'], warning: string): void {
    if (!this.items.some((f) => f.warning === warning && RANK[f.level] >= RANK[level])) this.items.push({ level, warning });
  }
}

const MAX_DEPTH = 4;
/** Longer input is classified on its first 64 KB (commands over 10 KB are not stored anyway, decision 17). */
const MAX_INPUT = 64 * 1024;

/** At most this many control characters start a separate reading of the rest of the command. */
const MAX_KEY_PRESS_READINGS = 16;

export function classifyRisk(command: string): RiskAssessment {
  const findings = new Findings();
  const text = command.length > MAX_INPUT ? command.slice(0, MAX_INPUT) : command;
  analyse(text, findings, 0);
  keyPressRules(text, findings);
  let level: RiskLevel = 'safe';
  for (const f of findings.items) level = maxRisk(level, f.level);
  const warnings = [...findings.items]
    .sort((a, b) => RANK[b.level] - RANK[a.level])
    .map((f) => f.warning)
    .filter((w, i, all) => all.indexOf(w) === i);
  return { level, warnings };
}

/**
 * A control character is a key press in a terminal: CR is Enter, others can erase or reorder the line. The text after
 * each one is also read on its own (as a fresh command line), so `echo '<CR>rm -rf /` or `x<Ctrl-U>rm -rf /` are never
 * rated lower than `rm -rf /`.
 */
function keyPressRules(text: string, out: Findings): void {
  const positions = keyPressPositions(text, MAX_KEY_PRESS_READINGS);
  for (const p of positions) analyse(text.slice(p + 1), out, 0);
  if (positions.length === 0) return;
  const others = positions.map((p) => text[p] as string).filter((c) => c !== '\r');
  if (others.length > 0) {
    out.add(
      'high',
      `Contains an invisible control character (${codePointName(others[0] as string)}) that a terminal treats as a key press: what runs can differ from what is shown`,
    );
  }
  if (positions.some((p) => text[p] === '\r')) {
    out.add('moderate', 'Contains a carriage return (U+000D), which a terminal treats as Enter: the text after it runs as a separate command');
  }
}

function analyse(command: string, out: Findings, depth: number): void {
  if (depth > MAX_DEPTH || command.trim() === '') return;
  const { segments, masked, substitutions } = lexShell(command);
  maskedRules(masked, out);
  pipelineRules(segments, out, depth);
  for (const seg of segments) analyseSegment(seg, out, depth);
  // "$(…)" inside double quotes still runs.
  for (const sub of substitutions.slice(0, 16)) analyse(sub, out, depth + 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Pattern rules on the quote-masked text (structures spanning several simple commands).

function maskedRules(masked: string, out: Findings): void {
  // Fork bomb: :(){ :|:& };:  and named variants  bomb(){ bomb|bomb& };bomb
  // (Name bounded and anchored at a word start so a 10 KB word cannot cause quadratic backtracking.)
  if (/(?<![\w:])([A-Za-z_:][\w:]{0,63})[ \t]{0,8}\(\)\s{0,8}\{\s{0,8}\1\s{0,8}\|\s{0,8}\1\s{0,8}&\s{0,8}\}/.test(masked) || /:\|:&/.test(masked)) {
    out.add('critical', 'Fork bomb: starts processes until the machine stops responding');
  }
  // (crontab -l; echo "…") | crontab -
  if (/\(\s*crontab\s+-l\b[^)]*;\s*echo\b/.test(masked)) {
    out.add('high', 'Adds a scheduled job to your crontab');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pipelines: curl … | sh, echo "DROP …" | psql

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'csh', 'tcsh', 'ash', 'pwsh', 'powershell']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'iwr', 'irm', 'invoke-webrequest', 'invoke-restmethod']);
const SQL_CLIENTS = new Set([
  'psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'sqlcmd', 'clickhouse-client', 'clickhouse', 'cockroach', 'duckdb',
  'cqlsh', 'snowsql', 'bq', 'mongo', 'mongosh', 'redis-cli', 'pgcli', 'mycli', 'litecli', 'usql',
]);

function pipelineRules(segments: Segment[], out: Findings, depth: number): void {
  let pipeline: Segment[] = [];
  const flush = (): void => {
    if (pipeline.length > 0) checkPipeline(pipeline, out, depth);
    pipeline = [];
  };
  for (const seg of segments) {
    if (seg.sepBefore !== '|' && seg.sepBefore !== '|&') flush();
    pipeline.push(seg);
  }
  flush();
}

function checkPipeline(pipeline: Segment[], out: Findings, depth: number): void {
  const progs = pipeline.map((s) => stripPrefixes(s.words));
  // echo 'rm -rf /' | sh  — the quoted text is what the shell runs.
  for (let k = 1; k < progs.length; k++) {
    const into = progs[k];
    const from = progs[k - 1];
    if (!into || !from || !SHELLS.has(base(into.words[0])) || into.words.some((w, i) => i > 0 && !w.startsWith('-'))) continue;
    const src = base(from.words[0]);
    if (src === 'echo' || src === 'printf') analyse(from.words.slice(1).filter((w) => !/^-[neE]+$/.test(w)).join(' '), out, depth + 1);
  }
  const downloads = progs.some((p) => DOWNLOADERS.has(base(p.words[0]).toLowerCase()));
  if (downloads) {
    for (let k = 1; k < progs.length; k++) {
      const p = progs[k];
      if (!p) continue;
      const prog = base(p.words[0]);
      if (SHELLS.has(prog) || prog === 'iex' || prog.toLowerCase() === 'invoke-expression' || prog === 'python' || prog === 'python3' || prog === 'perl' || prog === 'ruby' || prog === 'node') {
        if (p.elevated) out.add('critical', 'Downloads a script and runs it as root without showing it first');
        else out.add('high', 'Downloads a script and runs it without showing it first');
      }
    }
  }
  if (pipeline.length > 1 && progs.some((p) => SQL_CLIENTS.has(base(p.words[0])))) {
    for (const p of progs) sqlRules(p.words.slice(1).join(' '), out);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Simple commands.

const PREFIXES = new Set(['nohup', 'time', 'command', 'builtin', 'exec', 'nice', 'ionice', 'stdbuf', 'chronic', 'caffeinate']);
const ELEVATORS = new Set(['sudo', 'doas', 'pkexec', 'run0']);

interface Stripped {
  words: string[];
  elevated: boolean;
  /** `sudo -i`, `sudo -s`, `doas -s`: an interactive root shell. */
  rootShell: boolean;
}

/** Drops `sudo -u x`, `env A=b`, `nohup`, `timeout 5`, leading `VAR=value` … and reports elevation. */
function stripPrefixes(words: string[]): Stripped {
  let i = 0;
  let elevated = false;
  let shellFlag = false;
  for (let guard = 0; guard < 16 && i < words.length; guard++) {
    const w = words[i] ?? '';
    const b = base(w);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      i += 1;
    } else if (ELEVATORS.has(b)) {
      elevated = true;
      i += 1;
      while (i < words.length && (words[i] ?? '').startsWith('-')) {
        const f = words[i] ?? '';
        i += 1;
        if (/^-[a-zA-Z]*[is][a-zA-Z]*$/.test(f) || f === '--login' || f === '--shell') shellFlag = true;
        if (/^-[ugCDhpRrT]$/.test(f) || /^--(?:user|group|host|prompt|chdir|close-from|role|type)$/.test(f)) i += 1;
      }
    } else if (b === 'env') {
      i += 1;
      while (i < words.length && ((words[i] ?? '').startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? ''))) i += 1;
    } else if (b === 'timeout') {
      i += 1;
      while (i < words.length && (words[i] ?? '').startsWith('-')) i += 1;
      i += 1; // duration
    } else if (PREFIXES.has(b)) {
      i += 1;
      while (i < words.length && (words[i] ?? '').startsWith('-')) i += 1;
    } else break;
  }
  return { words: words.slice(i), elevated, rootShell: elevated && shellFlag && i >= words.length };
}

function base(word: string | undefined): string {
  if (!word) return '';
  const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
  return (slash >= 0 ? word.slice(slash + 1) : word).replace(/\.exe$/i, '');
}

function analyseSegment(seg: Segment, out: Findings, depth: number): void {
  redirectRules(seg, out);
  const { words, elevated, rootShell } = stripPrefixes(seg.words);
  if (rootShell) out.add('high', 'Opens a root shell');
  const prog = base(words[0]);
  const args = words.slice(1);
  if (!prog) return;
  const lower = /^mkfs\./i.test(prog) ? 'mkfs' : prog.toLowerCase();

  if (elevated) elevatedRules(prog, args, seg.sepBefore === '|' || seg.sepBefore === '|&', out);

  switch (lower) {
    case 'rm':
    case 'unlink':
    case 'rmdir':
      if (lower === 'rm') rmRules(args, elevated, out);
      else systemPathRules('rm', args, out);
      break;
    case 'mv':
    case 'chown':
    case 'chgrp':
      systemPathRules(lower, args, out);
      if (lower === 'mv' && args.some((a) => !a.startsWith('-') && /^(?:\/|\/\*|~|~\/|\$HOME\/?|\$\{HOME\}\/?)$/.test(a))) {
        out.add('high', 'Moves your home directory or the whole file system');
      }
      if (lower === 'chown' || lower === 'chgrp') chownRules(args, out);
      break;
    case 'chmod':
      chmodRules(args, out);
      break;
    case 'dd':
      ddRules(args, out);
      break;
    case 'shred':
    case 'wipefs':
    case 'blkdiscard':
      if (args.some(isBlockDevice)) out.add('critical', `Destroys all data on the disk ${args.find(isBlockDevice)}`);
      break;
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'gdisk':
    case 'sgdisk':
      if (args.some((a) => /^(?:--zap-all|-Z|mklabel|rm)$/.test(a)) && args.some(isBlockDevice)) {
        out.add('critical', 'Rewrites the partition table of a disk');
      }
      break;
    case 'crontab':
      if (args.includes('-r')) out.add('high', 'Deletes all your scheduled cron jobs');
      else if (args.length > 0 && args.every((a) => a !== '-l' && a !== '-e')) out.add('high', 'Replaces your scheduled cron jobs');
      break;
    case 'kill':
    case 'pkill':
    case 'killall':
      killRules(lower, args, out);
      break;
    case 'iptables':
    case 'ip6tables':
      if (args.some((a) => a === '-F' || a === '--flush' || a === '-X')) out.add('moderate', 'Removes all firewall rules');
      if (args.some((a, i) => (a === '-P' || a === '--policy') && args[i + 2] === 'DROP')) out.add('moderate', 'Drops all traffic by default: you may lock yourself out of a remote machine');
      break;
    case 'truncate':
      if (args.some((a) => isUnder(a, ['/etc', '/boot', '/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/lib', '/lib']))) out.add('high', 'Empties a system file');
      break;
    case 'userdel':
    case 'deluser':
      out.add(args.some((a) => a === '-r' || a === '--remove' || a === '--remove-home') ? 'high' : 'moderate', 'Deletes a user account');
      break;
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'cargo':
    case 'twine':
    case 'gem':
      if (args[0] === 'publish' || (lower === 'twine' && args[0] === 'upload') || (lower === 'gem' && args[0] === 'push')) {
        out.add('moderate', 'Publishes a package publicly');
      } else if (lower === 'npm' && args[0] === 'unpublish') out.add('high', 'Removes a published package from the registry');
      break;
    case 'ufw':
      if (args[0] === 'disable' || args[0] === 'reset') out.add('moderate', 'Turns the firewall off');
      break;
    case 'export':
      if (args.some((a) => /^PATH=/.test(a) && !/\$\{?PATH\}?/.test(a))) out.add('moderate', 'Replaces your PATH; commands may stop being found');
      break;
    case 'alias':
      if (args.some((a) => /^(?:rm|mv|cp|sudo|ls|cd)=/.test(a))) out.add('moderate', 'Redefines a core command with an alias');
      break;
    case 'apt':
    case 'apt-get':
    case 'yum':
    case 'dnf':
    case 'zypper':
    case 'pacman':
    case 'rpm':
    case 'dpkg':
      packageRules(lower, args, out);
      break;
    case 'pip':
    case 'pip3':
    case 'python':
    case 'python3':
    case 'python2':
    case 'perl':
    case 'ruby':
    case 'node':
    case 'php':
      if (lower.startsWith('pip') || (args[0] === '-m' && (args[1] ?? '').startsWith('pip'))) pipRules(args, out);
      else interpreterRules(args, out, depth);
      break;
    case 'ssh':
      sshRules(args, out, depth);
      break;
    case 'scp':
    case 'rsync':
      if (lower === 'scp') out.add('moderate', 'Copies files to or from another machine');
      else if (args.some((a) => a === '--delete' || a.startsWith('--delete-'))) out.add('moderate', 'Deletes files at the destination that are not in the source');
      break;
    case 'mkfs':
    case 'mke2fs':
    case 'format':
    case 'diskpart':
      formatRules(lower, args, out);
      break;
    case 'del':
    case 'erase':
    case 'rd':
      delRules(lower, args, out);
      break;
    case 'remove-item':
    case 'ri':
      removeItemRules(args, out);
      break;
    case 'set-executionpolicy':
      if (args.some((a) => /^(?:unrestricted|bypass)$/i.test(a))) out.add('high', 'Lets any PowerShell script run without checks');
      break;
    case 'nc':
    case 'ncat':
    case 'netcat':
      if (args.some((a) => a === '-e' || a === '-c' || /^--(?:exec|sh-exec)/.test(a))) {
        out.add('critical', 'Opens a network shell: anyone who connects can run commands on this machine');
      }
      break;
    case 'docker':
    case 'podman':
      dockerRules(args, out);
      break;
    case 'git':
      gitRules(args, out);
      break;
    case 'kubectl':
    case 'oc':
      kubectlRules(args, out);
      break;
    case 'terraform':
    case 'tofu':
    case 'terragrunt':
      if (args.includes('destroy') || (args.includes('apply') && args.includes('-destroy'))) {
        if (args.some((a) => a === '-auto-approve' || a === '--auto-approve')) out.add('critical', 'Destroys all managed infrastructure without asking');
        else out.add('high', 'Destroys all infrastructure managed by this Terraform configuration');
      }
      break;
    case 'find':
      findRules(args, out);
      break;
    case 'systemctl':
    case 'service':
      break; // only risky with sudo: elevatedRules
    case 'su':
      suRules(args, out, depth);
      break;
    case 'eval':
      analyse(args.join(' '), out, depth + 1);
      break;
    case 'xargs':
    case 'watch':
    case 'parallel': {
      const inner = args.filter((a, i) => !a.startsWith('-') || i > args.findIndex((x) => !x.startsWith('-')));
      analyse(inner.join(' '), out, depth + 1);
      break;
    }
    default:
      if (SHELLS.has(lower)) shellRules(args, out, depth);
      else if (SQL_CLIENTS.has(lower)) sqlRules(args.join(' '), out);
      break;
  }
}

// --- rm --------------------------------------------------------------------------------------------------------

const SYSTEM_DIRS = new Set([
  '/bin', '/sbin', '/usr/bin', '/usr/sbin', '/etc', '/boot', '/lib', '/lib64', '/lib32', '/usr', '/usr/lib', '/usr/local',
  '/var', '/home', '/root', '/opt', '/dev', '/proc', '/sys', '/srv', '/System', '/Library', '/Applications', '/Users',
]);
const HIGH_SYSTEM_PREFIXES = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/etc', '/boot', '/lib', '/lib64', '/usr/lib'];

function normPath(p: string): string {
  let s = p.replace(/\/+/g, '/');
  if (s.length > 1) s = s.replace(/\/$/, '');
  return s;
}

function rmTargetWarning(target: string): string | null {
  const t = normPath(target);
  if (t === '/' || t === '/*' || t === '/.*') return 'Deletes everything under / recursively';
  if (/^(?:~|\$HOME|\$\{HOME\})(?:\/\*?|\/\.\*)?$/.test(t)) return 'Deletes your whole home directory recursively';
  if (/^~[a-z_][a-z0-9_-]*(?:\/\*?)?$/i.test(t)) return `Deletes the home directory of user ${t.slice(1).replace(/\/.*$/, '')} recursively`;
  if (/^\/(?:home|Users)\/[^/]+(?:\/\*?)?$/.test(t)) return `Deletes the whole home directory ${t.replace(/\/\*$/, '')} recursively`;
  if (t === '*' || t === '.' || t === './*' || t === './') return 'Deletes everything in the current directory recursively';
  if (t === '..' || t === '../*' || t === '../') return 'Deletes everything in the parent directory recursively';
  if (t === '.*' || t === './.*') return 'Deletes hidden files recursively (".*" can also match ".." and the parent directory)';
  if (/^[A-Za-z]:[\\/]?\*?$/.test(target) || /^\/mnt\/[a-z](?:\/\*?)?$/.test(t)) return `Deletes the whole Windows drive ${target}`;
  if (SYSTEM_DIRS.has(t) || SYSTEM_DIRS.has(t.replace(/\/\*$/, ''))) return `Deletes the system directory ${t.replace(/\/\*$/, '')} recursively`;
  return null;
}

function rmRules(args: string[], elevated: boolean, out: Findings): void {
  let recursive = false;
  let force = false;
  let noPreserveRoot = false;
  const operands: string[] = [];
  let endOfOptions = false;
  for (const a of args) {
    if (!endOfOptions && a === '--') endOfOptions = true;
    else if (!endOfOptions && a.startsWith('--')) {
      if (a === '--recursive') recursive = true;
      else if (a === '--force') force = true;
      else if (a === '--no-preserve-root') noPreserveRoot = true;
    } else if (!endOfOptions && a.startsWith('-') && a.length > 1) {
      if (/[rR]/.test(a)) recursive = true;
      if (a.includes('f')) force = true;
    } else operands.push(a);
  }
  if (recursive) {
    for (const o of operands) {
      const w = rmTargetWarning(o);
      if (w) out.add('critical', noPreserveRoot ? `${w}, overriding rm's protection of /` : w);
      const v = /^\$\{?([A-Za-z_]\w*)\}?\/(?:\*|\.\*)?$/.exec(o);
      if (v && v[1] !== 'HOME') out.add('high', `If $${v[1]} is empty, this deletes everything under / recursively`);
    }
  } else if (noPreserveRoot && operands.some((o) => normPath(o) === '/')) {
    out.add('critical', "Deletes files under / and overrides rm's protection of /");
  }
  if (operands.some((o) => isUnder(o, HIGH_SYSTEM_PREFIXES))) out.add('high', 'Deletes files in a system directory');
  if (operands.some((o) => /(?:^|\/)\*[^/]*\.(?:txt|docx?|pdf|xlsx?|pptx?|zip|tar|gz|tgz|sql|bak|csv|json|db|sqlite)$/i.test(o) || o === '*')) {
    out.add('moderate', 'Deletes every file matching a wildcard');
  }
  if (elevated) out.add('high', 'Deletes files as root');
  // `rm -rf build/` is common, but it deletes a whole tree without asking and cannot be undone: at least moderate.
  if (recursive && force && operands.length > 0) out.add('moderate', 'Deletes a folder and everything in it without asking');
}

function isUnder(path: string, prefixes: readonly string[]): boolean {
  const p = normPath(path);
  return prefixes.some((d) => p === d || p.startsWith(`${d}/`));
}

function systemPathRules(verb: string, args: string[], out: Findings): void {
  const target = args.find((a) => !a.startsWith('-') && isUnder(a, HIGH_SYSTEM_PREFIXES));
  if (!target) return;
  const what = verb === 'mv' ? 'Moves' : verb === 'rm' ? 'Deletes' : 'Changes ownership of';
  out.add('high', `${what} files in the system directory ${normPath(target)}`);
}

// --- chmod / chown ---------------------------------------------------------------------------------------------

function chmodRules(args: string[], out: Findings): void {
  const recursive = args.some((a) => a === '-R' || a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
  const nonFlags = args.filter((a) => !a.startsWith('-') || /^-[rwxXst]+$/.test(a));
  const mode = nonFlags[0] ?? '';
  const targets = nonFlags.slice(1);
  const onRoot = targets.some((t) => normPath(t) === '/' || normPath(t) === '/*');
  if (onRoot && recursive) out.add('critical', 'Changes the permissions of every file on the system');
  if (recursive && targets.some((t) => /^(?:~|\$HOME|\$\{HOME\})\/?$/.test(t))) out.add('high', 'Changes the permissions of every file in your home directory');
  else if (onRoot && /^0?777$/.test(mode)) out.add('high', 'Makes / writable by everyone');
  if (targets.some((t) => isUnder(t, HIGH_SYSTEM_PREFIXES))) out.add('high', 'Changes permissions of files in a system directory');
  if (/u\+s|g\+s|^[2467]\d{3}$/.test(mode)) out.add('high', 'Sets the setuid/setgid bit: the program will run with its owner’s rights');
  if (/^0?777$/.test(mode) && !onRoot) out.add('moderate', 'Makes files readable and writable by everyone');
  else if (/^[+-][rwxXst]+$|^[ugoa]*[+-=][rwxXst]+$/.test(mode) || /^0?[0-7]{3,4}$/.test(mode)) {
    out.add('moderate', 'Changes file permissions');
  }
}

function chownRules(args: string[], out: Findings): void {
  const recursive = args.some((a) => a === '-R' || a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
  const targets = args.filter((a) => !a.startsWith('-')).slice(1);
  if (recursive && targets.some((t) => normPath(t) === '/')) out.add('critical', 'Changes the owner of every file on the system');
  out.add('moderate', 'Changes file ownership');
}

// --- disks -----------------------------------------------------------------------------------------------------

function isBlockDevice(p: string): boolean {
  return /^\/dev\/(?:sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(?:n\d+)?(?:p\d+)?|mmcblk\d+(?:p\d+)?|disk\d+(?:s\d+)?|rdisk\d+|md\d+|dm-\d+|mapper\/\S+|loop\d+)$/.test(p) ||
    /^\\\\\.\\PhysicalDrive\d+$/i.test(p);
}

function ddRules(args: string[], out: Findings): void {
  const of = args.find((a) => a.startsWith('of='))?.slice(3);
  const inp = args.find((a) => a.startsWith('if='))?.slice(3) ?? '';
  if (of && isBlockDevice(of)) {
    const source = /^\/dev\/(?:zero|u?random)$/.test(inp) ? ` with ${inp.slice(5)} data` : '';
    out.add('critical', `Overwrites the disk ${of}${source}, erasing everything on it`);
  }
}

function formatRules(prog: string, args: string[], out: Findings): void {
  if (prog === 'format') {
    if (args.some((a) => /^[A-Za-z]:$/.test(a))) out.add('critical', `Formats drive ${args.find((a) => /^[A-Za-z]:$/.test(a))}, erasing it`);
    return;
  }
  if (prog === 'diskpart') {
    out.add('high', 'Opens the Windows disk partitioning tool');
    return;
  }
  const dev = args.find(isBlockDevice) ?? args.find((a) => a.startsWith('/dev/'));
  if (dev) out.add('critical', `Formats ${dev}, erasing everything on it`);
}

function redirectRules(seg: Segment, out: Findings): void {
  for (const r of seg.redirects) {
    if (!r.op.startsWith('>')) continue;
    if (isBlockDevice(r.target)) out.add('critical', `Writes directly over the disk ${r.target}`);
    else if (isUnder(r.target, ['/etc'])) out.add('high', `Overwrites the system file ${r.target}`);
    else if (isUnder(r.target, ['/boot', '/bin', '/sbin', '/usr/bin', '/usr/sbin'])) out.add('high', `Writes into the system directory (${r.target})`);
  }
}

// --- Windows ---------------------------------------------------------------------------------------------------

function delRules(prog: string, args: string[], out: Findings): void {
  const lowerArgs = args.map((a) => a.toLowerCase());
  const drive = args.find((a) => /^[A-Za-z]:\\?\*?(?:\.\*)?$/.test(a));
  if (drive) out.add('critical', `Deletes the whole drive ${drive}`);
  if (prog === 'rd' && lowerArgs.includes('/s')) out.add('high', 'Deletes a folder and everything in it');
  else if (lowerArgs.includes('/s')) out.add('critical', 'Deletes matching files in every subfolder without asking');
  else if (lowerArgs.includes('/f')) out.add('critical', 'Force-deletes read-only files');
}

function removeItemRules(args: string[], out: Findings): void {
  const lowerArgs = args.map((a) => a.toLowerCase());
  const recurse = lowerArgs.some((a) => a === '-recurse' || a === '-r');
  const force = lowerArgs.includes('-force');
  const drive = args.find((a) => /^[A-Za-z]:[\\/]?\*?$/.test(a));
  if (drive && recurse) out.add('critical', `Deletes the whole drive ${drive}`);
  else if (recurse && force && args.some((a) => a === '*' || a === '.\\*' || a === './*')) {
    out.add('critical', 'Deletes everything in the current folder and below without asking');
  } else if (recurse && force) out.add('high', 'Deletes a folder and everything in it without asking');
}

// --- processes, packages, services -------------------------------------------------------------------------------

function killRules(prog: string, args: string[], out: Findings): void {
  const nine = args.some((a) => a === '-9' || a === '-KILL' || a === '-SIGKILL' || a === '-s9' || /^--?signal=?(?:9|KILL)$/.test(a));
  if (prog === 'kill') {
    if (args.some((a) => a === '-1' || a === '1') && (nine || args.includes('-1'))) {
      out.add('high', args.includes('-1') ? 'Kills every process you are allowed to kill' : 'Kills the init process (PID 1)');
    } else if (nine) out.add('moderate', 'Force-kills a process without letting it clean up');
  } else if (nine) out.add('moderate', `Force-kills every process with that name`);
}

function packageRules(prog: string, args: string[], out: Findings): void {
  const removes = args.some((a) => /^(?:remove|purge|erase|autoremove|-R\w*|-e|--erase|-P|--purge|-r|--remove)$/.test(a));
  const forced = args.some((a) => /^--(?:force\S*|nodeps|allow-remove-essential)$|^-f$|^-dd$/.test(a));
  if (removes && forced) out.add('moderate', 'Force-removes packages, ignoring dependency checks');
  if (removes && args.some((a) => /^(?:libc6|systemd|sudo|coreutils|bash|glibc|python3|linux-image\S*|openssh-server)$/.test(a))) {
    out.add('high', 'Removes a package the system needs to run');
  }
}

function pipRules(args: string[], out: Findings): void {
  if (!args.includes('install')) return;
  if (args.includes('--break-system-packages')) out.add('moderate', "Installs into the system Python, which can break the OS's own tools");
  if (args.includes('--user')) out.add('moderate', 'Installs packages into your user site-packages');
}

function elevatedRules(prog: string, args: string[], readsPipe: boolean, out: Findings): void {
  const lower = prog.toLowerCase();
  if (lower === 'su' || lower === '-i' || lower === '-s') out.add('high', 'Opens a root shell');
  if (SHELLS.has(lower) && args.length === 0 && !readsPipe) out.add('high', 'Opens a root shell');
  if ((lower === 'systemctl' || lower === 'service') && args.some((a) => /^(?:stop|restart|disable|mask|kill|poweroff|reboot|halt)$/.test(a))) {
    out.add('high', 'Stops or restarts a system service');
  }
  if (lower === 'chmod' && args.some((a) => /u\+s|g\+s/.test(a))) out.add('high', 'Sets the setuid bit as root');
  if (['shutdown', 'reboot', 'poweroff', 'halt', 'init'].includes(lower)) out.add('high', 'Shuts down or restarts the machine');
}

// --- interpreters and remote/recursive shells ---------------------------------------------------------------------

function shellRules(args: string[], out: Findings, depth: number): void {
  for (let k = 0; k < args.length; k++) {
    const a = args[k] ?? '';
    if (/^-[a-z]*c[a-z]*$/.test(a) || a === '-Command' || a === '-command' || a === '-c') {
      analyse(args.slice(k + 1).join(' ').length > 0 ? args[k + 1] ?? '' : '', out, depth + 1);
      return;
    }
  }
}

function suRules(args: string[], out: Findings, depth: number): void {
  const c = args.indexOf('-c');
  if (c >= 0) analyse(args[c + 1] ?? '', out, depth + 1);
  else out.add('high', 'Switches to another user (root by default)');
}

function sshRules(args: string[], out: Findings, depth: number): void {
  // ssh [options] host [command …]
  const withValue = /^-[bcDEeFIiJLlmOoPpQRSWw]$/;
  let k = 0;
  while (k < args.length && (args[k] ?? '').startsWith('-')) k += withValue.test(args[k] ?? '') ? 2 : 1;
  const host = args[k];
  if (!host) return;
  out.add('moderate', `Connects to another machine (${host.replace(/^.*@/, '')})`);
  const remote = args.slice(k + 1).join(' ');
  if (remote) analyse(remote, out, depth + 1);
}

function interpreterRules(args: string[], out: Findings, depth: number): void {
  const flag = args.findIndex((a) => a === '-c' || a === '-e' || a === '-E' || a === '--eval' || a === '-r' || /^-[a-zA-Z]*e$/.test(a));
  if (flag < 0) return;
  const code = args[flag + 1] ?? '';
  if (/\b(?:os\.system|os\.popen|subprocess\.\w+|system|exec|execSync|spawnSync|spawn|shell_exec|passthru|popen|Popen)\s*\(|`[^`]+`|\bqx\{/.test(code)) {
    out.add('high', 'Runs a shell command from inline script code');
    for (const lit of stringLiterals(code)) analyse(lit, out, depth + 1);
  }
  if (/\bshutil\.rmtree\s*\(\s*['"](?:\/|~|\/home|\/etc|\/usr)['"]|\bfs\.rmSync\s*\(\s*['"]\/['"]/.test(code)) {
    out.add('critical', 'Inline script deletes a whole directory tree at the top of the system');
  }
}

function stringLiterals(code: string): string[] {
  const lits: string[] = [];
  const re = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"|`([^`]*)`/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code)) !== null) lits.push(m[1] ?? m[2] ?? m[3] ?? '');
  return lits.slice(0, 32);
}

// --- docker, git, kubectl, find, SQL ------------------------------------------------------------------------------

function dockerRules(args: string[], out: Findings): void {
  const sub = args.find((a) => !a.startsWith('-'));
  if ((sub === 'run' || sub === 'create' || sub === 'exec') && args.some((a) => a === '--privileged' || a === '--privileged=true')) {
    out.add('high', 'Runs a container with full access to this machine');
  }
  if (sub === 'volume' && (args.includes('prune') || args.includes('rm'))) out.add('moderate', 'Deletes Docker volumes and the data in them');
  if ((sub === 'run' || sub === 'create') && args.some((a, i) => (a === '-v' || a === '--volume') && /^\/:/.test(args[i + 1] ?? ''))) {
    out.add('high', 'Mounts the whole host file system into a container');
  }
  if (sub === 'system' && args.includes('prune') && args.some((a) => a === '-a' || a === '--all' || a === '--volumes')) {
    out.add('moderate', 'Deletes all unused Docker images, containers and volumes');
  }
}

function gitRules(args: string[], out: Findings): void {
  // Skip global options: git -C dir, -c k=v, --git-dir=…
  let k = 0;
  while (k < args.length && (args[k] ?? '').startsWith('-')) k += /^-[Cc]$/.test(args[k] ?? '') ? 2 : 1;
  const sub = args[k];
  const rest = args.slice(k + 1);
  switch (sub) {
    case 'push':
      if (rest.some((a) => a === '--force' || a === '-f' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a) || (/^\+[^+]/.test(a) && !a.startsWith('+=')))) {
        out.add('high', 'Force-push: overwrites the remote branch and can discard other people’s commits');
      } else if (rest.some((a) => a.startsWith('--force-with-lease') || a.startsWith('--force-if-includes'))) {
        out.add('moderate', 'Force-push with lease: overwrites the remote branch if nobody else pushed');
      }
      if (rest.some((a) => a === '--delete' || a === '-d' || /^:[^:]/.test(a))) out.add('moderate', 'Deletes a branch on the remote');
      if (rest.includes('--mirror')) out.add('high', 'Mirror-push: makes the remote identical to this repository, deleting other branches');
      break;
    case 'reset':
      if (rest.includes('--hard')) out.add('high', 'Discards all uncommitted changes (they cannot be recovered)');
      break;
    case 'clean': {
      const flags = rest.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
      const force = flags.includes('f') || rest.includes('--force');
      if (force && (flags.includes('x') || flags.includes('d') || flags.includes('X'))) {
        out.add('high', 'Deletes every untracked file and folder, including ignored ones such as .env files');
      } else if (force) out.add('moderate', 'Deletes untracked files');
      break;
    }
    case 'checkout':
    case 'restore':
      if (rest.includes('.') || rest.includes('--') && rest[rest.indexOf('--') + 1] === '.') out.add('moderate', 'Discards uncommitted changes to files');
      break;
    case 'branch':
      if (rest.includes('-D')) out.add('moderate', 'Deletes a branch even if it is not merged');
      break;
    case 'stash':
      if (rest[0] === 'clear' || rest[0] === 'drop') out.add('moderate', 'Deletes stashed changes');
      break;
    case 'filter-branch':
    case 'filter-repo':
      out.add('high', 'Rewrites the history of the whole repository');
      break;
    default:
      break;
  }
}

function kubectlRules(args: string[], out: Findings): void {
  const k = args.indexOf('delete');
  if (k < 0) return;
  const rest = args.slice(k + 1);
  const kinds = (rest.find((a) => !a.startsWith('-')) ?? '').toLowerCase().split(',');
  if (kinds.some((t) => /^(?:namespaces?|ns)(?:\/|$)/.test(t))) {
    out.add('critical', 'Deletes a Kubernetes namespace and everything running in it');
  } else if (rest.some((a) => a === '--all' || a === '-A' || a === '--all-namespaces')) {
    out.add('high', 'Deletes all matching Kubernetes resources');
  } else if (kinds.some((t) => /^(?:pv|persistentvolumes?|pvc|persistentvolumeclaims?|nodes?|crd|customresourcedefinitions?)(?:\/|$)/.test(t))) {
    out.add('high', 'Deletes Kubernetes storage or cluster resources');
  } else out.add('moderate', 'Deletes Kubernetes resources');
}

function findRules(args: string[], out: Findings): void {
  const deletes = args.includes('-delete') || args.some((a, i) => (a === '-exec' || a === '-execdir') && base(args[i + 1]) === 'rm');
  if (!deletes) return;
  const roots = args.filter((a, i) => !a.startsWith('-') && (i === 0 || !(args[i - 1] ?? '').startsWith('-')));
  const top = roots.find((r) => rmTargetWarning(r) !== null && !['*', '.', './', '..', '../', '.*'].includes(r));
  if (top) out.add('critical', `Deletes files found anywhere under ${top}`);
  else out.add('moderate', 'Deletes every file that find matches');
}

function sqlRules(text: string, out: Findings): void {
  if (/\bDROP\s+(?:DATABASE|SCHEMA)\b/i.test(text) || /\bdropDatabase\s*\(/.test(text)) {
    out.add('critical', 'Deletes a whole database');
  }
  if (/\bDROP\s+TABLE\b/i.test(text)) out.add('high', 'Deletes a database table and all its rows');
  if (/\bTRUNCATE\b(?:\s+TABLE)?\s+\w/i.test(text)) out.add('high', 'Deletes every row of a table');
  if (/\bFLUSHALL\b|\bFLUSHDB\b/i.test(text)) out.add('high', 'Deletes every key in the Redis database');
  if (/\bDELETE\s+FROM\s+[\w."`]+\s*(?:;|$)/i.test(text)) out.add('moderate', 'Deletes every row of a table (no WHERE clause)');
  if (/\bUPDATE\s+[\w."`]+\s+SET\b(?![\s\S]*\bWHERE\b)/i.test(text)) out.add('moderate', 'Updates every row of a table (no WHERE clause)');
}
