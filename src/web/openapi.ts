import type { RouteOptions } from 'fastify';
import { VERSION } from '../version.ts';

type JsonSchema = {
  properties?: Record<string, unknown>;
  required?: readonly string[];
  [k: string]: unknown;
};

/**
 * The OpenAPI 3.1 description of the JSON API, derived from the schemas the routes declare, so
 * the document cannot drift from what the server validates.
 */
export function openApiDocument(routes: readonly RouteOptions[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (!r.url.startsWith('/api/v1/')) continue;
    const methods = (Array.isArray(r.method) ? r.method : [r.method])
      .map((m) => m.toLowerCase())
      .filter((m) => m !== 'head');
    const schema = (r.schema ?? {}) as {
      querystring?: JsonSchema;
      params?: JsonSchema;
      body?: JsonSchema;
      response?: Record<string, JsonSchema>;
      summary?: string;
      description?: string;
    };
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ['query', schema.querystring],
      ['path', schema.params],
    ] as const) {
      for (const [name, prop] of Object.entries(s?.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !!s?.required?.includes(name),
          schema: prop,
        });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [code, s] of Object.entries(schema.response ?? {})) {
      const binary = (s as { format?: string }).format === 'binary';
      responses[code] = {
        description: binary ? 'file' : 'response',
        content: { [binary ? 'application/zip' : 'application/json']: { schema: s } },
      };
    }
    responses['401'] = { description: 'missing or invalid API token' };
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const m of methods) {
      paths[path] = paths[path] ?? {};
      paths[path][m] = {
        summary: schema.summary,
        description: schema.description,
        parameters,
        ...(schema.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }
          : {}),
        responses,
        security: r.config && (r.config as { public?: boolean }).public ? [] : [{ bearer: [] }],
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie API',
      version: VERSION,
      description:
        'Mentions, watches and evidence dossiers. Create a token with `vigie token create --email E`, then send `Authorization: Bearer <token>`.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
