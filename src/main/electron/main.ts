/**
 * Electron main: windows, tray, lifecycle, security settings (settings.ts), IPC -> host.call().
 * Electron is imported lazily so the rest of src/main runs under plain Node; the Host is built by
 * the composition root passed to runElectron().
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SessionRef } from '../host/context.js';
import type { Host } from '../host/host.js';
import {
  type AppLocation,
  handleWillNavigate,
  IPC,
  isTrustedSender,
  permissionDecision,
  responseHeaders,
  windowOpenHandler,
  windowOptions,
} from './settings.js';

export interface ElectronOptions {
  host: Host;
  /** Directory of the built renderer (dist/renderer) and the bundled preload (dist/preload.cjs). */
  rendererDir: string;
  preloadPath: string;
  devOrigin?: string;
}

export async function runElectron(opts: ElectronOptions): Promise<void> {
  const electron = await import('electron');
  const { app, BrowserWindow, ipcMain, Menu, Tray, session: electronSession } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const indexPath = join(opts.rendererDir, 'index.html');
  const loc: AppLocation = {
    indexUrl: pathToFileURL(indexPath).href,
    ...(opts.devOrigin ? { devOrigin: opts.devOrigin } : {}),
  };
  // One session per window (webContents id): the token stays in the main process.
  const sessions = new Map<number, SessionRef>();

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev, url) => {
      if (handleWillNavigate(url, loc) === 'deny') ev.preventDefault();
    });
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => windowOpenHandler());
  });

  await app.whenReady();
  const ses = electronSession.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, cb) => cb(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  ses.webRequest.onHeadersReceived((details, cb) =>
    cb({ responseHeaders: { ...details.responseHeaders, ...responseHeaders() } }),
  );

  ipcMain.handle(IPC.rpc, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, loc)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC from an untrusted frame.' } };
    }
    let ref = sessions.get(event.sender.id);
    if (!ref) {
      ref = { token: undefined };
      sessions.set(event.sender.id, ref);
    }
    return opts.host.call(ref, typeof method === 'string' ? method : '', input);
  });

  const win = new BrowserWindow(windowOptions(opts.preloadPath));
  const wcId = win.webContents.id;
  win.on('closed', () => sessions.delete(wcId));
  win.once('ready-to-show', () => win.show());
  const offEvents = opts.host.bus.onAny((event, payload) => {
    const ref = sessions.get(wcId);
    if (!win.isDestroyed() && opts.host.sessionValid(ref?.token))
      win.webContents.send(IPC.event, event, payload);
  });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('before-quit', () => offEvents());
  await (opts.devOrigin ? win.loadURL(opts.devOrigin) : win.loadFile(indexPath));

  // Tray: per-plan status, refreshed when the dashboard changes.
  const tray = new Tray(join(opts.rendererDir, 'tray.png'));
  const refreshTray = async () => {
    const plans = (await opts.host.services.ports.plans?.list().catch(() => [])) ?? [];
    const items = plans.map((p) => ({ label: `${p.name}: ${p.status.health}`, enabled: false }));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        ...(items.length ? items : [{ label: 'No plans', enabled: false }]),
        { type: 'separator' },
        { label: 'Open console', click: () => win.show() },
        { label: 'Quit', click: () => app.quit() },
      ]),
    );
    const bad = plans.filter((p) => p.status.health === 'failed' || p.status.health === 'overdue').length;
    tray.setToolTip(bad ? `Mvono Backup: ${bad} plan(s) need attention` : 'Mvono Backup: all plans OK');
  };
  opts.host.bus.on('dashboard.invalidate', () => void refreshTray());
  opts.host.bus.on('job.state', () => void refreshTray());
  await refreshTray();
}
