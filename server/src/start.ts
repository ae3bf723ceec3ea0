// Entry point of `npm start` (dist/start.js): sets up the process, then loads the server.
//
// Two settings can only be made when a process starts, so on Linux this process replaces itself
// once (same pid, same arguments) with them:
//
// - glibc keeps freed memory inside the process when large blocks come and go (argon2's 19 MB
//   per password hash, the 40 MB template unpacked on a first start): its mmap threshold rises
//   after the first large free, and later large blocks stay on the heap. A fixed threshold hands
//   them back. Measured: idle RSS after a first start 304 → 223 MB, after a later start
//   227 → 186 MB (docs/BENCHMARKS.md). Anyone can set MALLOC_MMAP_THRESHOLD_ themselves.
// - V8 sizes its young generation from the machine's memory (here up to ~100 MB), and indexing the
//   assistant's knowledge base allocates enough to grow it to that size for good. An 8 MB
//   semi-space keeps it small: idle RSS after a first start 360 → 262 MB, after a later start
//   259 → 222 MB, with no slower start (decision 008). A `--max-semi-space-size` given on the
//   command line or in NODE_OPTIONS wins.
const SEMI_SPACE = '--max-semi-space-size';
const hasSemiSpace = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
  a.startsWith(SEMI_SPACE),
);
if (
  process.platform === 'linux' &&
  typeof process.execve === 'function' &&
  (process.env.MALLOC_MMAP_THRESHOLD_ === undefined || !hasSemiSpace)
) {
  const execArgv = hasSemiSpace ? process.execArgv : [`${SEMI_SPACE}=8`, ...process.execArgv];
  process.execve(process.execPath, [process.execPath, ...execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
  });
}

await import('./main.js');
