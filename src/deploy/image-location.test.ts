import { describe, expect, it } from 'vitest';
import { desiredFrom, loadFixture } from '../../test/support/deploy-fixtures.js';
import { imageLocation, locationPrefix } from './image-location.js';

const TEXT = `services:
  web:
    command: ["serve"]
    image: local/nope:1
  api:
    build: ./api
  both:
    build: ./both
    image: local/both:1
`;

describe('imageLocation', () => {
  it("is the file:line:col of the service's image key", async () => {
    const loaded = await loadFixture(TEXT, {
      files: { 'api/Dockerfile': 'FROM scratch\n', 'both/Dockerfile': 'FROM scratch\n' },
    });
    expect(imageLocation(loaded, 'web')).toMatch(/\/shop\/compose\.yaml:4:5$/);
    expect(imageLocation(loaded, 'both')).toMatch(/\/shop\/compose\.yaml:9:5$/);
    // No image written: where its build is.
    expect(imageLocation(loaded, 'api')).toMatch(/\/shop\/compose\.yaml:6:5$/);
    // The desired state carries it to the planner and the pulls.
    expect(desiredFrom(loaded).services.web?.imageAt).toBe(imageLocation(loaded, 'web'));
  });
});

describe('locationPrefix', () => {
  it('names each known location once, or nothing', () => {
    expect(locationPrefix(['a.yaml:3:5', undefined, 'a.yaml:3:5', 'b.yaml:9:5'])).toBe(
      'a.yaml:3:5, b.yaml:9:5: ',
    );
    expect(locationPrefix([undefined])).toBe('');
    expect(locationPrefix([])).toBe('');
  });
});
