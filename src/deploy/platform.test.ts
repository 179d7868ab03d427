import { describe, expect, it } from 'vitest';
import {
  acceptedPlatforms,
  parsePlatform,
  platformFits,
  platformMismatch,
  platformOf,
  platformText,
  samePlatform,
} from './platform.js';

describe('parsePlatform', () => {
  it.each([
    ['linux', { os: 'linux' }],
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['Linux/X86_64', { os: 'linux', architecture: 'amd64' }],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/i386', { os: 'linux', architecture: '386' }],
    ['linux/arm/7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
  ])('reads %j', (text, platform) => {
    expect(parsePlatform(text)).toEqual(platform);
  });
  it.each(['', '/amd64', 'linux/', 'linux//v7', 'linux/arm/v7/x'])('refuses %j', (text) => {
    expect(parsePlatform(text)).toBeUndefined();
  });
});

describe('platformOf', () => {
  it('normalizes what the engine reports like a written platform', () => {
    expect(platformOf('linux', 'arm64', '')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(platformOf('linux', 'amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(platformOf('linux', '')).toEqual({ os: 'linux' });
  });
});

describe('platformText', () => {
  it('writes os/arch/variant, leaving out what is absent', () => {
    expect(platformText({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(platformText({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
    expect(platformText({ os: 'linux' })).toBe('linux');
  });
});

describe('acceptedPlatforms', () => {
  const texts = (wanted: string) => {
    const w = parsePlatform(wanted);
    if (!w) throw new Error(`bad platform ${wanted}`);
    return acceptedPlatforms(w).map(platformText);
  };
  it('lists what a machine runs, best first, as containerd does', () => {
    expect(texts('linux/amd64')).toEqual(['linux/amd64', 'linux/386']);
    expect(texts('linux/amd64/v3')).toEqual(['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386']);
    expect(texts('linux/arm/v7')).toEqual(['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']);
    expect(texts('linux/arm/v5')).toEqual(['linux/arm/v5']);
    expect(texts('linux/arm64')).toEqual([
      'linux/arm64/v8',
      'linux/arm/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/arm/v5',
    ]);
    expect(texts('linux/riscv64')).toEqual(['linux/riscv64']);
  });
});

describe('platformFits', () => {
  const fits = (wanted: string, os: string, arch?: string, variant?: string, engine?: string) => {
    const w = parsePlatform(wanted);
    if (!w) throw new Error(`bad platform ${wanted}`);
    return platformFits(
      w,
      platformOf(os, arch, variant),
      engine === undefined ? undefined : parsePlatform(engine),
    );
  };
  it('needs the same OS, and an architecture the asked one runs', () => {
    expect(fits('linux/amd64', 'linux', 'amd64')).toBe(true);
    expect(fits('linux/x86_64', 'linux', 'amd64')).toBe(true);
    expect(fits('linux/amd64', 'linux', '386')).toBe(true);
    expect(fits('linux/386', 'linux', 'amd64')).toBe(false);
    expect(fits('linux/arm64', 'linux', 'amd64')).toBe(false);
    expect(fits('windows/amd64', 'linux', 'amd64')).toBe(false);
  });
  it('compares variants, with arm64 meaning v8 and arm meaning v7, older arm variants fitting newer machines', () => {
    expect(fits('linux/arm64/v8', 'linux', 'arm64')).toBe(true);
    expect(fits('linux/arm64', 'linux', 'aarch64', 'v8')).toBe(true);
    expect(fits('linux/arm64', 'linux', 'arm', 'v7')).toBe(true);
    expect(fits('linux/arm/v7', 'linux', 'arm')).toBe(true);
    expect(fits('linux/arm/v7', 'linux', 'arm', 'v6')).toBe(true);
    expect(fits('linux/arm/v6', 'linux', 'arm', 'v7')).toBe(false);
    expect(fits('linux/arm/v6', 'linux', 'arm')).toBe(false);
    expect(fits('linux/arm/v7', 'linux', 'arm64')).toBe(false);
  });
  it("reads a platform naming only the OS as the engine's own, or as the OS alone when that is unknown", () => {
    expect(fits('linux', 'linux', 'arm64', undefined, 'linux/amd64')).toBe(false);
    expect(fits('linux', 'linux', 'amd64', undefined, 'linux/amd64')).toBe(true);
    expect(fits('linux', 'linux', 'arm64')).toBe(true);
    expect(fits('linux', 'windows', 'amd64', undefined, 'linux/amd64')).toBe(false);
  });
  it('takes an image whose architecture is unknown to fit only a platform naming no architecture', () => {
    expect(fits('linux', 'linux')).toBe(true);
    expect(fits('linux/amd64', 'linux')).toBe(false);
  });
});

describe('samePlatform', () => {
  it('compares written platforms as normalized, and unparsable ones as written', () => {
    expect(samePlatform('linux/arm64', 'Linux/ARM64/v8')).toBe(true);
    expect(samePlatform('linux/aarch64', 'linux/arm64')).toBe(true);
    expect(samePlatform('linux/arm64', 'linux/amd64')).toBe(false);
    expect(samePlatform(undefined, undefined)).toBe(true);
    expect(samePlatform('linux/amd64', undefined)).toBe(false);
    expect(samePlatform('a//b', 'a//b')).toBe(true);
  });
});

describe('platformMismatch', () => {
  const amd64 = { os: 'linux', architecture: 'amd64' };
  it('says how an image differs from the written platform, the OS alone read as the engine', () => {
    expect(platformMismatch('linux/arm64', amd64)).toEqual({ has: 'linux/amd64', wanted: 'linux/arm64/v8' });
    expect(platformMismatch('linux', { os: 'linux', architecture: 'arm64', variant: 'v8' }, amd64)).toEqual({
      has: 'linux/arm64/v8',
      wanted: 'linux/amd64',
    });
  });
  it('is undefined when the image fits, or the platform or the image is unknown', () => {
    expect(platformMismatch('linux/x86_64', amd64)).toBeUndefined();
    expect(platformMismatch(undefined, amd64)).toBeUndefined();
    expect(platformMismatch('linux/arm64', undefined)).toBeUndefined();
    expect(platformMismatch('a//b', amd64)).toBeUndefined();
  });
});
