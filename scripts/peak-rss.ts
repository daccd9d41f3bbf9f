/**
 * Preloaded (`node -r`) by the benchmark: records the process's peak resident memory at
 * exit into $LE_PEAK_FILE. Peak RSS from the kernel covers everything the process
 * touched, including native memory that heap statistics miss.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.LE_PEAK_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
