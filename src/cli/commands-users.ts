import type { Command } from 'commander';
import { withDeps, runCommand, UsageError, type GlobalOptions } from './run-command.ts';
import { ROLES, type Role } from '../web/auth/roles.ts';

const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `vigie user add|list|password-link` and `vigie token create`: accounts for the dashboard and API. */
export function registerUsersCommands(program: Command): void {
  const user = program.command('user').description('dashboard accounts');

  user
    .command('add')
    .description(
      'create an account (or update its role and add watches); the password comes from stdin, or a one-time link is printed',
    )
    .requiredOption('--email <email>', 'e-mail address used to sign in')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--watch <id>', 'a watch this account may see (repeat for several)', collect, [])
    .option('--link', 'print a one-time set-password link even when stdin is not a terminal')
    .action((o: { email: string; role: string; watch: string[]; link?: boolean }, cmd: Command) =>
      runCommand(async () => {
        if (!ROLES.includes(o.role as Role))
          throw new UsageError(`--role: expected one of ${ROLES.join(', ')}, got "${o.role}"`);
        if (!/^[^\s@]+@[^\s@]+$/.test(o.email))
          throw new UsageError(`--email: expected an e-mail address, got "${o.email}"`);
        return withDeps(globals(cmd), async ({ deps, config }) => {
          await deps.syncWatches();
          for (const w of o.watch)
            if (!(await deps.watches.get(w))) throw new UsageError(`--watch: no watch with id "${w}"`);
          let passwordHash: string | undefined;
          if (!process.stdin.isTTY && !o.link) {
            const password = (await readStdin()).split(/\r?\n/)[0] ?? '';
            const { hashPassword, passwordProblem } = await import('../web/auth/passwords.ts');
            const problem = passwordProblem(password);
            if (problem) throw new UsageError(`stdin: ${problem}`);
            passwordHash = await hashPassword(password);
          }
          const users = deps.users;
          const created = await users.upsert({
            email: o.email,
            role: o.role as Role,
            watchIds: o.watch,
            passwordHash,
          });
          await deps.audit.record({
            userId: null,
            actor: 'cli',
            action: 'user_add',
            detail: { email: created.email, role: created.role, watches: created.watchIds },
          });
          process.stdout.write(
            `account ${created.email} (${created.role}) — watches: ${created.watchIds.join(', ') || 'none'}\n`,
          );
          if (!passwordHash) {
            const token = await users.createPasswordLink(
              created.id,
              config.web.passwordLinkHours * 3_600_000,
            );
            const base = config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
            process.stdout.write(
              `set the password within ${config.web.passwordLinkHours} h (one use): ${base.replace(/\/$/, '')}/set-password/${token}\n`,
            );
          }
          return 0;
        });
      }),
    );

  user
    .command('list')
    .description('list accounts')
    .action((_o, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps }) => {
          for (const u of await deps.users.list())
            process.stdout.write(
              `${u.email}\t${u.role}\t${u.watchIds.join(',')}\t${u.totpEnabled ? 'totp' : ''}\n`,
            );
          return 0;
        });
      }),
    );

  user
    .command('password-link')
    .description('print a one-time link to (re)set the password of an account')
    .requiredOption('--email <email>', 'the account')
    .action((o: { email: string }, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps, config }) => {
          const users = deps.users;
          const u = await users.byEmail(o.email);
          if (!u) throw new UsageError(`--email: no account "${o.email}"`);
          const token = await users.createPasswordLink(u.id, config.web.passwordLinkHours * 3_600_000);
          const base = config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
          process.stdout.write(`${base.replace(/\/$/, '')}/set-password/${token}\n`);
          return 0;
        });
      }),
    );

  program
    .command('token')
    .description('API tokens')
    .command('create')
    .description('create an API token for an account (printed once; only its hash is stored)')
    .requiredOption('--email <email>', 'the account the token acts as')
    .option('--name <name>', 'what the token is for', 'api')
    .action((o: { email: string; name: string }, cmd: Command) =>
      runCommand(async () => {
        return withDeps(globals(cmd), async ({ deps }) => {
          const users = deps.users;
          const u = await users.byEmail(o.email);
          if (!u) throw new UsageError(`--email: no account "${o.email}"`);
          const token = await users.createApiToken(u.id, o.name.slice(0, 100));
          await deps.audit.record({
            userId: u.id,
            actor: 'cli',
            action: 'token_create',
            detail: { name: o.name },
          });
          process.stdout.write(`${token}\n`);
          return 0;
        });
      }),
    );
}
