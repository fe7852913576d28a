import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

// Fastify compiles every route's schemas (Ajv validators, fast-json-stringify serializers) while
// the app is built: about sixty routes cost most of a second of CPU before the service can answer
// its first request, mostly for pages nobody opens in a given run. These are fastify's own
// compilers (same options, same results), each route's compiled at its first request instead.
// Fastify treats a compiler given here as "custom", which matters only for `headers` schemas (it
// no longer lower-cases their keys): no route declares one.

type ValidatorFactory = ReturnType<typeof AjvCompiler>;
type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Validate = ReturnType<ReturnType<ValidatorFactory>>;

function lazyValidator(build: () => Validate, registry: Set<() => void>): Validate {
  let compiled: Validate | undefined;
  const compile = (): Validate => {
    if (!compiled) {
      compiled = build();
      registry.delete(compile);
    }
    return compiled;
  };
  registry.add(compile);
  // fastify reads `.errors` from the function it was given after a failed validation.
  const validate = ((data: unknown) => {
    const fn = compile();
    const ok = fn(data);
    validate.errors = fn.errors;
    return ok;
  }) as Validate;
  return validate;
}

function lazySerializer(build: () => (doc: unknown) => string, registry: Set<() => void>) {
  let compiled: ((doc: unknown) => string) | undefined;
  const compile = (): ((doc: unknown) => string) => {
    if (!compiled) {
      compiled = build();
      registry.delete(compile);
    }
    return compiled;
  };
  registry.add(compile);
  return (doc: unknown): string => compile()(doc);
}

/**
 * The `schemaController` option for `Fastify()`, and `compileAll`: compiles every schema not
 * compiled yet and returns how many, throwing the first invalid one's error (tests run it).
 */
export function lazySchemaCompilers(): {
  schemaController: NonNullable<FastifyServerOptions['schemaController']>;
  compileAll: () => number;
} {
  const registry = new Set<() => void>();
  const validators: ValidatorFactory = AjvCompiler();
  const serializers: SerializerFactory = SerializerSelector();
  return {
    schemaController: {
      compilersFactory: {
        buildValidator: (externalSchemas, options) => {
          const compileRoute = validators(externalSchemas, options);
          return (route) => lazyValidator(() => compileRoute(route), registry);
        },
        buildSerializer: (externalSchemas, options) => {
          const compileRoute = serializers(externalSchemas, options);
          return (route) => lazySerializer(() => compileRoute(route), registry);
        },
      },
    },
    compileAll() {
      const compilers = [...registry];
      for (const compile of compilers) compile();
      return compilers.length;
    },
  };
}
