// Which graph F5 debugs when there is no launch.json: the one declared at or above the cursor
// (else the file's first). Text-only and free of the editor API, so it is tested directly.

/** The graph declared at or above the cursor (else the first one) in a spec's text. */
export function graphAt(text: string, line: number): string | undefined {
  let found: string | undefined;
  let first: string | undefined;
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^\s*graph\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(l);
    if (!m) return;
    first ??= m[1];
    if (i <= line) found = m[1];
  });
  return found ?? first;
}
