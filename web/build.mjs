// build.mjs: bundles the dashboard with esbuild into web/dist (no CDN: every byte is served by hss).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: join(dist, 'app.js'),
  legalComments: 'external',
  logLevel: 'warning',
});
copyFileSync(join(here, 'index.html'), join(dist, 'index.html'));
copyFileSync(join(here, 'src/app.css'), join(dist, 'app.css'));
copyFileSync(join(here, 'src/care.css'), join(dist, 'care.css'));
copyFileSync(join(here, 'src/plan.css'), join(dist, 'plan.css'));
copyFileSync(join(here, 'src/rounds.css'), join(dist, 'rounds.css'));
copyFileSync(join(here, 'sw.js'), join(dist, 'sw.js'));
console.log('web/dist built');
