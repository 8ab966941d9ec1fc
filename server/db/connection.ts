import mongoose from 'mongoose';

// strictQuery 'throw': a filter naming an unknown field is an error, not a silently ignored condition.
// sanitizeFilter stays off: every request value is parsed by zod into primitives before it reaches a filter,
// and server code writes its own operators ($in, $regex, $gt) freely (see README, "Database compatibility").
mongoose.set('strictQuery', 'throw');
mongoose.set('autoIndex', true);

export async function connectDb(uri: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  await Promise.all(Object.values(mongoose.connection.models).map((m) => m.init()));
  return mongoose;
}

export async function disconnectDb(): Promise<void> {
  await mongoose.disconnect();
}

export async function pingDb(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs)),
    ]);
    return true;
  } catch {
    return false;
  }
}
