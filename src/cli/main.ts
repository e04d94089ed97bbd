/** Entry point placeholder; replaced by the real CLI. */
export async function runMain(): Promise<void> {
  process.stdout.write('crm\n');
}
