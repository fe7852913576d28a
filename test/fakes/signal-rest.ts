// signal-cli REST API (https://bbernhard.github.io/signal-cli-rest-api/): POST /v2/send
// {message, number, recipients[]} answers 201 {timestamp}; an unregistered sender number or a bad
// body is 400 {error}; Signal's rate limit comes back as 429 {error}. GET /v1/about describes the
// API; GET /v1/accounts lists the numbers registered on the signal-cli behind it.
import { startChatFake, type ChatFake } from './chat-fake.ts';

export interface SignalMessage {
  timestamp: number;
  from: string;
  to: string;
  message: string;
  textMode: string;
}

export interface FakeSignal extends ChatFake {
  messages: SignalMessage[];
  rateLimitNext(times?: number): void;
}

export async function startFakeSignal(registeredNumber: string): Promise<FakeSignal> {
  const messages: SignalMessage[] = [];
  let ts = Date.now();
  const fake = await startChatFake((req) => {
    if (req.method === 'GET' && req.path === '/v1/about')
      return {
        status: 200,
        body: {
          versions: ['v1', 'v2'],
          build: 2,
          mode: 'json-rpc',
          version: '0.92',
          capabilities: { 'v2/send': ['quotes', 'mentions'] },
        },
      };
    if (req.method === 'GET' && req.path === '/v1/accounts') return { status: 200, body: [registeredNumber] };
    if (req.method !== 'POST' || req.path !== '/v2/send') return { status: 404, body: '404 page not found' };
    let p: { message?: string; number?: string; recipients?: string[]; text_mode?: string };
    try {
      p = JSON.parse(req.body) as typeof p;
    } catch {
      return { status: 400, body: { error: "Couldn't process request - invalid request" } };
    }
    if (
      !p.number ||
      !Array.isArray(p.recipients) ||
      p.recipients.length === 0 ||
      typeof p.message !== 'string'
    )
      return { status: 400, body: { error: "Couldn't process request - invalid request" } };
    if (p.number !== registeredNumber)
      return { status: 400, body: { error: `User ${p.number} is not registered.` } };
    const timestamp = ++ts;
    for (const to of p.recipients)
      messages.push({ timestamp, from: p.number, to, message: p.message, textMode: p.text_mode ?? 'normal' });
    return { status: 201, body: { timestamp: String(timestamp) } };
  });
  return Object.assign(fake, {
    messages,
    rateLimitNext(times = 1) {
      fake.next(
        { answer: { status: 429, body: { error: 'Failed to send message due to rate limiting' } } },
        times,
      );
    },
  });
}
