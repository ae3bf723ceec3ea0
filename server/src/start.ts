// Entry point of `npm start` (dist/start.js): sets up the process, then loads the server.
//
// glibc keeps freed memory inside the process when large blocks come and go (argon2's 19 MB
// per password hash, the 40 MB template unpacked on a first start): its mmap threshold rises
// after the first large free, and later large blocks stay on the heap. A fixed threshold hands
// them back. Measured: idle RSS after a first start 304 → 223 MB, after a later start
// 227 → 186 MB (docs/BENCHMARKS.md). The setting is read only when a process starts, so on Linux
// this process replaces itself once (same pid, same arguments) with it set. Anyone can set
// MALLOC_MMAP_THRESHOLD_ themselves; then nothing happens here.
if (
  process.platform === 'linux' &&
  process.env.MALLOC_MMAP_THRESHOLD_ === undefined &&
  typeof process.execve === 'function'
) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: '131072',
  });
}

await import('./main.js');
