// Preloaded into the bench's child processes (`node --import`): on exit, writes the process's
// peak resident set (getrusage maxRSS, in KiB) to $BENCH_MAXRSS_FILE. It only reads.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
