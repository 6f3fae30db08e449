/**
 * TEST DOUBLE for AWS KMS. Not AWS KMS, and not a product component.
 *
 * No KMS server is installable on the build machines (no moto/localstack), so this small HTTP server
 * speaks the part of KMS's JSON 1.1 protocol the product uses, to the REAL @aws-sdk/client-kms:
 * `POST /`, `X-Amz-Target: TrentService.<Op>`, `Content-Type: application/x-amz-json-1.1`, base64
 * blobs, epoch-second dates, errors as HTTP 400 `{"__type":"NotFoundException","message":...}`.
 * Operations: CreateKey, DescribeKey, GenerateDataKey, Decrypt, ReEncrypt, EnableKeyRotation,
 * GetKeyRotationStatus.
 *
 * What it does like KMS: keys are regional (the region is read from the SigV4 credential scope, so a
 * client in another region gets NotFoundException); ciphertext is really AES-256-GCM under per-key
 * material with the EncryptionContext as associated data, so Decrypt/ReEncrypt with a context that is
 * not exactly the same fail with InvalidCiphertextException; old key material keeps decrypting after
 * rotation and new ciphertext uses the newest material; disabled keys answer DisabledException.
 * What it does NOT do: it does NOT verify SigV4 signatures cryptographically (it only requires an
 * Authorization header with a well-formed AWS4-HMAC-SHA256 credential scope); no IAM, key policies,
 * grants, aliases beyond a test control, or real key material protection. Its blob format is its own.
 *
 * Test controls: revokeCredentials() (-> AccessDeniedException, whose message deliberately contains the
 * caller's access key id so tests can prove the product redacts it), setAuthFailure(),
 * disableKey()/enableKey(), rotateKeyMaterial(), goDown('reset' | '503' | 'refuse') / comeUp(),
 * blobInfo(), requests (a log of operations served).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../../src/main/platform/clock.js';

const ACCOUNT = '111122223333';
const DAY_MS = 86_400_000;
const MAGIC = Buffer.from('MVTD');

type Json = Record<string, unknown>;

interface Key {
  id: string;
  arn: string;
  region: string;
  description: string;
  enabled: boolean;
  created: Date;
  materials: Buffer[];
  rotation: { periodDays: number; nextRotation: Date } | undefined;
}

class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type DownMode = 'reset' | '503' | 'refuse';

export interface KmsTestServerOptions {
  clock?: Clock;
}

export class KmsTestServer {
  /** Operations that passed the protocol and auth checks. */
  readonly requests: { op: string; accessKeyId: string; region: string }[] = [];
  /** Every HTTP request that reached the server (including those answered 503 or reset). */
  httpRequests = 0;
  private readonly keys = new Map<string, Key>();
  private readonly aliases = new Map<string, string>();
  private authFailure: string | undefined;
  private down: DownMode | undefined;
  private port = 0;
  private readonly clock: Clock;
  private server: Server;

  private constructor(opts: KmsTestServerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.server = this.makeServer();
  }

  static async start(opts: KmsTestServerOptions = {}): Promise<KmsTestServer> {
    const s = new KmsTestServer(opts);
    await s.listen(0);
    return s;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Test control: makes a key without going through the SDK. */
  createKey(region: string, description = ''): { keyId: string; arn: string } {
    const id = randomUUID();
    const arn = `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
    const key: Key = {
      id,
      arn,
      region,
      description,
      enabled: true,
      created: this.clock.now(),
      materials: [randomBytes(32)],
      rotation: undefined,
    };
    this.keys.set(id, key);
    return { keyId: id, arn };
  }
  alias(name: string, keyId: string): void {
    this.aliases.set(name, keyId);
  }
  revokeCredentials(): void {
    this.authFailure = 'AccessDeniedException';
  }
  setAuthFailure(type: string | undefined): void {
    this.authFailure = type;
  }
  disableKey(keyId: string): void {
    this.must(keyId).enabled = false;
  }
  enableKey(keyId: string): void {
    this.must(keyId).enabled = true;
  }
  /** What KMS does on (automatic) rotation: new material for new ciphertext; old material kept. */
  rotateKeyMaterial(keyId: string): void {
    this.must(keyId).materials.push(randomBytes(32));
  }
  /** Which key and material version a ciphertext blob was made with. */
  blobInfo(blob: Uint8Array | string): { keyId: string; materialVersion: number } {
    const b = parse(typeof blob === 'string' ? Buffer.from(blob, 'base64') : Buffer.from(blob));
    return { keyId: b.keyId, materialVersion: b.version };
  }
  async goDown(mode: DownMode): Promise<void> {
    this.down = mode;
    if (mode === 'refuse') await this.stopListening();
  }
  async comeUp(): Promise<void> {
    if (this.down === 'refuse') {
      this.server = this.makeServer();
      await this.listen(this.port);
    }
    this.down = undefined;
  }
  async close(): Promise<void> {
    if (this.down !== 'refuse') await this.stopListening();
  }

  private makeServer(): Server {
    return createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        const f = e instanceof KmsFault ? e : new KmsFault('KMSInternalException', String(e), 500);
        reply(res, f.status, { __type: f.type, message: f.message });
      });
    });
  }
  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
  private stopListening(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.httpRequests += 1;
    const body = await readBody(req);
    if (this.down === 'reset') {
      req.socket.destroy();
      return;
    }
    if (this.down === '503') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith('TrentService.')) {
      throw new KmsFault('UnknownOperationException', `Unknown operation ${target}`);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
      throw new KmsFault('SerializationException', 'Expected application/x-amz-json-1.1');
    }
    // Presence and shape only: the signature itself is NOT verified (this is a test double).
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/kms\/aws4_request,/.exec(auth);
    if (m === null || m[1] === undefined || m[2] === undefined) {
      throw new KmsFault('MissingAuthenticationTokenException', 'Missing or malformed Authorization header');
    }
    const [accessKeyId, region] = [m[1], m[2]];
    const op = target.slice('TrentService.'.length);
    this.requests.push({ op, accessKeyId, region });
    let input: Json;
    try {
      input = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8')) as Json;
    } catch {
      throw new KmsFault('SerializationException', 'Request body is not JSON');
    }
    if (this.authFailure !== undefined) {
      throw new KmsFault(
        this.authFailure,
        `User: arn:aws:iam::${ACCOUNT}:user/mvono-backup (access key ${accessKeyId}) is not authorized to ` +
          `perform: kms:${op} on resource: ${String(input.KeyId ?? input.DestinationKeyId ?? '*')}`,
      );
    }
    reply(res, 200, this.dispatch(op, input, region));
  }

  private dispatch(op: string, input: Json, region: string): Json {
    switch (op) {
      case 'CreateKey': {
        const { keyId } = this.createKey(
          region,
          typeof input.Description === 'string' ? input.Description : '',
        );
        return { KeyMetadata: this.metadata(this.must(keyId)) };
      }
      case 'DescribeKey':
        return { KeyMetadata: this.metadata(this.resolve(input.KeyId, region)) };
      case 'GenerateDataKey': {
        const key = this.usable(this.resolve(input.KeyId, region));
        const n = input.KeySpec === 'AES_256' ? 32 : input.KeySpec === 'AES_128' ? 16 : input.NumberOfBytes;
        if (
          typeof n !== 'number' ||
          n < 1 ||
          n > 1024 ||
          (input.KeySpec !== undefined && input.NumberOfBytes)
        ) {
          throw new KmsFault('ValidationException', 'Specify exactly one of KeySpec or NumberOfBytes');
        }
        const plaintext = randomBytes(n);
        const blob = seal(key, plaintext, context(input.EncryptionContext));
        return { KeyId: key.arn, Plaintext: b64(plaintext), CiphertextBlob: b64(blob) };
      }
      case 'Decrypt': {
        const { key, plaintext } = this.open(
          input.CiphertextBlob,
          input.EncryptionContext,
          input.KeyId,
          region,
        );
        return { KeyId: key.arn, Plaintext: b64(plaintext), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      }
      case 'ReEncrypt': {
        const src = this.open(input.CiphertextBlob, input.SourceEncryptionContext, input.SourceKeyId, region);
        const dest = this.usable(this.resolve(input.DestinationKeyId, region));
        const blob = seal(dest, src.plaintext, context(input.DestinationEncryptionContext));
        return {
          CiphertextBlob: b64(blob),
          SourceKeyId: src.key.arn,
          KeyId: dest.arn,
          SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        };
      }
      case 'EnableKeyRotation': {
        const key = this.resolve(input.KeyId, region);
        if (!key.enabled) throw new KmsFault('KMSInvalidStateException', `${key.arn} is disabled.`);
        const days = input.RotationPeriodInDays ?? 365;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 90 || days > 2560) {
          throw new KmsFault('ValidationException', 'RotationPeriodInDays must be between 90 and 2560');
        }
        key.rotation = {
          periodDays: days,
          nextRotation: new Date(this.clock.now().getTime() + days * DAY_MS),
        };
        return {};
      }
      case 'GetKeyRotationStatus': {
        const key = this.resolve(input.KeyId, region);
        if (key.rotation === undefined) return { KeyId: key.arn, KeyRotationEnabled: false };
        return {
          KeyId: key.arn,
          KeyRotationEnabled: true,
          RotationPeriodInDays: key.rotation.periodDays,
          NextRotationDate: key.rotation.nextRotation.getTime() / 1000,
        };
      }
      default:
        throw new KmsFault(
          'UnknownOperationException',
          `TrentService.${op} is not implemented by the test double`,
        );
    }
  }

  private open(
    blobB64: unknown,
    ctx: unknown,
    keyId: unknown,
    region: string,
  ): { key: Key; plaintext: Buffer } {
    if (typeof blobB64 !== 'string') throw new KmsFault('ValidationException', 'CiphertextBlob is required');
    let b: ReturnType<typeof parse>;
    try {
      b = parse(Buffer.from(blobB64, 'base64'));
    } catch {
      throw new KmsFault('InvalidCiphertextException', '');
    }
    const key = this.keys.get(b.keyId);
    if (key === undefined || key.region !== region) throw new KmsFault('InvalidCiphertextException', '');
    if (keyId !== undefined && this.resolve(keyId, region).id !== key.id) {
      throw new KmsFault(
        'IncorrectKeyException',
        'The key ID in the request does not identify the key used.',
      );
    }
    this.usable(key);
    const material = key.materials[b.version];
    if (material === undefined) throw new KmsFault('InvalidCiphertextException', '');
    try {
      const d = createDecipheriv('aes-256-gcm', material, b.iv);
      d.setAAD(aad(key.id, context(ctx)));
      d.setAuthTag(b.tag);
      return { key, plaintext: Buffer.concat([d.update(b.ct), d.final()]) };
    } catch {
      // Real KMS answers a wrong EncryptionContext the same way: no detail.
      throw new KmsFault('InvalidCiphertextException', '');
    }
  }

  private resolve(ref: unknown, region: string): Key {
    if (typeof ref !== 'string' || ref === '') throw new KmsFault('ValidationException', 'KeyId is required');
    let id = ref;
    const arn = /^arn:aws:kms:([^:]+):\d{12}:(key\/.+|alias\/.+)$/.exec(ref);
    if (arn !== null) {
      if (arn[1] !== region) throw new KmsFault('NotFoundException', `Key '${ref}' does not exist`);
      id = arn[2] ?? '';
    }
    if (id.startsWith('key/')) id = id.slice(4);
    if (id.startsWith('alias/')) id = this.aliases.get(id) ?? '';
    const key = this.keys.get(id);
    if (key === undefined || key.region !== region) {
      throw new KmsFault('NotFoundException', `Key '${ref}' does not exist`);
    }
    return key;
  }
  private must(keyId: string): Key {
    const key = this.keys.get(keyId) ?? [...this.keys.values()].find((k) => k.arn === keyId);
    if (key === undefined) throw new Error(`kms-server: no key ${keyId}`);
    return key;
  }
  private usable(key: Key): Key {
    if (!key.enabled) throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    return key;
  }
  private metadata(k: Key): Json {
    return {
      AWSAccountId: ACCOUNT,
      KeyId: k.id,
      Arn: k.arn,
      CreationDate: k.created.getTime() / 1000,
      Enabled: k.enabled,
      Description: k.description,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: k.enabled ? 'Enabled' : 'Disabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    };
  }
}

function context(v: unknown): [string, string][] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object') throw new KmsFault('ValidationException', 'EncryptionContext must be a map');
  return Object.entries(v as Json)
    .map(([k, val]): [string, string] => [k, String(val)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function aad(keyId: string, ctx: [string, string][]): Buffer {
  return Buffer.from(JSON.stringify([keyId, ctx]), 'utf8');
}

// Blob: MAGIC | keyId length (1) | keyId | material version (1) | iv (12) | tag (16) | ciphertext
function seal(key: Key, plaintext: Buffer, ctx: [string, string][]): Buffer {
  const version = key.materials.length - 1;
  const material = key.materials[version] as Buffer;
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', material, iv);
  c.setAAD(aad(key.id, ctx));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  const id = Buffer.from(key.id, 'utf8');
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, Buffer.from([version]), iv, c.getAuthTag(), ct]);
}

function parse(b: Buffer): { keyId: string; version: number; iv: Buffer; tag: Buffer; ct: Buffer } {
  if (b.length < 6 || !b.subarray(0, 4).equals(MAGIC)) throw new Error('not a test-double blob');
  const n = b[4] as number;
  const keyId = b.subarray(5, 5 + n).toString('utf8');
  let o = 5 + n;
  const version = b[o] as number;
  o += 1;
  const iv = b.subarray(o, o + 12);
  const tag = b.subarray(o + 12, o + 28);
  const ct = b.subarray(o + 28);
  if (tag.length !== 16) throw new Error('short blob');
  return { keyId, version, iv, tag, ct };
}

const b64 = (b: Buffer): string => b.toString('base64');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: Json): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomUUID(),
  });
  res.end(JSON.stringify(body));
}
