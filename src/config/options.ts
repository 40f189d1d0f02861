// Every option grid-run knows, with its type, its config-file key and, for secrets and
// endpoints, its environment variable. Commands pick the ones they take.

export type OptionType = 'string' | 'integer' | 'boolean' | 'strings';

export type OptionSpec = {
  type: OptionType;
  /** Environment variable, for secrets and endpoints. */
  env?: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
};

export const optionSpecs = {
  grid: { type: 'string', env: 'GRID_RUN_GRID' },
  hub: { type: 'string', env: 'GRID_RUN_HUB' },
  secret: { type: 'string', env: 'GRID_RUN_SECRET' },
  sites: { type: 'strings' },
  grep: { type: 'string' },
  grepInvert: { type: 'string' },
  tag: { type: 'strings' },
  locale: { type: 'string' },
  chunks: { type: 'integer', min: 1, max: 100_000 },
  chunkSize: { type: 'integer', min: 1, max: 100_000 },
  concurrency: { type: 'integer', min: 1, max: 1000 },
  retries: { type: 'integer', min: 0, max: 10 },
  junit: { type: 'string' },
  report: { type: 'string' },
  results: { type: 'string' },
  history: { type: 'string' },
  baseline: { type: 'string' },
  nodes: { type: 'integer', min: 0, max: 500 },
  slots: { type: 'integer', min: 1, max: 32 },
  port: { type: 'integer', min: 0, max: 65535 },
  stateDir: { type: 'string' },
  serveHost: { type: 'string', env: 'GRID_RUN_SERVE_HOST' },
  servePort: { type: 'integer', min: 0, max: 65535 },
  provider: { type: 'string', choices: ['docker', 'ec2'] },
  pool: { type: 'string' },
  image: { type: 'string' },
  eventBusHost: { type: 'string' },
  eventBusPublishPort: { type: 'integer', min: 1, max: 65535 },
  eventBusSubscribePort: { type: 'integer', min: 1, max: 65535 },
  readyTimeout: { type: 'integer', min: 1, max: 3600 },
  drainTimeout: { type: 'integer', min: 1, max: 86_400 },
  nodeHost: { type: 'string' },
  region: { type: 'string', env: 'AWS_REGION' },
  ami: { type: 'string' },
  instanceType: { type: 'string' },
  subnet: { type: 'string' },
  securityGroup: { type: 'strings' },
  keyName: { type: 'string' },
  instanceProfile: { type: 'string' },
  spot: { type: 'boolean' },
  spotMaxPrice: { type: 'string' },
  maxLifetime: { type: 'integer', min: 5, max: 10_080 },
  secretParameter: { type: 'string' },
  nodeAddress: { type: 'string', choices: ['private', 'public'] },
  pageLoadTimeout: { type: 'integer', min: 100, max: 600_000 },
  scriptTimeout: { type: 'integer', min: 100, max: 600_000 },
  siteTimeout: { type: 'integer', min: 100, max: 3_600_000 },
  detector: { type: 'string' },
  extension: { type: 'strings' },
  extensionTimeout: { type: 'integer', min: 100, max: 600_000 },
  screenshots: { type: 'string', choices: ['all', 'failures', 'none'] },
  olderThan: { type: 'string' },
  json: { type: 'boolean' },
  reporter: { type: 'string' },
  shard: { type: 'string' },
  knownFailures: { type: 'string' },
  strictKnown: { type: 'boolean' },
  lastFailed: { type: 'string' },
  compare: { type: 'string' },
  failOn: { type: 'string', choices: ['regressions'] },
  out: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof optionSpecs;

/**
 * eval's own options, read from the config file's "eval" object only: at its top level these
 * keys are run's (its site list and the filters of it, outputs and detector) or, `json`, of
 * another type. That object may also hold any other option eval takes, over the top-level key.
 */
export const evalOptionSpecs = {
  sites: { type: 'strings' },
  grep: optionSpecs.grep,
  grepInvert: optionSpecs.grepInvert,
  tag: optionSpecs.tag,
  locale: optionSpecs.locale,
  report: { type: 'string' },
  results: { type: 'string' },
  compare: { type: 'string' },
  json: { type: 'string' },
  detector: { type: 'strings' },
  misses: { type: 'integer', min: 1, max: 1_000_000 },
  offline: { type: 'boolean' },
  publicHost: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

/** Objects of the config file that hold one command's options: their own options, by name. */
export const sectionSpecs = { eval: evalOptionSpecs } as const satisfies Record<string, Record<string, OptionSpec>>;

export type SectionName = keyof typeof sectionSpecs;
