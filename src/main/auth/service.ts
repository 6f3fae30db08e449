/**
 * Authentication: first-run setup, TOTP enrollment, login (password + TOTP or recovery code),
 * lockout with backoff, idle-expiring sessions, step-up, and checking another user's credentials
 * for an approval without touching the current session. Time comes from the Clock.
 */
import { randomBytes } from 'node:crypto';
import type { Me } from '../../shared/contract/auth.js';
import type { Role } from '../../shared/contract/roles.js';
import type { CatalogDb } from '../catalog/db.js';
import { newId } from '../catalog/ids.js';
import { SessionStore } from '../catalog/sessions.js';
import { SettingsStore } from '../catalog/settings.js';
import { type UserRow, UserStore } from '../catalog/users.js';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Keychain } from '../platform/keychain.js';
import { LOCKOUT_THRESHOLD, lockoutMs } from './lockout.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery.js';
import { hashToken, newSessionToken, SESSION_ABSOLUTE_MS, STEP_UP_MS } from './sessions.js';
import { checkTotp, enrollmentArtifacts, newTotpSecret, TotpVault } from './totp.js';

const ENROLL_MS = 15 * 60_000;

export interface Session {
  tokenHash: string;
  user: UserRow;
  stepUpAt: Date | undefined;
  expiresAt: Date;
}

export interface Enrollment {
  enrollmentId: string;
  otpauthUri: string;
  qrDataUrl: string;
  secret: string;
  expiresAt: string;
}

type Pending =
  | {
      kind: 'setup';
      username: string;
      displayName: string;
      passwordHash: string;
      secret: string;
      expires: number;
    }
  | { kind: 'user'; userId: string; secret: string; expires: number };

const badCredentials = () =>
  new AppError('UNAUTHENTICATED', 'Wrong username, password or authentication code.', {
    hint: `After ${LOCKOUT_THRESHOLD} failed attempts the account is locked for 1 minute, doubling with each further failure.`,
  });

export class AuthService {
  readonly users: UserStore;
  private readonly sessions: SessionStore;
  private readonly settings: SettingsStore;
  private readonly vault: TotpVault;
  private readonly pending = new Map<string, Pending>();

  constructor(
    db: CatalogDb,
    keychain: Keychain,
    private readonly clock: Clock,
  ) {
    this.users = new UserStore(db);
    this.sessions = new SessionStore(db);
    this.settings = new SettingsStore(db);
    this.vault = new TotpVault(keychain);
  }

  private now(): Date {
    return this.clock.now();
  }
  private iso(): string {
    return this.now().toISOString();
  }
  private idleMs(): number {
    return this.settings.get().idleTimeoutMinutes * 60_000;
  }

  setupRequired(): boolean {
    return this.users.count() === 0;
  }

  // ---- enrollment ------------------------------------------------------------------------------
  private async startEnrollment(p: Pending, label: string): Promise<Enrollment> {
    const id = randomBytes(16).toString('hex');
    this.pending.set(id, p);
    const art = await enrollmentArtifacts(p.secret, label);
    return { enrollmentId: id, ...art, secret: p.secret, expiresAt: new Date(p.expires).toISOString() };
  }

  async setup(input: { username: string; displayName: string; password: string }): Promise<Enrollment> {
    if (!this.setupRequired()) {
      throw new AppError('CONFLICT', 'The console is already set up.', { hint: 'Sign in instead.' });
    }
    const passwordHash = await hashPassword(input.password);
    return this.startEnrollment(
      {
        kind: 'setup',
        ...input,
        passwordHash,
        secret: newTotpSecret(),
        expires: this.now().getTime() + ENROLL_MS,
      },
      input.username,
    );
  }

  async completeEnrollment(
    enrollmentId: string,
    totp: string,
  ): Promise<{ token: string; me: Me; recoveryCodes: string[] }> {
    const p = this.pending.get(enrollmentId);
    if (!p || p.expires < this.now().getTime()) {
      this.pending.delete(enrollmentId);
      throw new AppError('NOT_FOUND', 'This enrollment expired or does not exist.', { hint: 'Start again.' });
    }
    const step = checkTotp(p.secret, totp, this.now(), null);
    if (step === undefined) {
      throw new AppError('UNAUTHENTICATED', 'The code does not match the authenticator.', {
        hint: "Check the phone's time is set automatically, then enter the current code.",
      });
    }
    const enc = await this.vault.encrypt(p.secret);
    const now = this.iso();
    let userId: string;
    if (p.kind === 'setup') {
      if (!this.setupRequired()) throw new AppError('CONFLICT', 'The console is already set up.');
      userId = newId();
      this.users.insert(
        {
          id: userId,
          username: p.username,
          display_name: p.displayName,
          role: 'admin',
          password_hash: p.passwordHash,
          totp_secret_enc: enc,
        },
        now,
      );
    } else {
      userId = p.userId;
      this.users.update(userId, { totp_secret_enc: enc }, now);
    }
    this.users.update(
      userId,
      { totp_last_step: step, last_login_at: now, failed_attempts: 0, locked_until: null },
      now,
    );
    this.pending.delete(enrollmentId);
    const recoveryCodes = this.newRecoveryCodesFor(userId);
    const { token, session } = this.createSession(this.users.require(userId));
    return { token, me: this.me(session), recoveryCodes };
  }

