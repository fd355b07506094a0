/**
 * Every command's flags, usage line and example, as data: the commands parse with these tables and
 * `--help` prints them, so what is accepted and what is documented cannot drift apart. Kept free of
 * imports beyond types so `scimsync --help` loads nothing heavy.
 */
import type { CommandSpec, FlagSpec } from './args.js';

const CONFIG = { type: 'string', short: 'c', value: 'FILE', help: 'the config file (YAML; see config/csv.yaml)' } as const satisfies FlagSpec;
const ALLOW_DELETES = {
  type: 'string',
  value: 'N',
  help: 'lift the deletion guard for up to N deletions, after checking the source',
} as const satisfies FlagSpec;

export const PLAN = {
  name: 'plan',
  summary: 'show what a sync would change; writes nothing',
  usage: 'plan -c FILE [--json | --format text|markdown|json] [--out PLAN.json] [--allow-deletes N] [--refresh]',
  description: 'Reads the source and the target and prints the plan. Writes nothing to the target or the state file.',
  options: {
    config: CONFIG,
    json: { type: 'boolean', default: false, help: 'print the plan as one JSON document (same as --format json)' },
    format: { type: 'string', value: 'FORMAT', help: 'text (default), markdown (for a change ticket) or json' },
    out: { type: 'string', value: 'PLAN.json', help: 'also save the plan, to review with `show` and apply with `apply --plan`' },
    'allow-deletes': ALLOW_DELETES,
    refresh: { type: 'boolean', default: false, help: 'read the whole target now instead of planning against the snapshot kept since the last full read' },
  },
  exitCodes: '0 no changes, 2 changes pending, 1 error',
  example: 'scimsync plan -c config.yaml --out plan.json',
} as const satisfies CommandSpec;

export const APPLY = {
  name: 'apply',
  summary: 'sync now (or apply a saved plan)',
  usage: 'apply -c FILE [--plan PLAN.json] [--allow-deletes N] [--refresh] [--yes] [--json]',
  description:
    'Plans and applies. On a terminal it shows the plan and asks before changing anything (--yes skips the ' +
    'question); without a terminal (cron, CI, Kubernetes) it never asks. Ctrl-C stops taking new work, waits ' +
    'for the requests in flight and saves the progress (run apply again to resume); a second Ctrl-C quits at once.',
  options: {
    config: CONFIG,
    plan: { type: 'string', value: 'PLAN.json', help: 'apply this saved plan exactly as reviewed (refused if the world moved on)' },
    'allow-deletes': ALLOW_DELETES,
    refresh: { type: 'boolean', default: false, help: 'read the whole target now instead of planning against the snapshot kept since the last full read' },
    yes: { type: 'boolean', short: 'y', default: false, help: 'do not ask for confirmation on a terminal' },
    json: { type: 'boolean', default: false, help: 'print the plan and the results as one JSON document' },
  },
  exitCodes: '0 done, 1 error, some operations failed, stopped or not confirmed, 3 refused by the deletion guard',
  example: 'scimsync apply -c config.yaml --plan plan.json --yes',
} as const satisfies CommandSpec;

export const DAEMON = {
  name: 'daemon',
  summary: "apply on the config's schedule, with /healthz /readyz /metrics",
  usage: 'daemon -c FILE [--run-now]',
  description: 'Runs apply on `schedule`, never overlapping. SIGTERM/SIGINT stop it after the in-flight operation; a second signal quits at once.',
  options: {
    config: CONFIG,
    'run-now': { type: 'boolean', default: false, help: 'run once at start instead of waiting for the first scheduled time' },
  },
  exitCodes: 'runs until SIGTERM/SIGINT, then 0 (1 if the shutdown bound passed first)',
  example: 'scimsync daemon -c /etc/scimsync/config.yaml --run-now',
} as const satisfies CommandSpec;

export const CHECK = {
  name: 'check',
  summary: 'validate config, read the source, authenticate to the target',
  usage: 'check -c FILE',
  description: 'Validates the config, reads the source, lists the target with the configured key and reads the state file. Writes nothing anywhere.',
  options: { config: CONFIG },
  exitCodes: '0 every check passed, 1 not',
  example: 'scimsync check -c config.yaml',
} as const satisfies CommandSpec;

