import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const VIGIE_BIN = fileURLToPath(new URL('../../bin/vigie.js', import.meta.url));
export const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

export interface VigieProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** Resolves with the first output line matching `re`. */
  waitForLine: (re: RegExp, timeoutMs?: number) => Promise<string>;
  /** Resolves with the exit code once the process has ended by itself. */
  exited: Promise<number | null>;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `vigie ARGS` (or any node script with `bin`) as a child process, collecting its output. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv, bin = VIGIE_BIN): VigieProcess {
  return startCommand(process.execPath, [bin, ...args], env, args);
}

/**
 * Starts any command as a child process, collecting its output (`label` names it in errors).
 * The launcher may exec into the real program (`ip netns exec`, `setpriv`): the pid stays its.
 */
export function startCommand(
  command: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  label: string[] = argv,
): VigieProcess {
  const args = label;
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: string) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    exited,
    output: () => out,
    waitForLine(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line !== undefined) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`timed out waiting for ${re} in the output of ${args.join(' ')}:\n${out.slice(-3000)}`),
          );
        }, timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(
              new Error(`${args.join(' ')} exited (${code}) before printing ${re}:\n${out.slice(-3000)}`),
            );
          }
        });
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Writes a configuration file (JSON is valid YAML) and returns its path. */
export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'vigie.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
