type ProviderKind = 'uri' | 'memory-server' | 'ferretdb';

export type RunningDatabase = {
  kind: ProviderKind;
  uri: string;
  description: string;
  stop: () => Promise<void>;
  // Only a supervised child database (FerretDB) has it: the listener is called once, when the child died and every
  // restart failed; the app should then exit non-zero so its own supervisor restarts it.
  onFatal?: (listener: (err: Error) => void) => void;
};

export type ProviderLog = (message: string, level?: 'info' | 'warn' | 'error') => void;
