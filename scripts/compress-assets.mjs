#!/usr/bin/env node
// Build step for the web app: writes a brotli (.br) and a gzip (.gz) copy beside every text asset
// in the given folder, at the highest settings, once. The server sends the copy the browser
// accepts (Accept-Encoding), so no request pays for compression and nothing is compressed twice.
// Fonts (woff/woff2) and images are compressed already and are left alone.
// Usage: node scripts/compress-assets.mjs web/dist
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = new Set([
  '.js',
  '.mjs',
  '.css',
  '.html',
  '.svg',
  '.json',
  '.txt',
  '.xml',
  '.webmanifest',
]);
const MIN_BYTES = 1024;

const dir = path.resolve(process.argv[2] ?? 'dist');
if (!fs.existsSync(dir)) {
  console.error(`compress-assets: ${dir} does not exist`);
  process.exit(1);
}

let raw = 0;
let br = 0;
let gz = 0;
let files = 0;
for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COMPRESSIBLE.has(path.extname(entry.name))) continue;
  const file = path.join(entry.parentPath, entry.name);
  const data = fs.readFileSync(file);
  if (data.length < MIN_BYTES) continue;
  const brotli = zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    },
  });
  const gzip = zlib.gzipSync(data, { level: zlib.constants.Z_BEST_COMPRESSION });
  // A copy that saves nothing would only cost a disk read: keep the original alone then.
  if (brotli.length < data.length * 0.95) fs.writeFileSync(`${file}.br`, brotli);
  if (gzip.length < data.length * 0.95) fs.writeFileSync(`${file}.gz`, gzip);
  raw += data.length;
  br += Math.min(brotli.length, data.length);
  gz += Math.min(gzip.length, data.length);
  files++;
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`compress-assets: ${files} files, ${kb(raw)} → brotli ${kb(br)}, gzip ${kb(gz)}`);
