import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../platform/errors.js';
import { KmsError, mapKmsError, redact } from './errors.js';

const site = {
  operation: 'Decrypt' as const,
  keyId: 'arn:aws:kms:eu-west-1:111122223333:key/k-1',
  region: 'eu-west-1',
};
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD';

/** Shapes like the SDK's ServiceException. */
function sdkError(name: string, status: number, fault: 'client' | 'server', message = ''): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, attempts: 1 },
  });
}

describe('mapKmsError', () => {
  const table: [awsName: string, status: number, fault: 'client' | 'server', code: string][] = [
    ['AccessDeniedException', 400, 'client', 'PERMISSION_DENIED'],
    ['UnrecognizedClientException', 400, 'client', 'PERMISSION_DENIED'],
    ['InvalidSignatureException', 400, 'client', 'PERMISSION_DENIED'],
    ['ExpiredTokenException', 400, 'client', 'PERMISSION_DENIED'],
    ['NotFoundException', 400, 'client', 'CONFIG'],
    ['DisabledException', 400, 'client', 'CONFIG'],
    ['KMSInvalidStateException', 400, 'client', 'CONFIG'],
    ['InvalidCiphertextException', 400, 'client', 'INTEGRITY'],
    ['IncorrectKeyException', 400, 'client', 'WRONG_KEY'],
    ['KMSInternalException', 500, 'server', 'KMS_UNAVAILABLE'],
    ['DependencyTimeoutException', 503, 'server', 'KMS_UNAVAILABLE'],
    ['ThrottlingException', 400, 'client', 'KMS_UNAVAILABLE'],
    ['SomethingNewException', 502, 'server', 'KMS_UNAVAILABLE'],
    ['SomethingNewException', 400, 'client', 'CONFIG'],
  ];
  for (const [name, status, fault, code] of table) {
    test(`${name} (${status}) -> ${code}`, () => {
      const e = mapKmsError(sdkError(name, status, fault), site);
      assert.ok(e instanceof KmsError);
      assert.equal(e.code, code);
      assert.equal(e.retryable, code === 'KMS_UNAVAILABLE');
      if (code === 'KMS_UNAVAILABLE') assert.match(e.hint ?? '', /recovery key/);
    });
  }

  test('NotFound names the key and region exactly', () => {
    const e = mapKmsError(sdkError('NotFoundException', 400, 'client'), site);
    assert.equal(e.message, `KMS key ${site.keyId} not found in region eu-west-1.`);
  });

  test('AWS detail is kept for access denied, with credentials redacted', () => {
    const msg = `User: arn:aws:iam::1:user/b (AKIAIOSFODNN7EXAMPLE, ${SECRET}, token ${TOKEN}) is not authorized`;
    const e = mapKmsError(sdkError('AccessDeniedException', 400, 'client', msg), site);
    const shown = JSON.stringify(e);
    for (const s of ['AKIAIOSFODNN7EXAMPLE', SECRET, TOKEN]) assert.ok(!shown.includes(s), s);
    assert.match(e.hint ?? '', /is not authorized/);
    assert.match(e.hint ?? '', /kms:Decrypt/);
    assert.match(mapKmsError(sdkError('ExpiredTokenException', 400, 'client'), site).hint ?? '', /expired/);
  });

  test('missing credentials in the default chain -> PERMISSION_DENIED', () => {
    const e = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    assert.equal(mapKmsError(e, site).code, 'PERMISSION_DENIED');
  });

  test('socket errors -> KMS_UNAVAILABLE naming the error code', () => {
    for (const c of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT']) {
      const e = mapKmsError(Object.assign(new Error(`connect ${c}`), { code: c }), site);
      assert.equal(e.code, 'KMS_UNAVAILABLE');
      assert.match(e.message, new RegExp(`\\(${c}\\)`));
    }
  });

  test('abort -> CANCELLED; bugs -> INTERNAL; AppErrors pass through', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(mapKmsError(abort, site).code, 'CANCELLED');
    assert.equal(mapKmsError(new TypeError('x is undefined'), site).code, 'INTERNAL');
    const own = new AppError('CONFIG', 'mine');
    assert.equal(mapKmsError(own, site), own);
  });

  test('redact leaves ARNs and key ids readable', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    assert.equal(redact(`on resource ${arn}`), `on resource ${arn}`);
  });
});
