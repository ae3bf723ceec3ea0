import { z } from 'zod';

// Imported first by main.tsx, before any schema exists. The Content-Security-Policy forbids eval,
// and zod probes `new Function` when it builds its first object schema: the browser reports that
// as a CSP violation even though zod catches it and falls back. jitless skips the probe
// (decision 010).
z.config({ jitless: true });
