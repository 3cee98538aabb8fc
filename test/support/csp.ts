/** A Content-Security-Policy header as directive → sources (directive names lower-cased). */
export function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The sources that govern `directive` (CSP fallback: its own, else default-src). */
export function sourcesFor(csp: Map<string, string[]>, directive: string): string[] {
  return csp.get(directive) ?? csp.get("default-src") ?? [];
}
