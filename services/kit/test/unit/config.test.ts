import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ConfigError, env, parseConfig } from '../../src/config.ts';

const shape = {
  PORT: env.port(8080),
  DATABASE_URL: env.url(),
  BROKERS: env.list('127.0.0.1:9092'),
  NAME: z.string().default('chat'),
};

function problemsOf(source: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(shape, source);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('parseConfig', () => {
  it('applies defaults and converts types', () => {
    const config = parseConfig(shape, { DATABASE_URL: 'mysql://root@127.0.0.1:3306/chat' });
    expect(config).toEqual({
      PORT: 8080,
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/chat',
      BROKERS: ['127.0.0.1:9092'],
      NAME: 'chat',
    });
  });

  it('treats an empty value as unset', () => {
    const config = parseConfig(shape, { DATABASE_URL: 'mysql://h/db', PORT: '', NAME: '' });
    expect(config.PORT).toBe(8080);
    expect(config.NAME).toBe('chat');
  });

  it('splits lists on commas and drops blanks', () => {
    const config = parseConfig(shape, { DATABASE_URL: 'mysql://h/db', BROKERS: 'a:1, b:2,,' });
    expect(config.BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('names a missing required variable', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL is missing/);
  });

  it('names an invalid variable with the value it got', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://h/db', PORT: '70000' });
    expect(problems[0]).toMatch(/^PORT is invalid \("70000"\)/);
  });

  it('hides the password of a URL in the message', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@h/db', PORT: 'x' });
    expect(problems.join()).not.toContain('hunter2');
  });
});
