/**
 * For the composition root (CLI, serve, Electron main): a `kms` KekProvider over the real AWS SDK.
 * repo/ and engine/ must not import this file (it pulls in the SDK); they take a KekProvider.
 */
import { type Clock, systemClock } from '../../platform/clock.js';
import { AwsKms, type AwsKmsOptions } from './aws-kms.js';
import { KmsKekProvider } from './slot.js';

export interface AwsKmsKekProviderOptions extends AwsKmsOptions {
  /** The current KMS key: key id, key ARN, alias name or alias ARN. */
  keyId: string;
  clock?: Clock;
}

export function awsKmsKekProvider(opts: AwsKmsKekProviderOptions): KmsKekProvider {
  const { keyId, clock, ...sdk } = opts;
  return new KmsKekProvider({
    keyId,
    kms: new AwsKms(sdk),
    // Slots made in another region reach that region's public endpoint; a custom endpoint (VPC, test)
    // belongs to one region, so with one configured, other regions are not guessed.
    ...(sdk.endpoint === undefined ? { connect: (region: string) => new AwsKms({ ...sdk, region }) } : {}),
    clock: clock ?? systemClock,
  });
}
