#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wantedHeapMb } from '../dist/cli/heap.js';

// Large inputs: the same command in a child Node with a larger heap (see src/cli/heap.ts).
const heapMb = wantedHeapMb(process.argv.slice(2), process.env, process.execArgv);
if (heapMb !== null) {
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${heapMb}`, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    // The IPC channel ties the child to this process: when this one ends, even by SIGKILL, the channel
    // closes and the child removes its temporary files and exits (runMain in src/cli/main.ts).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, CRM_HEAP_MB: '0', CRM_HEAP_PARENT: String(process.pid) },
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, () => child.kill(s));
  child.on('error', (err) => {
    process.stderr.write(`crm: cannot start node with a larger heap: ${err.message}\n`);
    process.exit(1);
  });
  // A child ended by a signal: exit as a shell reports it (128 + the signal's number).
  child.on('exit', (code, signal) => process.exit(code ?? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 }[signal] ?? 0)));
} else {
  const { runMain } = await import('../dist/cli/main.js');
  runMain();
}