export const STATE = {
  name: 'state',
  summary: 'inspect the state file, or rebuild it from the target',
  usage: 'state show|rebuild -c FILE [--json]',
  description:
    '`show` prints what the state file records; `rebuild` re-adopts target users and groups that match the source by name (nothing is written to the target).',
  options: {
    config: CONFIG,
    json: { type: 'boolean', default: false, help: '`show`: print the state as JSON' },
  },
  positionals: true,
  exitCodes: '0 ok, 1 error',
  example: 'scimsync state show -c config.yaml --json',
} as const satisfies CommandSpec;

export const EMULATOR = {
  name: 'emulator',
  summary: 'run the local Amplitude-compatible SCIM emulator',
  usage:
    'emulator [--host 127.0.0.1] [--port N] [--token T] [--rate-limit N] [--profile amplitude|rfc] [--seed FILE] ' +
    '[--retry-after seconds|absent|date] [--pending-names placeholder|keep] [--max-members-per-patch N] [--persist FILE] [--quirk NAME[=N]]…',
  description: 'Serves SCIM 2.0 until SIGTERM/SIGINT. Prints `listening on URL` (the SCIM base URL) on stdout when ready; never prints the token.',
  options: {
    host: { type: 'string', value: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
    port: { type: 'string', value: 'N', help: 'port (default 0: a free one)' },
    token: { type: 'string', value: 'T', help: 'the bearer key clients must send (default emulator-token)' },
    'rate-limit': { type: 'string', value: 'N', help: 'requests per rolling minute per token; 0 = off (default 100 for amplitude)' },
    profile: { type: 'string', value: 'PROFILE', help: 'amplitude (default) or rfc' },
    seed: { type: 'string', value: 'FILE', help: 'JSON {"users":[{"userName","givenName","familyName"}],"groups":[{"displayName","members":[…]}]}' },
    'retry-after': { type: 'string', value: 'MODE', help: 'how a 429 carries Retry-After: seconds (default), absent or date' },
    'pending-names': { type: 'string', value: 'MODE', help: 'placeholder (default: names of invited users read NO_GIVEN_NAME) or keep' },
    'max-members-per-patch': { type: 'string', value: 'N', help: 'members per group PATCH above which it is refused; 0 = unlimited' },
    persist: { type: 'string', value: 'FILE', help: 'load users and groups from FILE if present, save them after each write' },
    quirk: {
      type: 'string',
      multiple: true,
      value: 'NAME[=N]',
      help: "behave like a real server's paging or PATCH quirk (repeatable); see docs/emulator-quirks.md",
    },
  },
  exitCodes: 'runs until SIGTERM/SIGINT, then 0; 1 on a bad flag or an unknown quirk',
  example: 'scimsync emulator --port 8080 --token dev-token --rate-limit 0',
} as const satisfies CommandSpec;

export const SHOW = {
  name: 'show',
  summary: 'render a saved plan (Markdown for change tickets)',
  usage: 'show PLAN.json [--format text|markdown|json]',
  description: 'Renders a plan saved by `plan --out`, without reading the source or the target.',
  options: {
    format: { type: 'string', value: 'FORMAT', help: 'text (default), markdown or json' },
  },
  positionals: true,
  exitCodes: '0 ok, 1 error',
  example: 'scimsync show plan.json --format markdown > change-ticket.md',
} as const satisfies CommandSpec;

export const DEMO = {
  name: 'demo',
  summary: 'sync the bundled sample data into an in-process emulator',
  usage: 'demo',
  description: 'The quickstart (`npm run demo`): plan, apply, plan again against an emulator started in this process. No network, no secrets.',
  options: {},
  exitCodes: '0 converged, 1 not',
  example: 'scimsync demo',
} as const satisfies CommandSpec;

export const SCHEMA = {
  name: 'schema',
  summary: "print the config's JSON Schema",
  usage: 'schema [--out FILE]',
  description: "Prints the JSON Schema of the config file, generated from the validator (point your editor's YAML language server at it).",
  options: { out: { type: 'string', value: 'FILE', help: 'write it to FILE instead of stdout' } },
  exitCodes: '0',
  example: 'scimsync schema --out config/scimsync.schema.json',
} as const satisfies CommandSpec;

/** In the order `scimsync --help` lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [PLAN, APPLY, SHOW, DAEMON, CHECK, STATE, EMULATOR, DEMO, SCHEMA];
