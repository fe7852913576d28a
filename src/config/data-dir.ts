import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './load.ts';

// The data folder is checked before anything opens it, so a wrong answer gets a sentence instead
// of a hang (/proc), an errno (a file, a read-only disk) or a silent new empty database somewhere
// else (a typo in a parent folder).

const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

/** The deepest part of `dir` that exists, resolved through links. */
function existingAncestor(dir: string): string {
  let at = dir;
  while (!existsSync(at)) {
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    return realpathSync(at);
  } catch {
    return at;
  }
}

export interface DataDirCheck {
  /** The absolute folder. */
  dir: string;
  /** Set when this call created the folder (its parent existed). */
  created: boolean;
}

/**
 * Makes sure `dataDir` is a folder Vigie can use. `write: false` (commands that only read) never
 * creates anything and asks only for read access.
 */
export function checkDataDir(dataDir: string, opts: { write: boolean } = { write: true }): DataDirCheck {
  const dir = path.resolve(dataDir);
  const fail = (why: string) => {
    throw new ConfigError(`dataDir: ${dir} ${why}`);
  };
  const real = existingAncestor(dir);
  const system = SYSTEM_ROOTS.find((root) => real === root || real.startsWith(`${root}/`));
  if (system) fail(`is under ${system}, a system folder: choose a folder on a disk`);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) fail('is a file, not a folder');
    try {
      accessSync(
        dir,
        opts.write ? constants.R_OK | constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK,
      );
    } catch {
      fail(opts.write ? 'cannot be written to (read-only, or owned by another user)' : 'cannot be read');
    }
    return { dir, created: false };
  }
  if (!opts.write) fail('does not exist: there is no database to read yet (run "vigie migrate" first)');
  const parent = path.dirname(dir);
  if (!existsSync(parent))
    fail(`does not exist, nor does its parent ${parent}: create it (mkdir -p) or correct the path`);
  if (!statSync(parent).isDirectory()) fail(`is under ${real}, which is a file, not a folder`);
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(
      code === 'EACCES' || code === 'EROFS' || code === 'EPERM'
        ? `cannot be created in ${parent} (read-only)`
        : `cannot be created (${code ?? 'error'})`,
    );
  }
  return { dir, created: true };
}
