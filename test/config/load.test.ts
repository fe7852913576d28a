import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config/load.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function configFile(yaml: string): { file: string; dir: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return { file: writeFile(t.dir, 'vigie.yaml', yaml), dir: t.dir };
}

function loadError(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  const { file, dir } = configFile(yaml);
  try {
    loadConfig({ configPath: file, env, cwd: dir });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to fail');
}

const ALICE = `
sources:
  x: { bearerToken: "tok", baseUrl: "http://127.0.0.1:9" }
watches:
  - id: alice
    names: ["Alice Martin"]
    x: { handle: "@alice_m", search: '"Alice Martin" OR @alice_m' }
    feeds: ["https://www.google.com/alerts/feeds/1/2"]
    schedule: "*/5 * * * *"
`;

describe('loadConfig()', () => {
  it('reads the documented example keys and fills defaults', () => {
    const { file, dir } = configFile(ALICE);
    const { config } = loadConfig({ configPath: file, env: {}, cwd: dir });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.dataDir).toBe(`${dir}/data`);
    expect(config.watches[0]!.x).toEqual({ handle: 'alice_m', search: '"Alice Martin" OR @alice_m' });
    expect(config.sources.x.baseUrl).toBe('http://127.0.0.1:9');
    expect(Object.isFrozen(config.watches[0])).toBe(true);
  });

  it('takes secrets from the environment over the file', () => {
    const { file, dir } = configFile(ALICE.replace('bearerToken: "tok", ', ''));
    const { config } = loadConfig({
      configPath: file,
      env: { VIGIE_X_BEARER_TOKEN: 'from-env', VIGIE_PORT: '4100' },
      cwd: dir,
    });
    expect(config.sources.x.bearerToken).toBe('from-env');
    expect(config.server.port).toBe(4100);
  });

  it('uses VIGIE_CONFIG when no --config is given, and --config over it', () => {
    const a = configFile('server: { port: 4001 }');
    const b = configFile('server: { port: 4002 }');
    expect(loadConfig({ env: { VIGIE_CONFIG: a.file }, cwd: a.dir }).config.server.port).toBe(4001);
    expect(
      loadConfig({ configPath: b.file, env: { VIGIE_CONFIG: a.file }, cwd: a.dir }).config.server.port,
    ).toBe(4002);
  });

  it('runs on defaults when there is no config file', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { config, source } = loadConfig({ env: {}, cwd: t.dir });
    expect(source).toBeUndefined();
    expect(config.watches).toEqual([]);
  });

  it('reads the Bluesky AppView the deletion watch asks, the public one by default', () => {
    const { file, dir } = configFile('sources:\n  bluesky: { appViewUrl: "http://127.0.0.1:7777" }\n');
    expect(loadConfig({ configPath: file, env: {}, cwd: dir }).config.sources.bluesky.appViewUrl).toBe(
      'http://127.0.0.1:7777',
    );
    const t = tempDir();
    cleanups.push(t.cleanup);
    expect(loadConfig({ env: {}, cwd: t.dir }).config.sources.bluesky.appViewUrl).toBe(
      'https://public.api.bsky.app',
    );
    expect(loadError('sources:\n  bluesky: { appViewUrl: "bsky" }\n').message).toContain(
      'sources.bluesky.appViewUrl',
    );
  });

  it('names an unknown key with its full path', () => {
    const err = loadError(ALICE.replace('schedule:', 'shedule:'));
    expect(err.message).toContain('watches[0].shedule: unknown setting');
    expect(err.exitCode).toBe(2);
  });

  it('names a bad value and what was expected', () => {
    expect(loadError('server: { port: "http" }').message).toMatch(/server\.port: .*number/i);
    expect(loadError(ALICE.replace('*/5 * * * *', 'every five minutes')).message).toContain(
      'watches[0].schedule: expected a cron expression',
    );
    expect(loadError(ALICE.replace('@alice_m"', 'alice-m!"')).message).toContain(
      'watches[0].x.handle: expected an X user name',
    );
    expect(loadError(ALICE.replace('https://www.google.com/alerts/feeds/1/2', 'ftp://x')).message).toContain(
      'watches[0].feeds[0]',
    );
  });

  it('refuses a watch on X without a bearer token, and duplicate watch ids', () => {
    expect(loadError(ALICE.replace('bearerToken: "tok", ', '')).message).toContain('sources.x.bearerToken');
    const dup = ALICE + ALICE.split('watches:\n')[1];
    expect(loadError(dup).message).toContain('duplicate watch id "alice"');
  });

  it('refuses a file that is not YAML, or not a mapping, and a missing file', () => {
    expect(loadError('watches: [unclosed').message).toContain('not valid YAML');
    expect(loadError('- a\n- b').message).toContain('expected a mapping');
    expect(() => loadConfig({ configPath: '/nonexistent/vigie.yaml', env: {} })).toThrow(
      /config file not found/,
    );
  });

  it('accepts the shipped example file', () => {
    const { config } = loadConfig({
      configPath: 'config/vigie.example.yaml',
      env: { VIGIE_X_BEARER_TOKEN: 't' },
    });
    expect(config.watches.map((w) => w.id)).toEqual(['alice']);
  });
});
