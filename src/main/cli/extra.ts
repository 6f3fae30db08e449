/** Commands wired from other layers; each entry is loaded only when the CLI starts. */
import type { Command } from './command.js';

export async function extraCommands(): Promise<Command[]> {
  const [{ serveCmd }, { agentCmd }, tools] = await Promise.all([
    import('./commands/serve.js'),
    import('./commands/agent.js'),
    import('./commands/app-tools.js'),
  ]);
  return [serveCmd, agentCmd, tools.auditCmd, tools.storageCmd, tools.schemaHistoryCmd];
}
