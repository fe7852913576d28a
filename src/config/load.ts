import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';
import { lockedPaths } from './editable-settings.ts';

/** A configuration that cannot be used; the CLI prints the message and exits with code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Environment variables that override a setting, so secrets need not live in the file.
 * Keep this table the only place that reads configuration from the environment.
 */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: readonly string[]; type?: 'number' }> = [
  { env: 'VIGIE_DATA_DIR', path: ['dataDir'] },
  { env: 'DATABASE_URL', path: ['database', 'url'] },
  { env: 'VIGIE_HOST', path: ['server', 'host'] },
  { env: 'VIGIE_PORT', path: ['server', 'port'], type: 'number' },
  { env: 'VIGIE_PUBLIC_URL', path: ['server', 'publicUrl'] },
  { env: 'VIGIE_LOG_LEVEL', path: ['log', 'level'] },
  { env: 'VIGIE_X_BEARER_TOKEN', path: ['sources', 'x', 'bearerToken'] },
  { env: 'VIGIE_X_BASE_URL', path: ['sources', 'x', 'baseUrl'] },
  { env: 'VIGIE_WAYBACK_ACCESS_KEY', path: ['archive', 'wayback', 'accessKey'] },
  { env: 'VIGIE_WAYBACK_SECRET_KEY', path: ['archive', 'wayback', 'secretKey'] },
  { env: 'VIGIE_SMTP_PASS', path: ['mail', 'smtp', 'pass'] },
  { env: 'VIGIE_UNSUBSCRIBE_SECRET', path: ['alerts', 'unsubscribeSecret'] },
  { env: 'REDIS_URL', path: ['queue', 'redisUrl'] },
  { env: 'VIGIE_BLUESKY_APP_PASSWORD', path: ['sources', 'bluesky', 'appPassword'] },
  { env: 'VIGIE_MASTODON_TOKEN', path: ['sources', 'mastodon', 'accessToken'] },
  { env: 'VIGIE_REDDIT_CLIENT_SECRET', path: ['sources', 'reddit', 'clientSecret'] },
  { env: 'VIGIE_ENCRYPTION_KEY', path: ['security', 'encryptionKey'] },
  { env: 'VIGIE_TELEGRAM_BOT_TOKEN', path: ['notifications', 'telegram', 'botToken'] },
  { env: 'VIGIE_MATRIX_ACCESS_TOKEN', path: ['notifications', 'matrix', 'accessToken'] },
  { env: 'VIGIE_NTFY_TOKEN', path: ['notifications', 'ntfy', 'token'] },
];

export const DEFAULT_CONFIG_PATH = 'config/vigie.yaml';

export interface LoadOptions {
  /** `--config PATH`; wins over VIGIE_CONFIG. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: Readonly<Config>;
  /** The file read, or undefined when running on defaults. */
  source: string | undefined;
  /** Dashboard-editable paths the file or the environment set: the dashboard cannot change them. */
  locked: ReadonlySet<string>;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? env.VIGIE_CONFIG;
  let file: string | undefined;
  if (explicit) {
    file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
  } else if (existsSync(path.resolve(cwd, DEFAULT_CONFIG_PATH))) {
    file = path.resolve(cwd, DEFAULT_CONFIG_PATH);
  }

  let raw: unknown = {};
  if (file) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (err) {
      throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw))
      throw new ConfigError(`${file}: expected a mapping at the top level`);
  }
  applyEnvOverrides(raw as Record<string, unknown>, env);
  const config = parseConfig(raw, file);
  config.dataDir = path.resolve(cwd, config.dataDir);
  return { config: deepFreeze(config), source: file, locked: lockedPaths(raw) };
}

export function parseConfig(raw: unknown, file?: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, file));
  return result.data;
}

function formatIssues(issues: z.core.$ZodIssue[], file?: string): string {
  const where = file ? `${file}: ` : '';
  const lines = issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((k) => `${formatPath([...issue.path, k])}: unknown setting (see config/vigie.example.yaml)`)
        .join('\n');
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
  return `${where}invalid configuration\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

export function formatPath(p: ReadonlyArray<PropertyKey>): string {
  if (p.length === 0) return '(top level)';
  return p.reduce<string>(
    (acc, part) =>
      typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part),
    '',
  );
}

function applyEnvOverrides(target: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const { env: name, path: keyPath, type } of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = target;
    for (const key of keyPath.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keyPath[keyPath.length - 1]!] = type === 'number' ? Number(value) : value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
