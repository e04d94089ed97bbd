/**
 * Tests of unwritable folders run the CLI as user `nobody` when we are root (root writes everywhere). That
 * needs `nobody` to reach the project (a clone inside a private temporary folder is out of its reach): when
 * it cannot, those tests are skipped with a message rather than failing on "Cannot find module".
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixture, projectRoot } from './data.js';

export const isRoot = process.getuid?.() === 0;

/** Whether the tests can run the CLI as an unprivileged user (always, when we are not root). */
export function canRunAsNobody(): boolean {
  if (!isRoot) return true;
  const paths = [join(projectRoot, 'bin', 'crm.js'), join(projectRoot, 'dist', 'cli', 'main.js'), join(projectRoot, 'node_modules', 'commander', 'package.json'), fixture('sales.csv')];
  const r = spawnSync(process.execPath, ['-e', `for (const p of ${JSON.stringify(paths)}) require('fs').accessSync(p, require('fs').constants.R_OK)`], { uid: 65534, gid: 65534, encoding: 'utf8' });
  if (r.status !== 0) console.warn(`skipped: the tests that run crm as user nobody (the project at ${projectRoot} is out of its reach)`);
  return r.status === 0;
}
