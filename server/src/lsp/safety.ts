// No handler may take the editor down. Every request handler runs inside `guard`: an exception is
// logged (with its stack) and answered with an empty result, so the client shows nothing rather
// than an error popup, and the server keeps serving. Deliberate refusals (a ResponseError, e.g. an
// invalid rename) and cancellations pass through unchanged. `guardConnection` applies the same
// wrapping to every handler another module registers on the connection, so the feature handlers
// get it without having to remember.

import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';

export interface SafetyOptions {
  log(message: string): void;
  /** Test-only: called before each request handler with its name; may throw to simulate a bug. */
  beforeRequest?(name: string): void;
}

/** Thrown (or returned) when the client cancelled the request. */
export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

/**
 * Lets the event loop run (so a `$/cancelRequest` that arrived meanwhile is seen), then throws a
 * cancellation error if the client has cancelled. Long handlers call it between files.
 */
export async function yieldAndCheck(token: CancellationToken | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  checkCancelled(token);
}

/** Throws a cancellation error when the client has cancelled the request. */
export function checkCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw cancelled();
}

/**
 * Wraps a request handler: exceptions become `fallback(params)` (default null) and a log line.
 * ResponseErrors (refusals, cancellations) are returned to the client as errors.
 */
export function guard<P, R>(
  name: string,
  safety: SafetyOptions,
  handler: (params: P, token: CancellationToken, ...rest: unknown[]) => R | Promise<R>,
  fallback: (params: P) => NoInfer<R> | null = () => null,
): (params: P, token: CancellationToken, ...rest: unknown[]) => Promise<R | null | ResponseError<void>> {
  return async (params, token, ...rest) => {
    try {
      if (token?.isCancellationRequested) return cancelled();
      safety.beforeRequest?.(name);
      return await handler(params, token, ...rest);
    } catch (err) {
      if (err instanceof ResponseError) return err as ResponseError<void>;
      safety.log(`[error] ${name} failed: ${describe(err)}`);
      return fallback(params);
    }
  };
}

/** Wraps a notification handler: exceptions are logged and swallowed. */
export function guardNotification<P>(name: string, safety: SafetyOptions, handler: (params: P) => void | Promise<void>): (params: P) => Promise<void> {
  return async (params) => {
    try {
      await handler(params);
    } catch (err) {
      safety.log(`[error] ${name} failed: ${describe(err)}`);
    }
  };
}

export function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * A view of the connection whose `on…` registration methods (including nested ones such as
 * `languages.inlayHint.on`) wrap the handlers they are given in `guard`. Resolve handlers answer
 * an exception with the item they were asked to resolve; other requests with null. Registrations
 * named in `reserved` (e.g. `onDidChangeTextDocument`, `languages.semanticTokens.on`) are refused
 * with a log line, so another module cannot replace a handler the server relies on.
 */
export function guardConnection(connection: Connection, safety: SafetyOptions, reserved: ReadonlySet<string> = new Set()): Connection {
  const proxies = new WeakMap<object, object>();
  const wrapObject = <T extends object>(target: T, prefix: string): T => {
    const known = proxies.get(target);
    if (known) return known as T;
    const proxy = new Proxy(target, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver);
        if (typeof prop !== 'string') return value;
        if (typeof value === 'function') {
          const fn = value as (...args: unknown[]) => unknown;
          if (!/^on([A-Z]|$)/.test(prop)) return fn.bind(t);
          const name = prefix + prop;
          if (reserved.has(name)) {
            // One handler per method: a second registration would silently replace the server's.
            return () => {
              safety.log(`[error] ${name} is handled by the server itself; the registration was ignored.`);
              return { dispose() {} };
            };
          }
          const isNotification = /^onDid|^onNotification$|^onExit$|^onInitialized$|^onProgress$/.test(prop);
          const isResolve = /Resolve$/.test(prop) || prop === 'resolve';
          return (...args: unknown[]) =>
            fn.apply(
              t,
              args.map((a, i) => {
                if (typeof a !== 'function') return a;
                const first = args[0] as { method?: unknown } | string | undefined;
                const method = typeof first === 'string' ? first : typeof first?.method === 'string' ? first.method : undefined;
                const label = method !== undefined ? method : `${name}#${i}`;
                const h = a as (...xs: unknown[]) => unknown;
                return isNotification
                  ? guardNotification(label, safety, (p: unknown) => h(p) as void)
                  : guard(label, safety, (p: unknown, tok: CancellationToken, ...more: unknown[]) => h(p, tok, ...more), isResolve ? (p) => p : () => null);
              }),
            );
        }
        if (value !== null && typeof value === 'object' && !(value instanceof Promise)) return wrapObject(value, `${prefix}${prop}.`);
        return value;
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  return wrapObject(connection, '');
}
