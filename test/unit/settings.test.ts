import { strict as assert } from 'node:assert';
import {
  DEFAULT_SETTINGS,
  SETTINGS,
  compileExcludePatterns,
  configurationContribution,
  settingId,
  validateSettings,
  type Settings,
} from '../../src/core/settings/settings';

describe('settings: SETTINGS table and contribution', () => {
  it('defines every Settings key exactly once, with the default from DEFAULT_SETTINGS', () => {
    const keys = SETTINGS.map((s) => s.key).sort();
    assert.deepEqual(keys, (Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]).sort());
    for (const s of SETTINGS) assert.deepEqual(s.default, DEFAULT_SETTINGS[s.key], s.key);
  });

  it('has the agreed defaults and bounds', () => {
    assert.equal(DEFAULT_SETTINGS.retentionDays, 90);
    assert.equal(DEFAULT_SETTINGS.maxCommands, 10_000);
    assert.equal(DEFAULT_SETTINGS.syncEnabled, false);
    assert.equal(DEFAULT_SETTINGS.syncServerUrl, 'ws://127.0.0.1:4200');
    assert.equal(DEFAULT_SETTINGS.deviceName, '');
    assert.equal(DEFAULT_SETTINGS.shareMetrics, false);
    assert.equal(DEFAULT_SETTINGS.lowConfidenceCommands, 'flag');
    assert.equal(DEFAULT_SETTINGS.safetyMode, 'moderate');
    const retention = SETTINGS.find((s) => s.key === 'retentionDays');
    assert.ok(retention && retention.type === 'integer');
    assert.equal(retention.minimum, 30);
    assert.equal(retention.maximum, 365);
  });

  it('generates contributes.configuration with caroHistory.* ids, types, defaults and descriptions', () => {
    const c = configurationContribution();
    assert.equal(c.title, 'Caro History');
    assert.deepEqual(Object.keys(c.properties).sort(), SETTINGS.map((s) => settingId(s.key)).sort());
    const retention = c.properties['caroHistory.retentionDays'];
    assert.deepEqual(
      { type: retention?.type, minimum: retention?.minimum, maximum: retention?.maximum, default: retention?.default },
      { type: 'integer', minimum: 30, maximum: 365, default: 90 },
    );
    assert.deepEqual(c.properties['caroHistory.safetyMode']?.enum, ['strict', 'moderate', 'permissive']);
    assert.deepEqual(c.properties['caroHistory.lowConfidenceCommands']?.enum, ['flag', 'skip']);
    assert.deepEqual(c.properties['caroHistory.excludePatterns']?.items, { type: 'string' });
    for (const p of Object.values(c.properties)) {
      assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 20);
      assert.ok(['boolean', 'integer', 'array', 'string'].includes(p.type as string));
    }
    // The object is plain JSON (it is pasted into package.json).
    assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
  });
});

