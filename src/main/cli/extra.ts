/** Commands wired from other layers; each entry is loaded only when the CLI starts. */
import type { Command } from './command.js';

export async function extraCommands(): Promise<Command[]> {
  return [];
}