  private newRecoveryCodesFor(userId: string): string[] {
    const codes = newRecoveryCodes();
    this.users.replaceRecoveryCodes(userId, codes.map(hashRecoveryCode));
    return codes;
  }

  // ---- credentials -----------------------------------------------------------------------------
  private assertNotLocked(u: UserRow): void {
    if (u.locked_until && new Date(u.locked_until) > this.now()) {
      const secs = Math.ceil((new Date(u.locked_until).getTime() - this.now().getTime()) / 1000);
      throw new AppError('LOCKED', `The account "${u.username}" is locked after failed sign-in attempts.`, {
        hint: `Try again in ${secs} s, or ask an administrator to unlock it.`,
      });
    }
  }

  private fail(u: UserRow): AppError {
    const failures = u.failed_attempts + 1;
    const ms = lockoutMs(failures);
    const lockedUntil = ms > 0 ? new Date(this.now().getTime() + ms).toISOString() : null;
    this.users.update(u.id, { failed_attempts: failures, locked_until: lockedUntil }, this.iso());
    return badCredentials();
  }

  private succeed(u: UserRow, step: number | undefined): void {
    const fields: Partial<UserRow> = { failed_attempts: 0, locked_until: null, last_login_at: this.iso() };
    if (step !== undefined) fields.totp_last_step = step;
    this.users.update(u.id, fields, this.iso());
  }

  /** Checks a second factor, consuming it (replay-safe). Counts failures. */
  private async secondFactor(
    u: UserRow,
    totp: string | undefined,
    recoveryCode: string | undefined,
  ): Promise<number | undefined> {
    if (recoveryCode !== undefined) {
      if (!this.users.consumeRecoveryCode(u.id, hashRecoveryCode(recoveryCode), this.iso()))
        throw this.fail(u);
      return undefined;
    }
    if (totp === undefined || u.totp_secret_enc === null) {
      throw new AppError('MFA_REQUIRED', 'Enter the 6-digit code from your authenticator app.');
    }
    const step = checkTotp(await this.vault.decrypt(u.totp_secret_enc), totp, this.now(), u.totp_last_step);
    if (step === undefined) throw this.fail(u);
    return step;
  }

  private async passwordStep(username: string, password: string): Promise<UserRow> {
    const u = this.users.byUsername(username);
    if (!u) {
      await burnPasswordCheck(password);
      throw badCredentials();
    }
    this.assertNotLocked(u);
    if (!(await verifyPassword(password, u.password_hash))) throw this.fail(u);
    if (u.disabled === 1) {
      throw new AppError('FORBIDDEN', `The account "${u.username}" is disabled.`, {
        hint: 'Ask an administrator.',
      });
    }
    return u;
  }

  async login(input: {
    username: string;
    password: string;
    totp?: string;
    recoveryCode?: string;
  }): Promise<
    | { status: 'ok'; token: string; me: Me; recoveryCodesLeft: number }
    | { status: 'enroll'; enrollment: Enrollment }
  > {
    const u = await this.passwordStep(input.username, input.password);
    if (u.totp_secret_enc === null) {
      const enrollment = await this.startEnrollment(
        { kind: 'user', userId: u.id, secret: newTotpSecret(), expires: this.now().getTime() + ENROLL_MS },
        u.username,
      );
      return { status: 'enroll', enrollment };
    }
    const step = await this.secondFactor(u, input.totp, input.recoveryCode);
    this.succeed(u, step);
    const { token, session } = this.createSession(this.users.require(u.id));
    return {
      status: 'ok',
      token,
      me: this.me(session),
      recoveryCodesLeft: this.users.recoveryCodesLeft(u.id),
    };
  }

  /** Another user's full credentials (for approvals): password + TOTP, lockout applies. No session. */
  async verifyCredentials(username: string, password: string, totp: string, role: Role): Promise<UserRow> {
    const u = await this.passwordStep(username, password);
    if (u.totp_secret_enc === null)
      throw new AppError('MFA_REQUIRED', `"${username}" has not enrolled an authenticator.`);
    const step = await this.secondFactor(u, totp, undefined);
    this.succeed(u, step);
    if (u.role !== role) {
      throw new AppError(
        'FORBIDDEN',
        `"${username}" is not an ${role === 'admin' ? 'administrator' : role}.`,
        {
          hint: 'An administrator must sign in to approve.',
        },
      );
    }
    return u;
  }

  // ---- sessions --------------------------------------------------------------------------------
  private createSession(u: UserRow): { token: string; session: Session } {
    const token = newSessionToken();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    const tokenHash = hashToken(token);
    this.sessions.insert({
      token_hash: tokenHash,
      user_id: u.id,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      step_up_at: now.toISOString(),
    });
    return { token, session: { tokenHash, user: u, stepUpAt: now, expiresAt } };
  }

