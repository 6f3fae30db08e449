/**
 * auth/: users' credentials and sessions. Passwords: scrypt (password.ts); TOTP with replay
 * protection and AES-256-GCM-encrypted secrets under a keychain key (totp.ts); recovery codes
 * (recovery.ts); lockout with backoff (lockout.ts); the service the host calls (service.ts).
 * Imports catalog/ and platform/ only.
 */

export { lockoutMs } from './lockout.js';
export { AuthService, type Session } from './service.js';
