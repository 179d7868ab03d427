import { describe, expect, it } from 'vitest';
import {
  compileRules,
  contextFilter,
  isExcluded,
  parseDockerignore,
  patternToRegex,
} from './dockerignore.js';

const excluded = (patterns: string[], path: string) => isExcluded(compileRules(patterns), path);

describe('parseDockerignore', () => {
  it('drops comments and blanks, trims, cleans paths, keeps ! as a prefix', () => {
    expect(
      parseDockerignore(
        '\uFEFF# comment\n\n  node_modules/  \n/abs/path\n! keep.txt\n./a/../b//c\n#not a pattern\n',
      ),
    ).toEqual(['node_modules', 'abs/path', '!keep.txt', 'b/c']);
  });

  it('treats a # after whitespace as part of a pattern, as the CLI does', () => {
    expect(parseDockerignore(' #odd')).toEqual(['#odd']);
  });
});

describe('patternToRegex', () => {
  const matches = (pattern: string, path: string) => patternToRegex(pattern).test(path);

  it('keeps * and ? inside one path segment', () => {
    expect(matches('*.log', 'a.log')).toBe(true);
    expect(matches('*.log', 'a/b.log')).toBe(false);
    expect(matches('a?c', 'abc')).toBe(true);
    expect(matches('a?c', 'a/c')).toBe(false);
  });

  it('lets ** span folders, even none, and match everything at the end', () => {
    expect(matches('**/x', 'x')).toBe(true);
    expect(matches('**/x', 'a/b/x')).toBe(true);
    expect(matches('**/x', 'a/bx')).toBe(false);
    expect(matches('dir/**', 'dir/a/b')).toBe(true);
  });

  it('escapes regex characters, honours backslash escapes and character classes', () => {
    expect(matches('a+(b).txt', 'a+(b).txt')).toBe(true);
    expect(matches('a.txt', 'abtxt')).toBe(false);
    expect(matches('\\*x', '*x')).toBe(true);
    expect(matches('\\*x', 'ax')).toBe(false);
    expect(matches('[ab].md', 'b.md')).toBe(true);
    expect(matches('[ab].md', 'c.md')).toBe(false);
  });

  it('never matches with an unbalanced class', () => {
    expect(matches('[', '[')).toBe(false);
  });
});

describe('isExcluded', () => {
  it('matches * within one directory level only', () => {
    expect(excluded(['*.log'], 'debug.log')).toBe(true);
    expect(excluded(['*.log'], 'sub/debug.log')).toBe(false);
    expect(excluded(['*/*.log'], 'sub/debug.log')).toBe(true);
  });

  it('matches ** across any number of directories, including none', () => {
    expect(excluded(['**/*.log'], 'debug.log')).toBe(true);
    expect(excluded(['**/*.log'], 'a/b/c/debug.log')).toBe(true);
    expect(excluded(['a/**/z'], 'a/z')).toBe(true);
    expect(excluded(['a/**/z'], 'a/b/c/z')).toBe(true);
    expect(excluded(['cache/**'], 'cache/x/y')).toBe(true);
  });

  it('excludes everything below a matched directory', () => {
    expect(excluded(['node_modules'], 'node_modules/pkg/index.js')).toBe(true);
    expect(excluded(['node_modules'], 'src/node_modules/x')).toBe(false);
  });

  it('lets the last matching pattern win, with ! re-including', () => {
    expect(excluded(['*.md', '!README.md'], 'README.md')).toBe(false);
    expect(excluded(['*.md', '!README.md'], 'CHANGES.md')).toBe(true);
    expect(excluded(['*.md', '!README.md', 'README.md'], 'README.md')).toBe(true);
    expect(excluded(['logs', '!logs/keep.log'], 'logs/keep.log')).toBe(false);
    expect(excluded(['logs', '!logs/keep.log'], 'logs/drop.log')).toBe(true);
  });

  it('excludes nothing without patterns', () => {
    expect(excluded([], 'anything')).toBe(false);
  });
});

describe('contextFilter', () => {
  it('always includes the Dockerfile and .dockerignore', () => {
    const filter = contextFilter(['*', 'docker'], 'docker/app.Dockerfile');
    expect(filter.includes('Dockerfile')).toBe(false);
    expect(filter.includes('docker/app.Dockerfile')).toBe(true);
    expect(filter.includes('.dockerignore')).toBe(true);
    // The folder holding the Dockerfile is walked but not sent, nor are its other files.
    expect(filter.includes('docker')).toBe(false);
    expect(filter.walks('docker')).toBe(true);
    expect(filter.includes('docker/other')).toBe(false);
  });

  it('walks an excluded folder only when an exception may re-include something inside', () => {
    expect(contextFilter(['logs'], 'Dockerfile').walks('logs')).toBe(false);
    expect(contextFilter(['logs', '!logs/keep.log'], 'Dockerfile').walks('logs')).toBe(true);
    expect(contextFilter(['logs', '!other/keep.log'], 'Dockerfile').walks('logs')).toBe(false);
    expect(contextFilter(['logs', '!**/keep.log'], 'Dockerfile').walks('logs')).toBe(true);
    expect(contextFilter(['src'], 'Dockerfile').walks('app')).toBe(true);
  });
});
