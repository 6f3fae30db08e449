/**
 * The Electron shell's security settings as pure data and functions (unit-tested without Electron):
 * Electron's security checklist — context isolation, sandbox, no Node in the renderer, CSP,
 * navigation and new windows denied, permission requests denied, every IPC sender validated.
 * Imports Electron only as types.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export const APP_ID = 'com.mvonoconsultants.backupconsole';
export const DEV_ORIGIN = 'http://localhost:5173';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function webPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: 'Mvono Backup Console',
    show: false,
    backgroundColor: '#0f172a',
    webPreferences: webPreferences(preloadPath),
  };
}

/** Where the renderer is loaded from: the packaged file:// index, or the dev server in development. */
export interface AppLocation {
  /** file:///…/dist/renderer/index.html in production. */
  indexUrl: string;
  /** http://localhost:5173 when developing, else undefined. */
  devOrigin?: string;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** True when `url` is the app itself: the packaged index file, or the dev server's origin. */
export function isAppUrl(url: string, app: AppLocation): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'file:') {
    const idx = parse(app.indexUrl);
    return idx !== undefined && idx.protocol === 'file:' && u.pathname === idx.pathname;
  }
  return app.devOrigin !== undefined && u.origin === new URL(app.devOrigin).origin;
}

/** will-navigate: deny everything that is not the app (in-app routing uses the hash/history API). */
export function handleWillNavigate(url: string, app: AppLocation): 'allow' | 'deny' {
  return isAppUrl(url, app) ? 'allow' : 'deny';
}

/** setWindowOpenHandler: never open new windows (external links are opened by the OS, if at all). */
export function windowOpenHandler(): { action: 'deny' } {
  return { action: 'deny' };
}

/** setPermissionRequestHandler / setPermissionCheckHandler: deny camera, mic, notifications, etc. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

/** The frame of an IPC message must be the app's main frame URL (file:// index or dev origin). */
export function isTrustedSender(frameUrl: string | undefined, app: AppLocation): boolean {
  return frameUrl !== undefined && isAppUrl(frameUrl, app);
}

/** Headers added to every response the renderer's session receives. */
export function responseHeaders(): Record<string, string[]> {
  return {
    'Content-Security-Policy': [CSP],
    'X-Content-Type-Options': ['nosniff'],
    'Referrer-Policy': ['no-referrer'],
  };
}

/** A second launch focuses the first window instead of opening a second console. */
export const SINGLE_INSTANCE = true;

/** IPC channel names (one invoke channel, one event channel). */
export const IPC = { rpc: 'mvono:rpc', event: 'mvono:event' } as const;
