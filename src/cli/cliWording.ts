/**
 * Core error messages are written for VS Code ("reload the window", "the system keychain"). In a terminal there is
 * no window, and the CLI keeps its key in keys.json: the same advice is reworded for the CLI.
 */
const RULES: readonly [RegExp, string][] = [
  [/Reload the window: /g, 'Run the command again: '],
  [/Reload the window and try again/g, 'Run the command again'],
  [/,? then reload the window/g, ', then run the command again'],
  [/ and reload the window/g, ' and run the command again'],
  [/reload the window/gi, 'run the command again'],
  [/this computer's keychain/g, "this machine's key file (keys.json)"],
  [/your system keychain/g, 'your key file (keys.json)'],
  [/the system keychain(?: \(or secret service\))?/g, 'the key file (keys.json)'],
  [/the previous keychain/g, 'the previous keys.json'],
  [/keychain/gi, 'key file'],
];

export function cliWording(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
