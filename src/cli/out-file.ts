import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** Why `file` cannot be written as a command's output, naming it (or its folder); null when it can. */
export function outFileProblem(file: string): string | null {
  const dir = path.dirname(file);
  if (!existsSync(dir)) return `cannot write ${file}: the folder ${dir} does not exist`;
  if (!statSync(dir).isDirectory()) return `cannot write ${file}: ${dir} is a file, not a folder`;
  if (existsSync(file) && statSync(file).isDirectory()) return `cannot write ${file}: it is a folder`;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `cannot write ${file}: the folder ${dir} is read-only`;
  }
  return null;
}
