import type { ConfigIssue } from './issues.js';
import { formatPath } from './issues.js';

/** Config keys whose value is a secret, with the `*File` alternative the error message should suggest. */
const SECRET_ALTERNATIVE: Readonly<Record<string, string>> = {
  'target.token': 'target.tokenFile',
  'source.bindPassword': 'source.bindPasswordFile',
};

// `$${` is the escape for a literal `${`; `${NAME}` is a reference. Anything else with `$` is left alone.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${VAR}` in every string value of a parsed YAML tree (keys are left alone), before validation, so
 * that a substituted value is validated like a written one. Problems are collected, not thrown, so the user
 * sees all of them at once. Returns a new tree; the input is not modified.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: readonly (string | number)[] = []): unknown {
  if (typeof value === 'string') return substituteString(value, env, issues, path);
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, issues, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, issues, [...path, k]);
    return out;
  }
  return value;
}

function substituteString(s: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: readonly (string | number)[]): string {
  if (!s.includes('$')) return s;
  const where = formatPath(path);
  return s.replace(REFERENCE, (match: string, name: string | undefined) => {
    if (name === undefined) return '${'; // the `$${` escape
    if (!NAME.test(name)) {
      issues.push({
        path: where,
        message: `"${match}" is not a valid variable reference — use \${NAME} with letters, digits and _, or $\${ for a literal \${`,
      });
      return match;
    }
    const v = env[name];
    if (v === undefined) {
      const alt = SECRET_ALTERNATIVE[where];
      issues.push({
        path: where,
        message: `environment variable ${name} is not set — export it${alt ? ` or use ${alt}` : ' or write the value into the config'}`,
      });
      return '';
    }
    return v;
  });
}
