import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Unpacks the embedded-database template (a gzipped tar made by PGlite's dumpDataDir) into an
 * empty data folder, with Node's own file system calls. PGlite can load the same tarball itself
 * (loadDataDir), but it copies every file through its WebAssembly file system: about three times
 * the CPU, and the WebAssembly memory it grows for that is never given back (docs/BENCHMARKS.md).
 *
 * Only what dumpDataDir writes is understood: directories and regular files, ustar names, and
 * pax headers skipped. Anything else, or a path leaving the folder, throws; the caller then
 * falls back to initdb.
 */
export function unpackTemplate(tarball: string, dataDir: string): number {
  const tar = zlib.gunzipSync(fs.readFileSync(tarball));
  const root = path.resolve(dataDir);
  let offset = 0;
  let files = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break; // end of archive
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const name = cString(header, 0, 100);
    const prefix = cString(header, 345, 155);
    const mode = octal(header, 100, 8) & 0o777;
    const body = offset + 512;
    offset = body + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'g') continue; // pax metadata: names here are short ustar ones
    const rel = (prefix ? `${prefix}/${name}` : name).replace(/^\/+/, '');
    const target = path.resolve(root, rel);
    if (target !== root && !target.startsWith(root + path.sep)) {
      throw new Error(`template entry ${JSON.stringify(rel)} leaves the data folder`);
    }
    if (type === '5') {
      fs.mkdirSync(target, { recursive: true, mode: mode || 0o700 });
    } else if (type === '0' || type === '\0') {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, tar.subarray(body, body + size), { mode: mode || 0o600 });
      files++;
    } else {
      throw new Error(`template entry ${JSON.stringify(rel)} has unsupported type ${JSON.stringify(type)}`);
    }
  }
  if (!fs.existsSync(path.join(root, 'PG_VERSION'))) throw new Error('template holds no PG_VERSION');
  return files;
}

function octal(buf: Buffer, start: number, length: number): number {
  const text = cString(buf, start, length).trim();
  return text ? Number.parseInt(text, 8) : 0;
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}
