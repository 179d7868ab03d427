import { describe, expect, it } from 'vitest';
import { parsePlatform, platformFits, platformOf, platformText } from './platform.js';

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

describe('platformFits', () => {
  const fits = (wanted: string, os: string, arch?: string, variant?: string) => {
    const w = parsePlatform(wanted);
    if (!w) throw new Error(`bad platform ${wanted}`);
    return platformFits(w, platformOf(os, arch, variant));
  };
  it('needs the same OS, and the same architecture when one is asked', () => {
    expect(fits('linux/amd64', 'linux', 'amd64')).toBe(true);
    expect(fits('linux/x86_64', 'linux', 'amd64')).toBe(true);
    expect(fits('linux/arm64', 'linux', 'amd64')).toBe(false);
    expect(fits('windows/amd64', 'linux', 'amd64')).toBe(false);
    expect(fits('linux', 'linux', 'arm64')).toBe(true);
  });
  it('compares variants, with arm64 meaning v8 and arm meaning v7', () => {
    expect(fits('linux/arm64/v8', 'linux', 'arm64')).toBe(true);
    expect(fits('linux/arm64', 'linux', 'aarch64', 'v8')).toBe(true);
    expect(fits('linux/arm/v7', 'linux', 'arm')).toBe(true);
    expect(fits('linux/arm/v6', 'linux', 'arm', 'v7')).toBe(false);
    expect(fits('linux/arm/v6', 'linux', 'arm')).toBe(false);
  });
  it('takes an image whose architecture is unknown to fit only a platform naming no architecture', () => {
    expect(fits('linux', 'linux')).toBe(true);
    expect(fits('linux/amd64', 'linux')).toBe(false);
  });
});
