import { type HistoryFilter, RISK_LEVELS, type RiskLevel } from '../../core/model/entry';

/**
 * Parses the Search History box. Plain words are the search text; filters are prefixes:
 *   ws:<workspace>  dir:<directory>  dev:<device id>  risk:<safe|moderate|high|critical> (that level or higher)
 *   is:failed  is:ok  and a leading `~` for fuzzy matching. Values with spaces go in quotes: dir:"/my dir".
 * vscode-free on purpose.
 */
export function parseSearchQuery(input: string): HistoryFilter {
  const filter: HistoryFilter = {};
  let rest = input.trimStart();
  if (rest.startsWith('~')) {
    filter.mode = 'fuzzy';
    rest = rest.slice(1);
  }
  const words: string[] = [];
  const token = /(\w+):("([^"]*)"?|(\S*))|(\S+)/g;
  for (const m of rest.matchAll(token)) {
    const [, key, , quoted, bare, word] = m;
    if (word !== undefined) {
      words.push(word);
      continue;
    }
    const value = quoted ?? bare ?? '';
    switch (key?.toLowerCase()) {
      case 'ws':
        if (value) filter.workspace = value;
        break;
      case 'dir':
        if (value) filter.directory = value;
        break;
      case 'dev':
        if (value) filter.deviceId = value;
        break;
      case 'risk':
        if ((RISK_LEVELS as readonly string[]).includes(value)) filter.minRisk = value as RiskLevel;
        break;
      case 'is':
        if (value === 'failed') filter.status = 'failed';
        else if (value === 'ok') filter.status = 'success';
        else words.push(m[0]);
        break;
      default:
        words.push(m[0]);
    }
  }
  const text = words.join(' ');
  if (text !== '') filter.text = text;
  return filter;
}

/** Inverse of parseSearchQuery for the prefixes the quick-pick buttons toggle. */
export function toggleToken(input: string, tokenText: string): string {
  const parts = input.split(/\s+/).filter((p) => p !== '');
  const i = parts.indexOf(tokenText);
  if (i >= 0) parts.splice(i, 1);
  else parts.unshift(tokenText);
  return parts.join(' ') + (parts.length > 0 ? ' ' : '');
}
