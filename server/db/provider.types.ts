export type ProviderKind = 'uri' | 'memory-server' | 'ferretdb';

export type RunningDatabase = {
  kind: ProviderKind;
  uri: string;
  description: string;
  stop: () => Promise<void>;
};

export type ProviderLog = (message: string) => void;
