/** Who is signed in and the console's display time zone, for every screen. */
import { createContext, type ReactNode, useContext } from 'react';
import type { CallName, Me } from '../../shared/contract/index.js';
import { canCall } from '../api/client.js';

export interface Session {
  me: Me;
  timeZone: string;
  organisation: string;
  signOut: () => void;
}

const Ctx = createContext<Session | undefined>(undefined);

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Whether the signed-in role may make a call (from the contract; the server still decides). */
export function useCan(): (method: CallName) => boolean {
  const { me } = useSession();
  return (method) => canCall(me.role, method);
}

export const DEFAULT_TIME_ZONE = 'Africa/Nairobi';