describe('settings: validateSettings', () => {
  it('returns the defaults and no problems for an empty configuration', () => {
    const { settings, problems } = validateSettings({});
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(problems, []);
  });

  it('accepts valid values with or without the caroHistory. prefix', () => {
    const { settings, problems } = validateSettings({
      'caroHistory.retentionDays': 30,
      maxCommands: 500,
      safetyMode: 'strict',
      'caroHistory.excludePatterns': ['^vault ', 'secret'],
      syncEnabled: true,
      syncServerUrl: 'wss://relay.example.com/sync',
      deviceName: 'Work laptop',
      lowConfidenceCommands: 'skip',
    });
    assert.deepEqual(problems, []);
    assert.equal(settings.retentionDays, 30);
    assert.equal(settings.maxCommands, 500);
    assert.equal(settings.safetyMode, 'strict');
    assert.deepEqual(settings.excludePatterns, ['^vault ', 'secret']);
    assert.equal(settings.syncEnabled, true);
    assert.equal(settings.syncServerUrl, 'wss://relay.example.com/sync');
    assert.equal(settings.deviceName, 'Work laptop');
    assert.equal(settings.lowConfidenceCommands, 'skip');
  });

  it('clamps retention out of range and says so in plain language', () => {
    const low = validateSettings({ retentionDays: 7 });
    assert.equal(low.settings.retentionDays, 30);
    assert.match(low.problems[0] ?? '', /"caroHistory\.retentionDays" must be a whole number between 30 and 365; using 30\./);
    const high = validateSettings({ retentionDays: 10_000 });
    assert.equal(high.settings.retentionDays, 365);
    const frac = validateSettings({ maxCommands: 2500.7 });
    assert.equal(frac.settings.maxCommands, 2501);
    assert.equal(frac.problems.length, 1);
  });

  it('falls back to defaults for wrong types', () => {
    const { settings, problems } = validateSettings({
      retentionDays: 'ninety',
      captureEnabled: 'yes',
      safetyMode: 'paranoid',
      lowConfidenceCommands: 'drop',
      excludePatterns: 'rm',
      deviceName: 42,
    });
    assert.equal(settings.retentionDays, 90);
    assert.equal(settings.captureEnabled, true);
    assert.equal(settings.safetyMode, 'moderate');
    assert.equal(settings.lowConfidenceCommands, 'flag');
    assert.deepEqual(settings.excludePatterns, []);
    assert.equal(settings.deviceName, '');
    assert.equal(problems.length, 6);
    assert.ok(problems.some((p) => p.includes('"caroHistory.safetyMode" must be one of strict, moderate, permissive')));
  });

  it('names the index of an invalid exclude pattern and keeps the valid ones', () => {
    const { settings, problems } = validateSettings({ excludePatterns: ['^ok', '(unclosed', '', 'fine$'] });
    assert.deepEqual(settings.excludePatterns, ['^ok', 'fine$']);
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /entry 2 is not a valid regular expression \(.*\); it is ignored\./);
    assert.match(problems[1] ?? '', /entry 3 is not a non-empty text pattern/);
    assert.ok(!(problems[0] ?? '').includes('Invalid regular expression: /'), 'no raw engine jargon');
  });

  it('rejects relay addresses that are not ws:// or wss:// or that carry credentials', () => {
    for (const bad of ['http://relay.example.com', 'relay.example.com', 'ws://user:pw@relay.example.com', 42]) {
      const { settings, problems } = validateSettings({ syncServerUrl: bad });
      assert.equal(settings.syncServerUrl, DEFAULT_SETTINGS.syncServerUrl);
      assert.equal(problems.length, 1, String(bad));
      assert.ok(!(problems[0] ?? '').includes('pw@'), 'never echo credentials');
    }
  });

  it('cleans and bounds the device name', () => {
    const { settings, problems } = validateSettings({ deviceName: '  my\tbox\u0007  ' });
    assert.equal(settings.deviceName, 'my box');
    assert.equal(problems.length, 1);
    assert.equal(validateSettings({ deviceName: 'x'.repeat(100) }).settings.deviceName.length, 64);
  });

  it('reports unknown caroHistory settings (typos)', () => {
    const { problems } = validateSettings({ 'caroHistory.retentionDay': 30 });
    assert.deepEqual(problems, ['"caroHistory.retentionDay" is not a Caro History setting; it is ignored.']);
  });

  it('does not share the default exclude list between results', () => {
    const a = validateSettings({}).settings;
    a.excludePatterns.push('x');
    assert.deepEqual(validateSettings({}).settings.excludePatterns, []);
    assert.deepEqual(DEFAULT_SETTINGS.excludePatterns, []);
  });

  it('compileExcludePatterns compiles valid patterns and skips invalid ones', () => {
    const res = compileExcludePatterns(['^vault ', '(', 'token']);
    assert.equal(res.length, 2);
    assert.ok(res[0]?.test('vault read secret/x'));
    assert.ok(!res[0]?.test('echo vault'));
  });
});
