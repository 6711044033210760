/**
 * What the server is told about the user's settings.
 *
 * package.json declares every server setting under `peer.*` (generated from the server's
 * settings model by `python -m peer_lsp.commands.editor_schema --write`) and the extension's own under
 * `peer.server.*` and `peer.trace.*`. The server receives only the settings the user actually
 * set, at any level (user, workspace, folder): VS Code would otherwise report every default
 * as a value, and those defaults, at the editor's priority, would hide the project's
 * `.peer.toml`. Nothing here imports `vscode`, so it is unit-tested under plain Node.
 */

/** The settings prefix, and the `workspace/configuration` section the server asks for. */
export const SECTION = "peer";

/** Keys (after `peer.`) that belong to the extension and are never sent to the server. */
export const CLIENT_PREFIXES: readonly string[] = ["server.", "trace."];

/** The part of VS Code's `WorkspaceConfiguration.inspect` result this module reads. */
export interface Inspected {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/** `inspect` of one key of the `peer` section, e.g. `minConfidence`. */
export type Inspect = (key: string) => Inspected | undefined;

/** Whether a key of the `peer` section is the extension's own. */
export function isClientKey(key: string): boolean {
  return CLIENT_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * The server's setting keys, read from the properties package.json contributes: every
 * `peer.<key>` that is not the extension's own, in declaration order.
 */
export function serverKeys(
  configuration: unknown,
): string[] {
  const sections = Array.isArray(configuration) ? configuration : [configuration];
  const keys: string[] = [];
  for (const section of sections) {
    if (!isRecord(section) || !isRecord(section.properties)) {
      continue;
    }
    for (const name of Object.keys(section.properties)) {
      const key = name.startsWith(`${SECTION}.`) ? name.slice(SECTION.length + 1) : undefined;
      if (key !== undefined && !isClientKey(key)) {
        keys.push(key);
      }
    }
  }
  return keys;
}

/**
 * The settings the user set, keyed as the server expects (`{"minConfidence": 0.7}`): the
 * most specific level wins (folder, then workspace, then user); unset keys are left out.
 */
export function serverSettings(keys: readonly string[], inspect: Inspect): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const found = inspect(key);
    const value = found?.workspaceFolderValue ?? found?.workspaceValue ?? found?.globalValue;
    if (value !== undefined && value !== null) {
      settings[key] = value;
    }
  }
  return settings;
}

/** An item of a `workspace/configuration` request. */
export interface ConfigurationItem {
  readonly section?: string;
  readonly scopeUri?: string;
}

/**
 * The answer to `workspace/configuration`: for the `peer` section, the user's server
 * settings; for any other section, what VS Code answered (`answered`, item by item).
 */
export function configurationAnswer(
  items: readonly ConfigurationItem[],
  answered: readonly unknown[],
  settings: Record<string, unknown>,
): unknown[] {
  return items.map((item, index) => (item.section === SECTION ? settings : answered[index] ?? null));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
