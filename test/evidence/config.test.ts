import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { archiveLevels } from '../../src/evidence/archiver.ts';

describe('archive configuration', () => {
  it('has working defaults: SPN2 and availability URLs, 5 captures a minute, medium', () => {
    const c = parseConfig({});
    expect(c.archive.wayback).toMatchObject({
      baseUrl: 'https://web.archive.org',
      availabilityUrl: 'https://archive.org/wayback/available',
      ratePerMinute: 5,
      rateWindowMs: 60_000,
    });
    expect(c.archive.minLevel).toBe('medium');
    expect(c.archive.timestampAuthorityUrl).toBeUndefined();
    expect(archiveLevels(c, undefined)).toEqual(['medium', 'high', 'severe']);
    expect(archiveLevels(c, 'high')).toEqual(['high', 'severe']);
  });

  it('refuses one Wayback key without the other, naming the setting', () => {
    expect(() => parseConfig({ archive: { wayback: { accessKey: 'a' } } })).toThrow(
      /archive\.wayback: set both accessKey and secretKey/,
    );
    expect(() => parseConfig({ archive: { wayback: { ratePerMinute: 0 } } })).toThrow(
      /archive\.wayback\.ratePerMinute/,
    );
    expect(() => parseConfig({ archive: { deletionCheck: { schedule: 'often' } } })).toThrow(
      /archive\.deletionCheck\.schedule: expected a cron expression/,
    );
  });

  it('reads the Wayback keys from VIGIE_WAYBACK_ACCESS_KEY and VIGIE_WAYBACK_SECRET_KEY', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigie-cfg-'));
    const file = path.join(dir, 'vigie.yaml');
    writeFileSync(file, 'archive:\n  minLevel: high\n');
    const { config } = loadConfig({
      configPath: file,
      env: { VIGIE_WAYBACK_ACCESS_KEY: 'AK', VIGIE_WAYBACK_SECRET_KEY: 'SK' },
      cwd: dir,
    });
    expect(config.archive.wayback).toMatchObject({ accessKey: 'AK', secretKey: 'SK' });
    expect(config.archive.minLevel).toBe('high');
  });
});
