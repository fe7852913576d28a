import { Redis } from 'ioredis';

/**
 * The Redis connections of one process, opened on first use so that commands which never touch
 * a queue (`vigie mentions`, `vigie migrate`) never connect. Queues share one connection; workers
 * share another (BullMQ duplicates it for each worker's blocking reads).
 */
export class RedisConnections {
  private producerClient: Redis | undefined;
  private consumerClient: Redis | undefined;

  constructor(private readonly url: string) {}

  producer(): Redis {
    this.producerClient ??= this.open('vigie-producer');
    return this.producerClient;
  }

  consumer(): Redis {
    this.consumerClient ??= this.open('vigie-consumer');
    return this.consumerClient;
  }

  private open(connectionName: string): Redis {
    // maxRetriesPerRequest null: BullMQ's blocking commands must wait out a Redis restart.
    const client = new Redis(this.url, { maxRetriesPerRequest: null, connectionName });
    // Errors reach the queues and workers that use the connection; an unhandled 'error' event
    // would otherwise crash the process on a mere reconnect.
    client.on('error', () => {});
    return client;
  }

  async close(): Promise<void> {
    for (const client of [this.producerClient, this.consumerClient]) {
      if (!client || client.status === 'end') continue;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    }
    this.producerClient = undefined;
    this.consumerClient = undefined;
  }
}

export { redactRedisUrl } from './redact-redis-url.ts';
