import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { configurationAnswer, isClientKey, serverKeys, serverSettings, type Inspected } from "../src/settings";

/** package.json, read from the source folder (tests run from out/test). */
function manifest(): { contributes: { configuration: unknown } } {
  const file = path.join(__dirname, "..", "..", "package.json");
  return JSON.parse(readFileSync(file, "utf8")) as { contributes: { configuration: unknown } };
}

describe("serverKeys", () => {
  it("lists the server's settings from package.json and none of the extension's own", () => {
    const keys = serverKeys(manifest().contributes.configuration);
    assert.ok(keys.includes("minConfidence"));
    assert.ok(keys.includes("providers"));
    assert.ok(keys.includes("reviewOn"));
    assert.ok(!keys.some((key) => key.startsWith("server.") || key.startsWith("trace.")));
    assert.equal(new Set(keys).size, keys.length);
  });

  it("reads one configuration object as well as a list of them", () => {
    const one = { properties: { "peer.logLevel": {}, "peer.server.command": {}, "other.x": {} } };
    assert.deepEqual(serverKeys(one), ["logLevel"]);
    assert.deepEqual(serverKeys([one, { properties: { "peer.failOn": {} } }]), ["logLevel", "failOn"]);
    assert.deepEqual(serverKeys(undefined), []);
  });
});

describe("isClientKey", () => {
  it("knows the extension's prefixes", () => {
    assert.equal(isClientKey("server.command"), true);
    assert.equal(isClientKey("trace.server"), true);
    assert.equal(isClientKey("serverless"), false);
    assert.equal(isClientKey("minConfidence"), false);
  });
});

describe("serverSettings", () => {
  const inspected: Record<string, Inspected> = {
    minConfidence: { globalValue: 0.6 },
    failOn: { globalValue: "warning", workspaceValue: "error" },
    logLevel: { globalValue: "info", workspaceValue: "warning", workspaceFolderValue: "debug" },
    exclude: {},
    reviewOn: { workspaceValue: [] },
    ollamaAutodetect: { globalValue: false },
  };
  const inspect = (key: string): Inspected | undefined => inspected[key];

  it("sends only what the user set, the most specific level winning", () => {
    const keys = ["minConfidence", "failOn", "logLevel", "exclude", "reviewOn", "ollamaAutodetect", "cacheDir"];
    assert.deepEqual(serverSettings(keys, inspect), {
      minConfidence: 0.6,
      failOn: "error",
      logLevel: "debug",
      reviewOn: [],
      ollamaAutodetect: false,
    });
  });

  it("leaves out keys that are not server settings", () => {
    assert.deepEqual(serverSettings(["minConfidence"], inspect), { minConfidence: 0.6 });
  });
});

describe("configurationAnswer", () => {
  it("answers the peer section with the server settings and passes other sections through", () => {
    const items = [{ section: "peer" }, { section: "editor" }, { section: "peer.server" }];
    const answered = [{ server: { command: ["x"] }, minConfidence: 0.5 }, { tabSize: 4 }, { command: ["x"] }];
    assert.deepEqual(configurationAnswer(items, answered, { minConfidence: 0.7 }), [
      { minConfidence: 0.7 },
      { tabSize: 4 },
      { command: ["x"] },
    ]);
  });

  it("answers null where VS Code gave nothing", () => {
    assert.deepEqual(configurationAnswer([{ section: "x" }], [], {}), [null]);
  });
});
