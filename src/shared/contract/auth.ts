/** Sign-in, first-run setup with TOTP enrollment, step-up, own password and recovery codes. */
import { z } from 'zod';
import { IsoTime, Name, NewPassword, Password, RecoveryCode, TotpCode, Username } from './common.js';
import { defineCall, Empty, Ok, secret } from './define.js';
import { RoleSchema } from './roles.js';

export const Me = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  /** Until when step-up-protected calls are allowed without a new TOTP code. */
  stepUpUntil: IsoTime.optional(),
  sessionExpiresAt: IsoTime,
});
export type Me = z.infer<typeof Me>;

/** Shown once while enrolling an authenticator: the QR code and the same secret for typing in. */
export const Enrollment = z.object({
  enrollmentId: z.string(),
  otpauthUri: secret(z.string()),
  qrDataUrl: secret(z.string()),
  secret: secret(z.string()),
  expiresAt: IsoTime,
});

export const LoginResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), me: Me, recoveryCodesLeft: z.number().int() }),
  /** Password correct but no authenticator yet (new user or MFA reset): enroll first. */
  z.object({ status: z.literal('enroll'), enrollment: Enrollment }),
]);

export const authCalls = {
  'auth.status': defineCall({
    summary: 'Whether first-run setup is needed and who is signed in',
    role: 'public',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.object({ setupRequired: z.boolean(), me: Me.optional() }),
  }),
  'auth.setup': defineCall({
    summary: 'First run: create the administrator and start TOTP enrollment',
    role: 'public',
    stepUp: false,
    audit: true,
    input: z.strictObject({ username: Username, displayName: Name, password: NewPassword() }),
    output: Enrollment,
  }),
  'auth.completeEnrollment': defineCall({
    summary: 'Confirm the authenticator with a code; returns recovery codes (shown once) and signs in',
    role: 'public',
    stepUp: false,
    audit: true,
    input: z.strictObject({ enrollmentId: z.string().min(1).max(128), totp: TotpCode() }),
    output: z.object({ me: Me, recoveryCodes: z.array(secret(z.string())) }),
  }),
  'auth.login': defineCall({
    summary: 'Sign in with username, password and a TOTP code (or a recovery code)',
    role: 'public',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      username: Username,
      password: Password(),
      totp: TotpCode().optional(),
      recoveryCode: RecoveryCode().optional(),
    }),
    output: LoginResult,
  }),
  'auth.logout': defineCall({
    summary: 'End this session',
    role: 'any',
    stepUp: false,
    audit: true,
    input: Empty,
    output: Ok,
  }),
  'auth.me': defineCall({
    summary: 'The signed-in user',
    role: 'any',
    stepUp: false,
    audit: false,
    input: Empty,
    output: Me,
  }),
  'auth.stepUp': defineCall({
    summary: 'Enter a fresh TOTP code to allow sensitive actions for 5 minutes',
    role: 'any',
    stepUp: false,
    audit: true,
    input: z.strictObject({ totp: TotpCode() }),
    output: z.object({ stepUpUntil: IsoTime }),
  }),
  'auth.changePassword': defineCall({
    summary: 'Change your own password',
    role: 'any',
    stepUp: true,
    audit: true,
    input: z.strictObject({ currentPassword: Password(), newPassword: NewPassword() }),
    output: Ok,
  }),
  'auth.regenerateRecoveryCodes': defineCall({
    summary: 'Replace your recovery codes (the new ones are shown once)',
    role: 'any',
    stepUp: true,
    audit: true,
    input: Empty,
    output: z.object({ recoveryCodes: z.array(secret(z.string())) }),
  }),
};
