// kit.mjs: fhir-kit-client (an independent FHIR client from npm) against `hss serve`: reads the
// CapabilityStatement, finds a resident by citizen ID and reads it, pages through Locations with
// nextPage until the end, posts a transaction Bundle with an emergency blood-pressure reading,
// and checks that the reading then shows on the family-doctor team's worklist as a referral.
// Exits 1 with a message on the first failed check.
// Usage: node tests/fhir/kit.mjs BASE_URL TOKEN CITIZEN_ID TEAM
import { Client } from 'fhir-kit-client';

const [base, token, citizenId, team] = process.argv.slice(2);
const client = new Client({ baseUrl: base, bearerToken: token });
const fail = (msg) => {
  console.error(`kit.mjs: ${msg}`);
  process.exit(1);
};
const check = (ok, msg) => ok || fail(msg);

const cap = await client.capabilityStatement();
check(cap.resourceType === 'CapabilityStatement' && cap.fhirVersion === '4.0.1', 'capability statement');

// search by identifier, then read
const citizen = 'http://hss.example.org/fhir/sid/citizen-id';
const found = await client.search({ resourceType: 'Patient', searchParams: { identifier: `${citizen}|${citizenId}` } });
check(found.type === 'searchset' && found.entry?.length === 1, `Patient?identifier: ${JSON.stringify(found)}`);
const id = found.entry[0].resource.id;
const patient = await client.read({ resourceType: 'Patient', id });
check(patient.identifier?.[0]?.value === citizenId, 'Patient read: identifier');

// paging: _count=2 pages followed with nextPage give exactly the one-page answer
const all = await client.search({ resourceType: 'Location', searchParams: { _count: 1000 } });
const want = all.entry.map((e) => e.resource.id);
let page = await client.search({ resourceType: 'Location', searchParams: { _count: 2 } });
const got = [];
let pages = 0;
while (page) {
  pages++;
  check((page.entry?.length ?? 0) <= 2, 'page size');
  for (const e of page.entry ?? []) got.push(e.resource.id);
  page = client.nextPage({ bundle: page }) ? await client.nextPage({ bundle: page }) : undefined;
}
check(pages > 1 && JSON.stringify(got) === JSON.stringify(want), `paging: ${pages} pages, ${got} vs ${want}`);

// the worklist before and after a posted emergency reading
const worklist = async () => {
  const r = await fetch(`${new URL(base).origin}/api/v1/care/worklist?team=${encodeURIComponent(team)}&limit=500`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  check(r.status === 200, `worklist: ${r.status}`);
  return (await r.json()).rows;
};
const masked = `${citizenId.slice(0, 4)}**********${citizenId.slice(14)}`;
const before = await worklist();
check(!before.some((r) => r.id_number === masked && r.action === 'refer'), 'no referral due before the reading');

const loinc = 'http://loinc.org';
const bundle = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      request: { method: 'POST', url: 'Observation' },
      resource: {
        resourceType: 'Observation',
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: loinc, code: '85354-9' }] },
        subject: { reference: `Patient/${id}` },
        effectiveDateTime: '2025-12-30',
        component: [
          { code: { coding: [{ system: loinc, code: '8480-6' }] }, valueQuantity: { value: 186, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
          { code: { coding: [{ system: loinc, code: '8462-4' }] }, valueQuantity: { value: 112, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        ],
      },
    },
  ],
};
const resp = await client.transaction({ body: bundle });
check(resp.type === 'transaction-response' && resp.entry.length === 1, `transaction: ${JSON.stringify(resp)}`);
const after = await worklist();
check(after.some((r) => r.id_number === masked && r.action === 'refer'), `referral due after the reading: ${JSON.stringify(after)}`);

// the reading reads back as the LOINC panel
const obs = await client.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${id}`, date: '2025-12-30' } });
check(obs.entry?.length === 1 && obs.entry[0].resource.component[0].valueQuantity.value === 186, 'the posted reading');
console.log(`kit.mjs: capability, read, ${pages} pages, transaction and worklist ok`);
