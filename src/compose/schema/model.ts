import type { z } from 'zod';
import { networkDef } from './network.js';
import { rememberingCheck } from './remember.js';
import { configDef, secretDef } from './secret-config.js';
import { serviceSchema } from './service.js';
import { composeFileSchema, modelDef } from './top.js';
import { volumeDef } from './volume.js';

/**
 * Berth's stack model: one compose file, validated like the upstream compose-spec JSON schema and
 * normalized so every short/long syntax has one shape. Keys keep their compose (snake_case) names,
 * as in `docker compose config`. Keys that were not written stay absent (`command: null` stays null:
 * it resets the image default); `x-*` keys of the file, services, networks, volumes, secrets and
 * configs are kept verbatim under `extensions`. Durations are milliseconds, sizes are bytes. The
 * model is plain JSON: no Maps, Sets or class instances.
 *
 * Every type here is derived from the schemas; none is written by hand.
 */
export const ComposeFileSchema = composeFileSchema;
/** ComposeFileSchema.safeParse, answering a second check of the same document object from the first. */
export const checkComposeFile = rememberingCheck(composeFileSchema);
export const ServiceSchema = serviceSchema;
export const NetworkDefSchema = networkDef;
export const VolumeDefSchema = volumeDef;
export const SecretDefSchema = secretDef;
export const ConfigDefSchema = configDef;
export const ModelDefSchema = modelDef;

export type ComposeFile = z.output<typeof ComposeFileSchema>;
/** The document as written (after interpolation), before normalization. */
export type ComposeFileInput = z.input<typeof ComposeFileSchema>;

export type Service = z.output<typeof ServiceSchema>;
export type NetworkDef = z.output<typeof NetworkDefSchema>;
export type VolumeDef = z.output<typeof VolumeDefSchema>;
export type SecretDef = z.output<typeof SecretDefSchema>;
export type ConfigDef = z.output<typeof ConfigDefSchema>;
export type ModelDef = z.output<typeof ModelDefSchema>;
export type Include = NonNullable<ComposeFile['include']>[number];

export type Port = NonNullable<Service['ports']>[number];
export type VolumeMount = NonNullable<Service['volumes']>[number];
export type Healthcheck = NonNullable<Service['healthcheck']>;
/** `depends_on`: dependency name → condition. */
export type DependsOn = NonNullable<Service['depends_on']>;
export type Dependency = DependsOn[string];
export type ServiceNetwork = NonNullable<Service['networks']>[string];
export type Build = NonNullable<Service['build']>;
export type Deploy = NonNullable<Service['deploy']>;
export type EnvFile = NonNullable<Service['env_file']>[number];
export type ExtraHost = NonNullable<Service['extra_hosts']>[number];
export type Ulimit = NonNullable<Service['ulimits']>[string];
export type Logging = NonNullable<Service['logging']>;
/** A service's `secrets`/`configs` entry. */
export type FileRef = NonNullable<Service['secrets']>[number];
export type Device = NonNullable<Service['devices']>[number];
export type Extends = NonNullable<Service['extends']>;
