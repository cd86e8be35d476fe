/** What a demo service instance tells the demo over IPC. */
export type InstanceMessage =
  | { type: 'ready'; instance: string; revision: number }
  | {
      type: 'change';
      instance: string;
      key: string;
      newValue: unknown;
      id: string | null;
      effectiveAt: number;
      appliedAt: number;
    };

/** The settings every demo process gets as its first argument, JSON-encoded. */
export interface DemoSettings {
  redisUrl: string;
  nsqd: string;
  nsqdHttp: string;
  prefix: string;
  topic: string;
}
