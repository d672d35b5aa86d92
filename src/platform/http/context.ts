// What every request carries through the middleware chain (Hono's typed context variables).
import type { Logger } from '../log.ts';

/** The signed-in account as the web layer sees it; null for visitors. */
export interface Viewer {
  id: string;
  username: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
  isCreator: boolean;
  isAdmin: boolean;
  /** Public id of the current session (for "this device" in the sessions list). */
  sessionId: string;
}

export interface Flash {
  kind: 'success' | 'error' | 'info';
  message: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    viewer: Viewer | null;
    csrfToken: string;
    flash: Flash | null;
    clientIp: string;
  };
}
