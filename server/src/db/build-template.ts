// Build step (`npm run build -w server`): an empty, migrated embedded database, dumped to
// dist/db/pglite-template.tar.gz. A first start loads it instead of running initdb and every
// migration (see openPglite); it is made by the same PGlite that will read it.
import fs from 'node:fs';
import { migrateDatabase, openPglite, pgliteTemplateFile } from './client.js';

const started = performance.now();
const db = await openPglite();
await migrateDatabase(db);
const dump = await db.pglite!.dumpDataDir('gzip');
fs.writeFileSync(pgliteTemplateFile, Buffer.from(await dump.arrayBuffer()));
await db.close();
const kb = Math.round(fs.statSync(pgliteTemplateFile).size / 1024);
console.log(`build: embedded database template (${kb} kB) in ${Math.round(performance.now() - started)} ms`);
