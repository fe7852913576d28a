import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeFeedServer } from '../fakes/feed-server.ts';
import { runVigie } from '../helpers/cli.ts';
import { tempDir, writeFile } from '../helpers/temp.ts';
import { databaseYaml, testDatabaseConfig, TEST_DIALECT } from '../helpers/test-store.ts';

// Wrong answers at setup get a sentence and exit 2 (a usage problem), never a hang, an errno or
// a silent new database somewhere else; commands that only read write nothing.

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Runs vigie from the workspace of the config file given (relative dataDirs resolve there). */
function vigie(args: string[], options: { timeoutMs?: number } = {}) {
  const at = args.indexOf('--config');
  const cwd = at >= 0 ? path.dirname(args[at + 1]!) : undefined;
  return runVigie(args, { ...options, ...(cwd ? { cwd } : {}) });
}

/** A folder with a configuration file, on a fresh store of the tested dialect. */
async function workspace(yaml: string): Promise<{ dir: string; config: string }> {
  const t = tempDir();
  closers.push(t.cleanup);
  const database = await testDatabaseConfig();
  closers.push(() => database.drop());
  const lines = [...databaseYaml(database.config), yaml].join('\n');
  return { dir: t.dir, config: writeFile(t.dir, 'vigie.yaml', lines) };
}

