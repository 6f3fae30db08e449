/**
 * A tiny promise bridge between callWithStepUp (outside React) and the StepUpDialog (inside it):
 * the dialog registers itself; a call waiting for a TOTP code awaits the promise.
 */
type Asker = (reason: string) => Promise<string>;
let asker: Asker | undefined;

export function registerStepUpAsker(fn: Asker | undefined): void {
  asker = fn;
}

export function requestStepUp(reason: string): Promise<string> {
  if (!asker)
    return Promise.reject(new Error('A fresh authenticator code is needed, but no prompt is available.'));
  return asker(reason);
}
