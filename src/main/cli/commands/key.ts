/** key list | add | remove */

import { readFileSync } from 'node:fs';
import { slotRotationStatus } from '../../crypto/kms/rotation.js';
import { KeychainKekProvider } from '../../crypto/slots/keychain.js';
import { PassphraseKekProvider } from '../../crypto/slots/passphrase.js';
import type { KekProvider } from '../../crypto/slots/port.js';
import { RecoveryKekProvider } from '../../crypto/slots/recovery.js';
import { systemClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { OsKeychain } from '../../platform/keychain.js';

import { createSlot, listSlots, removeSlot } from '../../repo/keyslots.js';
import type { Command } from '../command.js';
import { str } from '../command.js';
import { emit, openRepo } from '../context.js';

export const keyCmd: Command = {
  name: 'key',
  summary: 'manage key slots: list, add, remove, rotate',
  usage:
    'key list | key add --keychain | key add --new-password-file F | key add --recovery | key add --kms-key ID --kms-region R | key remove <slot-id> | key rotate',
  options: {
    keychain: { type: 'boolean' },
    recovery: { type: 'boolean' },
    'new-password-file': { type: 'string' },
    'kms-key': { type: 'string' },
    'kms-region': { type: 'string' },
    'kms-endpoint': { type: 'string' },
  },
  async run(ctx, args, v) {
    const [sub, arg] = args;
    const repo = await openRepo(ctx, { loadIndex: false });
    if (sub === 'list' || sub === undefined) {
      const slots = await listSlots(repo.storage, ctx.signal);
      const rotation = (s: Pick<(typeof slots)[number], 'type' | 'createdAt' | 'params'>) =>
        s.type === 'kms' ? slotRotationStatus(s, systemClock) : undefined;
      emit(
        ctx,
        slots.map(({ wrapped: _w, ...s }) => ({ ...s, ...(rotation(s) ? { rotation: rotation(s) } : {}) })),
        () =>
          slots
            .map((s) => {
              const r = rotation(s);
              const status = r
                ? `\n    ${r.state === 'ok' ? '' : `${r.state.toUpperCase()}: `}${r.message}`
                : '';
              return `${s.id}  ${s.type.padEnd(10)} created ${s.createdAt}${s.id === repo.unlockedWith?.id ? '  (in use)' : ''}${status}`;
            })
            .join('\n'),
      );
      return 0;
    }
    if (sub === 'add') {
      let p: KekProvider;
      if (v.keychain === true) p = new KeychainKekProvider(new OsKeychain());
      else if (v.recovery === true) p = new RecoveryKekProvider();
      else if (str(v, 'new-password-file'))
        p = new PassphraseKekProvider(
          readFileSync(str(v, 'new-password-file')!, 'utf8').replace(/\r?\n$/, ''),
        );
      else if (str(v, 'kms-key'))
        p = await (await import('./kms.js')).kmsProviderFromOptions(v, (m) => ctx.progress.log('warn', m));
      else
        throw new AppError(
          'INVALID_INPUT',
          'key add needs one of --keychain, --recovery, --new-password-file F, --kms-key ID.',
        );
      const { record, revealOnce } = await createSlot(repo.storage, repo.id, repo.keys.master, p, repo.clock);
      emit(
        ctx,
        { id: record.id, type: record.type, ...(revealOnce ? { recoveryKey: revealOnce } : {}) },
        () =>
          `Added ${record.type} key slot ${record.id}.${revealOnce ? `\nRECOVERY KEY (shown once): ${revealOnce}` : ''}`,
      );
      return 0;
    }
    if (sub === 'remove') {
      const slots = await listSlots(repo.storage, ctx.signal);
      const slot = slots.find((s) => s.id === arg);
      if (!slot)
        throw new AppError('NOT_FOUND', `No key slot ${arg ?? '(none given)'}.`, { hint: 'See `key list`.' });
      if (slots.length === 1)
        throw new AppError(
          'CONFLICT',
          'This is the last key slot; removing it would make the repository unreadable.',
        );
      await removeSlot(repo.storage, slot.id);
      emit(ctx, { removed: slot.id }, () => `Removed key slot ${slot.id} (${slot.type}).`);
      return 0;
    }
    if (sub === 'rotate') {
      const { rotateKmsSlots } = await import('./kms.js');
      return rotateKmsSlots(ctx, repo, v);
    }
    throw new AppError('INVALID_INPUT', `Unknown key subcommand "${sub}".`, {
      hint: 'Use list, add, remove or rotate.',
    });
  },
};
