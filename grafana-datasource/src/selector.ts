// Small helpers for Talus selectors: {name="value", ...} followed by optional
// line filters. They only touch equality matchers, which is what Grafana's
// "filter for / filter out value" and log context need; the server parses
// the full syntax.

/** Quotes a selector string value. */
export function quoteValue(v: string): string {
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** Builds {k="v", ...} from labels, keys sorted, so the same resource gives the same selector. */
export function selectorFromLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return '{' + keys.map((k) => `${k}=${quoteValue(String(labels[k]))}`).join(', ') + '}';
}

/** Splits a query into its selector body (inside the braces) and the rest. */
function split(query: string): { matchers: string[]; rest: string } {
  const q = query.trim();
  if (!q.startsWith('{')) {
    return { matchers: [], rest: q };
  }
  let inString = false;
  for (let i = 1; i < q.length; i++) {
    const c = q[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '}') {
      const body = q.slice(1, i);
      return { matchers: splitMatchers(body), rest: q.slice(i + 1).trim() };
    }
  }
  return { matchers: [], rest: q };
}

function splitMatchers(body: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      cur += c;
      if (c === '\\' && i + 1 < body.length) {
        cur += body[++i];
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      cur += c;
    } else if (c === ',') {
      if (cur.trim()) {
        out.push(cur.trim());
      }
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim()) {
    out.push(cur.trim());
  }
  return out;
}

function join(matchers: string[], rest: string): string {
  const sel = '{' + matchers.join(', ') + '}';
  return rest ? `${sel} ${rest}` : sel;
}

function matcher(key: string, op: '=' | '!=', value: string): string {
  return `${key}${op}${quoteValue(value)}`;
}

/** Reports whether the query's selector holds key op "value". */
export function hasMatcher(query: string, key: string, op: '=' | '!=', value: string): boolean {
  const want = matcher(key, op, value).replace(/\s+/g, '');
  return split(query).matchers.some((m) => m.replace(/\s+/g, '') === want);
}

/**
 * Toggles key op "value" in the selector: removes it when present, else adds
 * it and removes the opposite matcher for the same pair.
 */
export function toggleMatcher(query: string, key: string, op: '=' | '!=', value: string): string {
  const { matchers, rest } = split(query || '');
  const norm = (s: string) => s.replace(/\s+/g, '');
  const want = matcher(key, op, value);
  const opposite = matcher(key, op === '=' ? '!=' : '=', value);
  if (matchers.some((m) => norm(m) === norm(want))) {
    return join(
      matchers.filter((m) => norm(m) !== norm(want)),
      rest
    );
  }
  return join([...matchers.filter((m) => norm(m) !== norm(opposite)), want], rest);
}

/** A short stable id (FNV-1a, hex) of a string, for live channel paths. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
