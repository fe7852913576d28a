// A webhook receiver as a careful integrator writes one: checks `X-Vigie-Signature`
// (sha256=<hex HMAC-SHA256 of the raw body> with the shared secret) and the timestamp, answers 401
// to a bad signature, and keeps the delivery ids it has seen so a retried delivery counts once.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startChatFake, type ChatFake } from './chat-fake.ts';

export interface WebhookDelivery {
  /** The URL path it was posted to (one per person in tests). */
  path: string;
  id: string;
  kind: string;
  watch: string;
  title: string;
  text: string;
  timestamp: number;
}

export interface FakeWebhook extends ChatFake {
  /** Distinct deliveries accepted (a retry of a seen id is acknowledged, not counted). */
  deliveries: WebhookDelivery[];
  /** Requests whose signature was valid, retries included. */
  signedRequests: number;
}

export async function startFakeWebhook(secret: string, prefix = '/hooks/'): Promise<FakeWebhook> {
  const deliveries: WebhookDelivery[] = [];
  const seen = new Set<string>();
  const state = { signed: 0 };
  const fake = await startChatFake((req) => {
    if (req.method !== 'POST' || !req.path.startsWith(prefix)) return { status: 404, body: 'not found' };
    const expected = `sha256=${createHmac('sha256', secret).update(req.body, 'utf8').digest('hex')}`;
    const got = String(req.headers['x-vigie-signature'] ?? '');
    if (got.length !== expected.length || !timingSafeEqual(Buffer.from(got), Buffer.from(expected)))
      return { status: 401, body: { error: 'bad signature' } };
    const body = { ...(JSON.parse(req.body) as WebhookDelivery), path: req.path };
    if (
      String(body.timestamp) !== req.headers['x-vigie-timestamp'] ||
      Math.abs(Date.now() / 1000 - body.timestamp) > 300
    )
      return { status: 400, body: { error: 'stale or mismatched timestamp' } };
    if (req.headers['x-vigie-delivery'] !== body.id)
      return { status: 400, body: { error: 'delivery id mismatch' } };
    state.signed++;
    if (!seen.has(`${req.path} ${body.id}`)) {
      seen.add(`${req.path} ${body.id}`);
      deliveries.push(body);
    }
    return { status: 204 };
  });
  return Object.assign(fake, {
    deliveries,
    get signedRequests() {
      return state.signed;
    },
  });
}
