import pino, { type Logger } from 'pino';

export type { Logger };

// Paths that may hold secrets or attacker-written text: never printed, whatever the level.
const REDACT = [
  'bearerToken',
  '*.bearerToken',
  'password',
  '*.password',
  'pass',
  '*.pass',
  'secretKey',
  '*.secretKey',
  'accessKey',
  '*.accessKey',
  'encryptionKey',
  '*.encryptionKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'vigie' } },
    destination,
  );
}

/** A logger that prints nothing (CLI commands that write their own output, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
