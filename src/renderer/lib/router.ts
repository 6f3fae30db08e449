/** Hash routes ("#/backups", "#/settings/storage", "#/jobs/<id>"): work from file:// and from serve. */
import { useSyncExternalStore } from 'react';

export interface Route {
  path: string[];
  params: URLSearchParams;
}

function read(): Route {
  const raw = window.location.hash.replace(/^#\/?/, '');
  if (raw.startsWith('token=')) return { path: [], params: new URLSearchParams() };
  const [p = '', q = ''] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q) };
}

let current = read();
const listeners = new Set<() => void>();
window.addEventListener('hashchange', () => {
  current = read();
  for (const l of listeners) l();
});

export function useRoute(): Route {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => current,
  );
}

export function navigate(to: string): void {
  window.location.hash = `#/${to.replace(/^#?\/?/, '')}`;
}

export function href(to: string): string {
  return `#/${to.replace(/^#?\/?/, '')}`;
}