  /** The live session for a token (touching it), or UNAUTHENTICATED. */
  session(token: string | undefined): Session {
    const unauth = () =>
      new AppError('UNAUTHENTICATED', 'Not signed in, or the session expired.', { hint: 'Sign in again.' });
    if (!token) throw unauth();
    const tokenHash = hashToken(token);
    const s = this.sessions.get(tokenHash);
    const now = this.now();
    if (!s) throw unauth();
    const idle = now.getTime() - new Date(s.last_seen_at).getTime() > this.idleMs();
    const u = this.users.byId(s.user_id);
    if (idle || new Date(s.expires_at) <= now || !u || u.disabled === 1) {
      this.sessions.delete(tokenHash);
      throw unauth();
    }
    this.sessions.touch(tokenHash, now.toISOString());
    return {
      tokenHash,
      user: u,
      stepUpAt: s.step_up_at ? new Date(s.step_up_at) : undefined,
      expiresAt: new Date(s.expires_at),
    };
  }

  stepUpFresh(s: Session): boolean {
    return s.stepUpAt !== undefined && this.now().getTime() - s.stepUpAt.getTime() <= STEP_UP_MS;
  }

  async stepUp(s: Session, totp: string): Promise<string> {
    const u = this.users.require(s.user.id);
    this.assertNotLocked(u);
    const step = await this.secondFactor(u, totp, undefined);
    this.succeed(u, step);
    const now = this.now();
    this.sessions.stepUp(s.tokenHash, now.toISOString());
    return new Date(now.getTime() + STEP_UP_MS).toISOString();
  }

  logout(s: Session): void {
    this.sessions.delete(s.tokenHash);
  }

  me(s: Session): Me {
    const idleEnd = new Date(this.now().getTime() + this.idleMs());
    const expires = idleEnd < s.expiresAt ? idleEnd : s.expiresAt;
    return {
      id: s.user.id,
      username: s.user.username,
      displayName: s.user.display_name,
      role: s.user.role,
      ...(s.stepUpAt && this.stepUpFresh(s)
        ? { stepUpUntil: new Date(s.stepUpAt.getTime() + STEP_UP_MS).toISOString() }
        : {}),
      sessionExpiresAt: expires.toISOString(),
    };
  }

  // ---- own account -----------------------------------------------------------------------------
  async changePassword(s: Session, current: string, next: string): Promise<void> {
    const u = this.users.require(s.user.id);
    if (!(await verifyPassword(current, u.password_hash))) throw this.fail(u);
    this.users.update(u.id, { password_hash: await hashPassword(next) }, this.iso());
  }

  regenerateRecoveryCodes(s: Session): string[] {
    return this.newRecoveryCodesFor(s.user.id);
  }

  // ---- administration --------------------------------------------------------------------------
  async createUser(input: {
    username: string;
    displayName: string;
    role: Role;
    password: string;
  }): Promise<UserRow> {
    const id = newId();
    this.users.insert(
      {
        id,
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        password_hash: await hashPassword(input.password),
        totp_secret_enc: null,
      },
      this.iso(),
    );
    return this.users.require(id);
  }

  private assertKeepsAnAdmin(
    target: UserRow,
    change: { role?: Role; disabled?: boolean; deleted?: boolean },
  ): void {
    const losesAdmin =
      target.role === 'admin' &&
      target.disabled === 0 &&
      (change.deleted || change.disabled || (change.role && change.role !== 'admin'));
    if (losesAdmin && this.users.countAdmins() <= 1) {
      throw new AppError('CONFLICT', `"${target.username}" is the last administrator.`, {
        hint: 'Make another user an administrator first.',
      });
    }
  }

  updateUser(id: string, patch: { displayName?: string; role?: Role; disabled?: boolean }): UserRow {
    const u = this.users.require(id);
    this.assertKeepsAnAdmin(u, patch);
    const fields: Partial<UserRow> = {};
    if (patch.displayName !== undefined) fields.display_name = patch.displayName;
    if (patch.role !== undefined) fields.role = patch.role;
    if (patch.disabled !== undefined) fields.disabled = patch.disabled ? 1 : 0;
    this.users.update(id, fields, this.iso());
    if (patch.disabled || patch.role) this.sessions.deleteForUser(id);
    return this.users.require(id);
  }

  async resetPassword(id: string, password: string): Promise<void> {
    this.users.require(id);
    this.users.update(id, { password_hash: await hashPassword(password) }, this.iso());
    this.sessions.deleteForUser(id);
  }

  resetMfa(id: string): void {
    this.users.require(id);
    this.users.update(id, { totp_secret_enc: null, totp_last_step: null }, this.iso());
    this.users.replaceRecoveryCodes(id, []);
    this.sessions.deleteForUser(id);
  }

  unlock(id: string): UserRow {
    this.users.require(id);
    this.users.update(id, { failed_attempts: 0, locked_until: null }, this.iso());
    return this.users.require(id);
  }

  deleteUser(id: string, by: Session): void {
    const u = this.users.require(id);
    if (u.id === by.user.id) throw new AppError('CONFLICT', 'You cannot delete your own account.');
    this.assertKeepsAnAdmin(u, { deleted: true });
    this.users.delete(id);
  }
}
