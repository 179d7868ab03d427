import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from '../access/policy.js';
import { ROLES } from '../access/roles.js';

// Setup, login, the caller, API tokens and users.

export const RoleSchema = z.enum(ROLES);

/** A grant as the API shows it: absent `stack` means on every stack. */
export const GrantViewSchema = z.object({ role: RoleSchema, stack: z.string().optional() });
export type GrantView = z.output<typeof GrantViewSchema>;

/** A grant as a request gives it. */
export const GrantInputSchema = z.strictObject({
  role: RoleSchema,
  stack: z.string().min(1).max(128).optional().describe('absent: the role holds on every stack'),
});
export const GrantsInputSchema = z.array(GrantInputSchema).max(1000);

export const WhoamiSchema = z.object({
  kind: z.enum(['user', 'token']),
  userId: z.string(),
  name: z.string(),
  grants: z.array(GrantViewSchema),
  tokenScope: z.object({ role: RoleSchema, stacks: z.array(z.string()).optional() }).optional(),
});
export type Whoami = z.output<typeof WhoamiSchema>;

export const CredentialsSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const SetupRequestSchema = CredentialsSchema.extend({ token: z.string().min(1).max(256) });
export const SetupResultSchema = z.object({ userId: z.string(), username: z.string() });
/** Whether first-run setup is still to be done (no user exists yet). */
export const SetupStatusSchema = z.object({ needed: z.boolean() });
export const LoginResultSchema = z.object({
  username: z.string(),
  csrfToken: z.string(),
  expiresAt: z.string(),
});

export const TokenCreateSchema = z.strictObject({
  name: z.string().min(1).max(64),
  role: RoleSchema,
  stacks: z.array(z.string().min(1)).min(1).optional(),
  expiresInDays: z.number().int().min(1).max(365),
});
/** The only answer that ever holds a token's value. */
export const TokenCreatedSchema = z.object({ id: z.string(), token: z.string(), expiresAt: z.string() });
export type TokenCreated = z.output<typeof TokenCreatedSchema>;

export const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  stacks: z.array(z.string()).optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().optional(),
  revokedAt: z.string().optional(),
});
export const TokenListSchema = z.object({ items: z.array(TokenInfoSchema) });

/** A user as the API shows it: never the password or its hash. */
export const UserSchema = z.object({
  username: z.string(),
  grants: z.array(GrantViewSchema),
  createdAt: z.string(),
});
export type UserView = z.output<typeof UserSchema>;
/** A user as creating it or replacing its grants answers: with what the admin should know. */
export const UserChangedSchema = UserSchema.extend({
  /** E.g. a grant on a stack the workspace does not have now (kept: the stack may be added later). */
  warnings: z.array(z.string()).optional(),
});
export const UserListSchema = z.object({ items: z.array(UserSchema) });

export const UserCreateSchema = z.strictObject({
  username: z
    .string()
    .regex(USERNAME_PATTERN, '2 to 64 characters: lowercase letters, digits, ".", "_" or "-"'),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  grants: GrantsInputSchema,
});
export const UserGrantsSchema = z.strictObject({ grants: GrantsInputSchema });
