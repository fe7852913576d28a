import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { isPostgresUrl, redactDatabaseUrl } from '../../src/config/database-url.ts';
import { databaseUrlOf } from '../../src/db/open-store.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return loadConfig({ configPath: writeFile(t.dir, 'vigie.yaml', yaml), env, cwd: t.dir });
}

describe('database.url', () => {
  it('is absent by default: the embedded SQLite file', () => {
    const { config } = load('{}');
    expect(config.database).toEqual({});
    expect(databaseUrlOf(config)).toBeUndefined();
  });

  it('selects PostgreSQL from the file or from DATABASE_URL, the environment winning', () => {
    const fromFile = load('database: { url: "postgresql://vigie@db.example.org/vigie" }').config;
    expect(databaseUrlOf(fromFile)).toBe('postgresql://vigie@db.example.org/vigie');
    const fromEnv = load('database: { url: "postgres://a@h/a" }', {
      DATABASE_URL: 'postgres://vigie:pw@127.0.0.1:5432/vigie',
    }).config;
    expect(databaseUrlOf(fromEnv)).toBe('postgres://vigie:pw@127.0.0.1:5432/vigie');
  });

  it('refuses another scheme with a clear message that does not repeat the URL or its password', () => {
    let error: unknown;
    try {
      load('{}', { DATABASE_URL: 'mysql://root:hunter2-secret@db/vigie' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('database.url: expected a PostgreSQL URL');
    expect(message).not.toContain('hunter2-secret');
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://vigie:s3cr%40t@db:5432/vigie?sslmode=require')).toBe(
      'postgres://vigie:***@db:5432/vigie?sslmode=require',
    );
    expect(redactDatabaseUrl('postgres://vigie@db/vigie')).toBe('postgres://vigie@db/vigie');
    expect(redactDatabaseUrl('postgres://u:p@ss w@rd@[bad')).not.toContain('ss w');
    expect(isPostgresUrl('POSTGRES://h/d')).toBe(true);
    expect(isPostgresUrl('sqlite:/tmp/x.db')).toBe(false);
  });
});