describe('a bad dataDir', () => {
  it('under /proc or /sys: exit 2 at once, saying it is a system folder', async () => {
    for (const dataDir of ['/proc/vigie-data', '/proc/self', '/sys/kernel/vigie']) {
      const { config } = await workspace(`dataDir: ${dataDir}\n`);
      const started = Date.now();
      const r = await vigie(['--config', config, 'migrate'], { timeoutMs: 20_000 });
      expect(r.code, `${dataDir}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/dataDir: .* is under \/(proc|sys), a system folder/);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it('a file, or a folder under a file: exit 2 saying so', async () => {
    const { dir, config } = await workspace('dataDir: ./data.txt\n');
    writeFileSync(path.join(dir, 'data.txt'), 'not a folder');
    const r = await vigie(['--config', config, 'migrate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dataDir: .*data\.txt is a file, not a folder/);
    expect(r.stderr).not.toMatch(/ENOTDIR|EEXIST|SQLITE/);
    const under = await workspace('dataDir: ./data.txt/sub\n');
    writeFileSync(path.join(under.dir, 'data.txt'), 'x');
    const r2 = await vigie(['--config', under.config, 'migrate']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/which is a file, not a folder/);
  });

  it('a missing parent is not created (a typo would make an empty database elsewhere); the last level is, and said', async () => {
    const { dir, config } = await workspace('dataDir: ./typo/vigie/data\n');
    const r = await vigie(['--config', config, 'migrate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist, nor does its parent .*typo\/vigie/);
    expect(existsSync(path.join(dir, 'typo'))).toBe(false);

    const ok = await workspace('dataDir: ./data\n');
    const r2 = await vigie(['--config', ok.config, 'migrate']);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toContain(`created the data folder ${path.join(ok.dir, 'data')}`);
    // The rows are in the data folder's file, or on the PostgreSQL server the configuration names.
    expect(existsSync(path.join(ok.dir, 'data', 'vigie.db'))).toBe(TEST_DIALECT === 'sqlite');
    expect(r2.stdout).toMatch(
      TEST_DIALECT === 'sqlite'
        ? /^database ready in .*data\n$/
        : /^database ready: postgres:\/\/.*\/vigie_t_\w+\n$/,
    );
  });
});

describe('command-line mistakes exit 2 with the usage', () => {
  it('an unknown command, a missing --out, an unknown --format', async () => {
    const { config } = await workspace('dataDir: ./data\n');
    const unknown = await vigie(['--config', config, 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(unknown.stderr).toMatch(/Usage: vigie/);
    const noOut = await vigie(['--config', config, 'export', '--watch', 'alice']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out <file>/);
    expect(noOut.stderr).toMatch(/Usage: vigie export/);
    const xml = await vigie(['--config', config, 'poll', '--format', 'xml']);
    expect(xml.code).toBe(2);
    expect(xml.stderr).toMatch(/--format: expected table or jsonl, got "xml"/);
    expect((await vigie(['--help'])).code).toBe(0);
  });

  it('export --out into a missing folder names the file asked for, not a temporary one', async () => {
    const { config } = await workspace('dataDir: ./data\nwatches:\n  - id: alice\n    names: [Alice]\n');
    const r = await vigie([
      '--config',
      config,
      'export',
      '--watch',
      'alice',
      '--out',
      '/missing-folder/x.zip',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--out: cannot write /missing-folder/x.zip: the folder /missing-folder does not exist',
    );
    expect(r.stderr).not.toContain('partial');
  });

  it('verify of a missing file or of a file that is no ZIP: exit 2, "cannot read"', async () => {
    const { dir } = await workspace('');
    const missing = await vigie(['verify', path.join(dir, 'nope.zip')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.zip: no such file/);
    expect(missing.stdout).not.toContain('NOT intact');
    const text = writeFile(dir, 'notes.zip', 'just text');
    const notZip = await vigie(['verify', text]);
    expect(notZip.code).toBe(2);
    expect(notZip.stderr).toMatch(/cannot read .*notes\.zip as a dossier/);
  });
});

describe('read-only commands', () => {
  const snapshot = (dir: string) =>
    readdirSync(dir)
      .sort()
      .map((name) => {
        const s = statSync(path.join(dir, name));
        return `${name} ${s.size} ${s.mtimeMs}`;
      });

  it('sources and mentions write nothing in the data folder, and create nothing when it is missing', async () => {
    const feeds = await startFakeFeedServer();
    closers.push(() => feeds.close());
    // Attacker-written text with C1 controls (CSI), a bidi override and a line separator.
    const hostile = 'Alice \u009b31m rouge \u202egnp.exe \u2028 fin \u001b[2J';
    feeds.setFeed('/rss', {
      body: `<rss version="2.0"><channel><item><guid>urn:x:1</guid><title>${hostile}</title></item></channel></rss>`,
    });
    const { dir, config } = await workspace(
      `dataDir: ./data\nlog: { level: warn }\nnetwork: { allowPrivateAddresses: true }\n` +
        `watches:\n  - id: alice\n    names: [Alice]\n    feeds: ["${feeds.url}/rss"]\n`,
    );
    expect((await vigie(['--config', config, 'poll'])).code).toBe(0);
    const data = path.join(dir, 'data');
    // A writer leaves the database checkpointed: what is there now must stay as it is.
    const before = snapshot(data);
    const mentions = await vigie(['--config', config, 'mentions', '--format', 'jsonl']);
    expect(mentions.code).toBe(0);
    const sources = await vigie(['--config', config, 'sources']);
    expect(sources.code).toBe(0);
    expect(sources.stdout).toContain('/rss');
    expect(snapshot(data)).toEqual(before);

    // C1 controls, bidi overrides and line separators are escaped like ESC, and read back intact.
    const line = mentions.stdout.trim();
    expect(line).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029\u001b]/);
    expect(line).toContain('\\u009b');
    expect(line).toContain('\\u202e');
    // (The title is plain text: its white space, U+2028 included, is collapsed at parsing.)
    expect(JSON.parse(line).text).toContain('Alice \u009b31m rouge \u202egnp.exe');

    const empty = await workspace('dataDir: ./nothing-here\n');
    const r = await vigie(['--config', empty.config, 'mentions']);
    if (TEST_DIALECT === 'sqlite') {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/dataDir: .*nothing-here does not exist: there is no database to read yet/);
    } else {
      // On PostgreSQL the rows are on the server: a listing needs no data folder on this machine.
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(existsSync(path.join(empty.dir, 'nothing-here'))).toBe(false);
  });
});
