/** User administration (administrators only; every change needs step-up). */
import { z } from 'zod';
import { Id, IsoTime, Name, NewPassword, Username } from './common.js';
import { defineCall, Empty, Ok } from './define.js';
import { RoleSchema } from './roles.js';

export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  mfaEnrolled: z.boolean(),
  lockedUntil: IsoTime.optional(),
  failedAttempts: z.number().int(),
  lastLoginAt: IsoTime.optional(),
  createdAt: IsoTime,
});
export type User = z.infer<typeof User>;

export const usersCalls = {
  'users.list': defineCall({
    summary: 'List users and their roles',
    role: 'admin',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.array(User),
  }),
  'users.create': defineCall({
    summary: 'Create a user; they enroll an authenticator at first sign-in',
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({
      username: Username,
      displayName: Name,
      role: RoleSchema,
      password: NewPassword(),
    }),
    output: User,
  }),
  'users.update': defineCall({
    summary: 'Change display name, role or disabled flag',
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({
      id: Id,
      displayName: Name.optional(),
      role: RoleSchema.optional(),
      disabled: z.boolean().optional(),
    }),
    output: User,
  }),
  'users.resetPassword': defineCall({
    summary: "Set a user's password (ends their sessions)",
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({ id: Id, newPassword: NewPassword() }),
    output: Ok,
  }),
  'users.resetMfa': defineCall({
    summary: "Remove a user's authenticator; they enroll again at next sign-in",
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: Ok,
  }),
  'users.unlock': defineCall({
    summary: 'Clear a lockout after failed sign-ins',
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: User,
  }),
  'users.delete': defineCall({
    summary: 'Delete a user (not the last administrator)',
    role: 'admin',
    stepUp: true,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: Ok,
  }),
};
