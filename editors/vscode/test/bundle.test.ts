/**
 * The bundle esbuild made loads outside VS Code (with a stand-in for the `vscode` module) and
 * exports the extension's entry points: a missing dependency or a bad import shape in
 * dist/extension.js fails here, not in the user's editor.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";

/** An object that answers any property access or call with another such object. */
function standIn(name: string): unknown {
  const target = function () {
    return undefined;
  };
  return new Proxy(target, {
    get(_, property) {
      return property === "then" ? undefined : standIn(`${name}.${String(property)}`);
    },
    apply() {
      return standIn(`${name}()`);
    },
    construct() {
      return standIn(`new ${name}`) as object;
    },
  });
}

interface Resolver {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

describe("dist/extension.js", () => {
  it("loads and exports activate and deactivate", () => {
    const bundle = path.join(__dirname, "..", "..", "dist", "extension.js");
    assert.ok(existsSync(bundle), "build the bundle first: npm run bundle");
    const resolver = Module as unknown as Resolver;
    const resolve = resolver._resolveFilename.bind(resolver);
    resolver._resolveFilename = (request, ...rest) => (request === "vscode" ? "vscode" : resolve(request, ...rest));
    const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
    cache.vscode = { id: "vscode", filename: "vscode", loaded: true, exports: standIn("vscode") };
    try {
      const loaded = (Module.createRequire(__filename))(bundle) as Record<string, unknown>;
      assert.equal(typeof loaded.activate, "function");
      assert.equal(typeof loaded.deactivate, "function");
    } finally {
      resolver._resolveFilename = resolve;
      Reflect.deleteProperty(cache, "vscode");
    }
  });
});
