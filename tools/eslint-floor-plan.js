// The floor plan of src/ as lint rules (docs/ARCHITECTURE.md): a module imports only from floors
// below its own, never sideways into another unit of its floor, and no import cycle exists.
// Checked on every import, re-export and dynamic import with a relative path, types included:
// an upward type import is still knowledge that points the wrong way.
import fs from 'node:fs';
import path from 'node:path';

/** Top to bottom. Each entry is a unit: a folder (with the file of its name beside it, src/cli.ts), or a file. */
export const FLOORS = [
  { name: 'entry', units: ['src/cli'] },
  { name: 'composition root', units: ['src/app'] },
  { name: 'web', units: ['src/web'] },
  { name: 'features', units: ['src/ingest', 'src/alerts', 'src/evidence'] },
  { name: 'identity', units: ['src/identity'] },
  { name: 'sources', units: ['src/sources'] },
  { name: 'storage and jobs', units: ['src/db', 'src/jobs'] },
  { name: 'config', units: ['src/config'] },
  { name: 'input guards', units: ['src/net', 'src/text'] },
  { name: 'vocabulary', units: ['src/vocabulary'] },
  { name: 'pure helpers', units: ['src/scoring', 'src/logger.ts', 'src/version.ts', 'src/escape-html.ts'] },
];

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The unit and floor of a file (path relative to the project root), or undefined outside src/. */
export function locate(rel) {
  for (let floor = 0; floor < FLOORS.length; floor++)
    for (const unit of FLOORS[floor].units)
      if (rel === unit || rel === `${unit}.ts` || rel.startsWith(`${unit}/`)) return { unit, floor };
  return undefined;
}

const rel = (abs) => path.relative(ROOT, abs).split(path.sep).join('/');

function specifiers(node) {
  if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration') return node.source;
  if (node.type === 'ExportNamedDeclaration') return node.source;
  if (node.type === 'ImportExpression') return node.source;
  return null;
}

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the floor plan of docs/ARCHITECTURE.md' },
    schema: [],
    messages: {
      upward:
        '{{from}} ({{fromFloor}}) must not import {{to}} ({{toFloor}}): a floor only imports the floors below it.',
      sideways:
        '{{from}} must not import {{to}}: units of one floor ({{fromFloor}}) do not import each other.',
      unplaced:
        '{{from}} is in no floor of tools/eslint-floor-plan.js: place it there and in docs/ARCHITECTURE.md.',
    },
  },
  create(context) {
    const file = rel(context.filename);
    const from = locate(file);
    if (!file.startsWith('src/')) return {};
    const check = (node) => {
      const source = specifiers(node);
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      if (!source.value.startsWith('.')) return;
      const target = rel(path.resolve(path.dirname(context.filename), source.value));
      const to = locate(target);
      if (!from || !to) {
        if (!from) context.report({ node, messageId: 'unplaced', data: { from: file } });
        return;
      }
      const data = {
        from: file,
        to: target,
        fromFloor: FLOORS[from.floor].name,
        toFloor: FLOORS[to.floor].name,
      };
      if (to.floor < from.floor) context.report({ node: source, messageId: 'upward', data });
      else if (to.floor === from.floor && to.unit !== from.unit)
        context.report({ node: source, messageId: 'sideways', data });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

// ---- cycles: one scan of src/ per lint run, then Tarjan's strongly connected components.

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm;
let cycleOf;

function scanCycles() {
  const graph = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        const deps = [];
        for (const m of text.matchAll(IMPORT_RE)) {
          const spec = m[1] ?? m[2] ?? m[3];
          deps.push(rel(path.resolve(path.dirname(p), spec)));
        }
        graph.set(rel(p), deps);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return cyclesIn(graph);
}

/** Every module that is part of an import cycle, with the members of its cycle. */
export function cyclesIn(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const result = new Map();
  let next = 0;
  const strong = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const members = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (members.length > 1 || selfLoop) {
        members.sort();
        for (const m of members) result.set(m, members);
      }
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return result;
}

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycle between modules of src/' },
    schema: [],
    messages: { cycle: 'import cycle: {{members}}' },
  },
  create(context) {
    const file = rel(context.filename);
    if (!file.startsWith('src/')) return {};
    return {
      Program(node) {
        cycleOf ??= scanCycles();
        const members = cycleOf.get(file);
        if (members) context.report({ node, messageId: 'cycle', data: { members: members.join(' -> ') } });
      },
    };
  },
};

export default { rules: { layers, 'no-cycle': noCycle } };
