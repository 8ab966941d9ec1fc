import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';

export type CapturedCommand = {
  name: string;
  collection: string;
  filter?: Record<string, unknown>;
  command: Record<string, unknown>;
};

const COLLECTION_OF: Record<string, string> = {
  find: 'find',
  count: 'count',
  aggregate: 'aggregate',
  update: 'update',
  delete: 'delete',
  insert: 'insert',
  findAndModify: 'findAndModify',
  distinct: 'distinct',
};

// Records every database command sent while `run` runs (the root hook connects with monitorCommands on).
export async function captureCommands<T>(run: () => Promise<T>): Promise<{ result: T; commands: CapturedCommand[] }> {
  const client = mongoose.connection.getClient();
  const commands: CapturedCommand[] = [];
  const listener = (e: CommandStartedEvent) => {
    const key = COLLECTION_OF[e.commandName];
    if (!key) return;
    const cmd = e.command as Record<string, unknown>;
    const filter =
      (cmd.filter as Record<string, unknown> | undefined) ??
      (cmd.query as Record<string, unknown> | undefined) ??
      ((cmd.updates ?? cmd.deletes) as { q: Record<string, unknown> }[] | undefined)?.[0]?.q;
    commands.push({ name: e.commandName, collection: String(cmd[key]), filter, command: cmd });
  };
  client.on('commandStarted', listener);
  try {
    const result = await run();
    return { result, commands };
  } finally {
    client.off('commandStarted', listener);
  }
}
