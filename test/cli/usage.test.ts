import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from './run-cli.js';

// No service is needed: every one of these fails before anything connects.
const UNREACHABLE = { HOTCONF_REDIS_URL: 'redis://127.0.0.1:1' };

describe('usage errors: one line on stderr, exit 2', () => {
  // Concurrent: each case is a Node process that spends its time starting up.
  it.concurrent.for([
    ['an unknown command', ['frobnicate'], /^hotconf: unknown command "frobnicate"/],
    ['no command', [], /^hotconf: missing command/],
    [
      'an unknown flag',
      ['pending', '--frob'],
      /^hotconf: Unknown option '--frob' \(see 'hotconf pending --help'\)$/,
    ],
    ['a flag without its value', ['pending', '--limit'], /--limit <value>' argument missing/],
    ['a bad --in', ['schedule', 'a=1', '--in', '10x'], /--in takes a duration like 500ms.*\(got "10x"\)/],
    ['an --in without a unit', ['schedule', 'a=1', '--in', '10'], /--in takes a duration/],
    [
      'a bad --at',
      ['schedule', 'a=1', '--at', 'tomorrow'],
      /--at takes an ISO date-time with a zone.*"tomorrow"/,
    ],
    ['an --at on no calendar day', ['schedule', 'a=1', '--at', '2026-02-30T00:00:00Z'], /--at takes an ISO/],
    ['an --at without a zone', ['schedule', 'a=1', '--at', '2026-12-01T00:00:00'], /--at takes an ISO/],
    [
      'both --at and --in',
      ['schedule', 'a=1', '--at', '2099-01-01T00:00:00Z', '--in', '1s'],
      /either --at or --in/,
    ],
    ['no KEY=VALUE', ['schedule', '--in', '10s'], /^hotconf: missing KEY=VALUE/],
    ['a word that is not KEY=VALUE', ['schedule', 'switch'], /expected KEY=VALUE \(got "switch"\)/],
    ['an empty KEY', ['schedule', '=on'], /expected KEY=VALUE/],
    ['reschedule without a time', ['reschedule', 'some-id'], /missing --at ISO or --in DURATION/],
    ['cancel without an ID', ['cancel'], /missing ID/],
    ['a second ID', ['cancel', 'a', 'b'], /unexpected argument "b"/],
    ['a word where none is taken', ['stats', 'extra'], /unexpected argument "extra"/],
    ['a bad --limit', ['pending', '--limit', '0'], /--limit takes a whole number of at least 1 \(got "0"\)/],
    [
      'a --redis that is no redis URL',
      ['stats', '--redis', 'localhost:6379'],
      /--redis must be a redis:\/\//,
    ],
    ['a bad --nsqd', ['watch', '--nsqd', '127.0.0.1'], /--nsqd takes host:port addresses/],
    ['a topic nsqd would refuse', ['stats', '--topic', 'no spaces'], /topic name "no spaces"/],
    ['a prefix the library refuses', ['stats', '--prefix', 'a b'], /prefix must be/],
  ] as const)('for %s', async ([, args, message], { expect }) => {
    const result = await runCli(args, UNREACHABLE);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^hotconf: [^\n]+\n$/);
    expect(result.stderr.trimEnd()).toMatch(message);
  });
});

const COMMANDS = [
  'schedule',
  'cancel',
  'reschedule',
  'pending',
  'current',
  'stats',
  'watch',
  'scheduler',
  'fleet',
  'dashboard',
  'bridge',
];

describe('help', () => {
  it('lists every command for hotconf --help, exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const command of COMMANDS) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    }
    expect(result.stdout).toContain('HOTCONF_REDIS_URL');
  });

  it.concurrent.for(COMMANDS)(
    'prints the usage of %s for --help, even beside words it would refuse',
    async (command, { expect }) => {
      const result = await runCli([command, '--bogus', '--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^Usage: hotconf ${command}\\b`));
      expect(result.stdout).toContain('--json');
    },
  );
});

describe('run-time failures: one line on stderr, exit 1', () => {
  it('says so when Redis cannot be reached', async () => {
    const result = await runCli(['pending'], UNREACHABLE);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'hotconf: cannot connect to Redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n',
    });
  });
});

describe('the built bin', () => {
  it('keeps its shebang and runs as an executable on its own', async () => {
    expect(readFileSync(CLI_PATH, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
    accessSync(CLI_PATH, constants.X_OK);
    const { stdout } = await promisify(execFile)(CLI_PATH, ['--help']);
    expect(stdout).toMatch(/^Usage: hotconf COMMAND/);
  });
});
