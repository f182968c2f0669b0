/** `caro-history` CLI entry. */
async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log('usage: caro-history <export|import|search|stats|doctor|sync> [options]');
    return 0;
  }
  console.error(`Unknown command "${command}". Run "caro-history help" for the list.`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
