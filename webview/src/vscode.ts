/// <reference lib="dom" />
// The webview side of the VS Code API, typed with the messages of protocol.ts. Outside VS Code (a
// plain browser page without a harness) messages are dropped and state is kept in memory, so the
// view still renders what it is sent.

import type { FromWebview, WebviewState } from './protocol.ts';

export interface HostApi {
  postMessage(message: FromWebview): void;
  getState(): Partial<WebviewState> | undefined;
  setState(state: WebviewState): void;
}

interface RawApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: () => RawApi;
  }
}

export function hostApi(): HostApi {
  let raw: RawApi | undefined;
  try {
    raw = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
  } catch {
    raw = undefined;
  }
  let memory: WebviewState | undefined;
  return {
    postMessage: (m) => raw?.postMessage(m),
    getState: () => {
      const s = raw ? raw.getState() : memory;
      return s && typeof s === 'object' ? (s as Partial<WebviewState>) : undefined;
    },
    setState: (s) => {
      memory = s;
      raw?.setState(s);
    },
  };
}
