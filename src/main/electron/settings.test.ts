import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CSP,
  handleWillNavigate,
  isTrustedSender,
  permissionDecision,
  responseHeaders,
  SINGLE_INSTANCE,
  webPreferences,
  windowOpenHandler,
  windowOptions,
} from './settings.js';

const prod = { indexUrl: 'file:///opt/Mvono/resources/app.asar/dist/renderer/index.html' };
const dev = { ...prod, devOrigin: 'http://localhost:5173' };

describe('electron security settings', () => {
  it('webPreferences follow the security checklist', () => {
    const w = webPreferences('/app/preload.cjs');
    assert.equal(w.contextIsolation, true);
    assert.equal(w.sandbox, true);
    assert.equal(w.nodeIntegration, false);
    assert.equal(w.nodeIntegrationInWorker, false);
    assert.equal(w.nodeIntegrationInSubFrames, false);
    assert.equal(w.webSecurity, true);
    assert.equal(w.allowRunningInsecureContent, false);
    assert.equal(w.webviewTag, false);
    assert.equal(w.experimentalFeatures, false);
    assert.equal(w.preload, '/app/preload.cjs');
    assert.deepEqual(windowOptions('/p').webPreferences, webPreferences('/p'));
  });

  it('CSP allows only self, no frames, no objects', () => {
    assert.match(CSP, /default-src 'self'/);
    assert.match(CSP, /frame-ancestors 'none'/);
    assert.match(CSP, /object-src 'none'/);
    assert.doesNotMatch(CSP, /unsafe-inline|unsafe-eval|\*/);
    assert.deepEqual(responseHeaders()['Content-Security-Policy'], [CSP]);
  });

  it('navigation is denied except to the app itself', () => {
    assert.equal(handleWillNavigate(prod.indexUrl, prod), 'allow');
    assert.equal(handleWillNavigate(`${prod.indexUrl}#/plans`, prod), 'allow');
    assert.equal(handleWillNavigate('https://evil.example/', prod), 'deny');
    assert.equal(handleWillNavigate('file:///etc/passwd', prod), 'deny');
    assert.equal(handleWillNavigate('http://localhost:5173/', prod), 'deny', 'no dev origin in production');
    assert.equal(handleWillNavigate('http://localhost:5173/x', dev), 'allow');
    assert.equal(handleWillNavigate('http://localhost:5174/', dev), 'deny');
    assert.equal(handleWillNavigate('not a url', dev), 'deny');
  });

  it('new windows and permission requests are denied', () => {
    assert.deepEqual(windowOpenHandler(), { action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
      assert.equal(permissionDecision(p), false);
  });

  it('IPC senders must be the app frame', () => {
    assert.equal(isTrustedSender(prod.indexUrl, prod), true);
    assert.equal(isTrustedSender(undefined, prod), false);
    assert.equal(isTrustedSender('https://evil.example/', prod), false);
    assert.equal(isTrustedSender('file:///tmp/evil.html', prod), false);
    assert.equal(isTrustedSender('http://localhost:5173/', dev), true);
  });

  it('runs as a single instance', () => {
    assert.equal(SINGLE_INSTANCE, true);
  });
});
