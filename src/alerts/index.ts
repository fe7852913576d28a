// Public surface of the alerts module: immediate alerts, waves, digests and the mailer.
export { createAlerts, alertHandlers, alertSchedules, type Alerts } from './alerts-port.ts';
export { createMailer, buildMessage, type Mailer, type OutgoingMail, type SendResult } from './mailer.ts';
export { currentWave, listWaves, type WaveRow } from './waves-repo.ts';
export { detectWaves } from './wave-detector.ts';
export { listOutbox } from './outbox.ts';
export { createRecipientsRepo, type Recipient } from './recipients-repo.ts';
