/** The flags of `kansoku agent`, declared as data, and their conversion into typed settings. */
import { parseBytes } from './duration.js';
import { FlagError, flagText, type FlagSpec, type ParsedArgs } from './flags.js';
import type { LogFormatSetting, LogLevelSetting } from './server-flags.js';

/** The flags of `kansoku agent`. */
export const AGENT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'config.file',
    kind: 'string',
    help: 'Agent configuration file (prometheus.yml format: scrape_configs and remote_write). Without it the agent scrapes itself and writes to --remote-write.url.',
    placeholder: 'FILE',
  },
  {
    name: 'web.listen-address',
    kind: 'string',
    help: 'Address to serve /metrics, health and queue status on (host:port).',
    default: '127.0.0.1:9778',
    placeholder: 'ADDRESS',
  },
  {
    name: 'storage.agent.path',
    kind: 'string',
    help: 'Directory of the disk-backed remote-write queues.',
    default: 'data-agent/',
    placeholder: 'DIR',
  },
  {
    name: 'storage.agent.retention.size',
    kind: 'bytes',
    help: 'Disk budget of each remote-write queue; when the receiver is away longer than this holds, the oldest samples are dropped (and counted).',
    default: '1GB',
    placeholder: 'SIZE',
  },
  {
    name: 'remote-write.url',
    kind: 'string',
    help: 'Where to send samples when no --config.file is given, for example https://server:9777/api/v1/write.',
    placeholder: 'URL',
  },
  {
    name: 'remote-write.token-file',
    kind: 'string',
    help: 'File holding the token sent as "Authorization: <type> <token>" with --remote-write.url (re-read on every request).',
    placeholder: 'FILE',
  },
  {
    name: 'remote-write.token-type',
    kind: 'string',
    help: 'Authorization type sent with the token (Bearer, Token, …).',
    default: 'Bearer',
    placeholder: 'TYPE',
  },
  {
    name: 'host.metrics',
    kind: 'bool',
    help: 'Serve node_exporter-compatible host metrics on /metrics (and so scrape them with the self-scrape job).',
    default: 'true',
  },
  {
    name: 'collector.textfile.directory',
    kind: 'string',
    help: "Directory of *.prom files to expose with the host metrics (like node_exporter's textfile collector).",
    placeholder: 'DIR',
  },
  {
    name: 'log.level',
    kind: 'enum',
    help: 'Only log messages with the given severity or above.',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
  },
  {
    name: 'log.format',
    kind: 'enum',
    help: 'Output format of log messages.',
    default: 'logfmt',
    choices: ['logfmt', 'json'],
  },
];

/** Typed settings of `kansoku agent`. */
export interface AgentFlags {
  readonly configFile: string | undefined;
  readonly listenAddress: string;
  readonly agentPath: string;
  readonly queueBudgetBytes: number;
  readonly remoteWriteUrl: string | undefined;
  readonly remoteWriteTokenFile: string | undefined;
  readonly remoteWriteTokenType: string;
  readonly hostMetrics: boolean;
  readonly textfileDirectory: string | undefined;
  readonly logLevel: LogLevelSetting;
  readonly logFormat: LogFormatSetting;
}

/** Converts parsed arguments into agent settings; an agent needs a config file or a URL. */
export function agentFlagsFrom(parsed: ParsedArgs): AgentFlags {
  const text = (name: string): string | undefined => {
    const spec = AGENT_FLAGS.find((s) => s.name === name);
    if (!spec) throw new Error(`BUG: flag ${name} is not declared`);
    return flagText(parsed, spec);
  };
  const configFile = text('config.file');
  const remoteWriteUrl = text('remote-write.url');
  if (configFile === undefined && remoteWriteUrl === undefined) {
    throw new FlagError(
      'agent mode needs --config.file or --remote-write.url',
      '--remote-write.url',
    );
  }
  const budget = text('storage.agent.retention.size') ?? '1GB';
  return {
    configFile,
    listenAddress: text('web.listen-address') ?? '127.0.0.1:9778',
    agentPath: text('storage.agent.path') ?? 'data-agent/',
    queueBudgetBytes: parseBytes(budget),
    remoteWriteUrl,
    remoteWriteTokenFile: text('remote-write.token-file'),
    remoteWriteTokenType: text('remote-write.token-type') ?? 'Bearer',
    hostMetrics: text('host.metrics') !== 'false',
    textfileDirectory: text('collector.textfile.directory'),
    logLevel: (text('log.level') ?? 'info') as LogLevelSetting,
    logFormat: (text('log.format') ?? 'logfmt') as LogFormatSetting,
  };
}
