import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { STARTING, parseStatus, renderHealth, renderStatus, stoppedView, type PeerStatus } from "../src/status";

/** A `peer/status` notification as the server sends it (peer_lsp/lsp/reviewing.py). */
const IDLE = {
  state: "idle",
  detail: "",
  provider: "openai",
  model: "gpt-4o-mini",
  inFlight: 0,
  cacheHitRate: 0.734,
  lastLatencyMs: 812.4,
};

function status(overrides: Partial<PeerStatus> = {}): PeerStatus {
  const parsed = parseStatus({ ...IDLE, ...overrides });
  assert.ok(parsed);
  return parsed;
}

describe("parseStatus", () => {
  it("reads the server's notification", () => {
    assert.deepEqual(parseStatus(IDLE), IDLE);
  });

  it("rejects what is not a status, and tolerates missing fields", () => {
    assert.equal(parseStatus(null), undefined);
    assert.equal(parseStatus({ model: "x" }), undefined);
    assert.deepEqual(parseStatus({ state: "local", inFlight: -2, cacheHitRate: "high" }), {
      ...STARTING,
      state: "local",
    });
  });
});

describe("renderStatus", () => {
  it("shows the model and the cache hit rate when idle", () => {
    const view = renderStatus(status());
    assert.equal(view.text, "$(check) peer: gpt-4o-mini · 73% cached");
    assert.equal(view.busy, false);
    assert.equal(view.warning, false);
    assert.match(view.tooltip, /Cache hit rate: 73%/);
    assert.match(view.tooltip, /Last review: 812 ms/);
  });

  it("spins while reviews run, with their number", () => {
    const view = renderStatus(status({ state: "reviewing", inFlight: 3 }));
    assert.equal(view.text, "$(sync~spin) peer: 3 reviews");
    assert.equal(view.busy, true);
    assert.match(view.tooltip, /Reviews in flight: 3/);
    assert.equal(renderStatus(status({ state: "reviewing", inFlight: 1 })).text, "$(sync~spin) peer: 1 review");
  });

  it("warns when a provider is failing, with the reason in the tooltip", () => {
    const view = renderStatus(status({ state: "error", detail: "openai: 401 invalid api key" }));
    assert.equal(view.text, "$(warning) peer: gpt-4o-mini failing");
    assert.equal(view.warning, true);
    assert.match(view.tooltip, /Failing: openai: 401 invalid api key/);
  });

  it("says local when no model is configured", () => {
    const view = renderStatus(
      status({ state: "local", provider: null, model: null, cacheHitRate: null, lastLatencyMs: null, detail: "no provider configured: syntax and local rules only" }),
    );
    assert.equal(view.text, "$(shield) peer: local");
    assert.match(view.tooltip, /no provider configured/);
    assert.doesNotMatch(view.tooltip, /Model:/);
  });

  it("spins while starting, and shows a stopped server as an error", () => {
    assert.equal(renderStatus(STARTING).text, "$(loading~spin) peer");
    const stopped = stoppedView("spawn peer-lsp ENOENT");
    assert.equal(stopped.warning, true);
    assert.match(stopped.tooltip, /ENOENT/);
  });
});

describe("renderHealth", () => {
  it("renders the status and one table row per provider", () => {
    const report = {
      ...IDLE,
      providers: {
        openai: {
          model: "gpt-4o-mini",
          breaker: "closed",
          calls: 12,
          successRate: 0.917,
          latencyMs: 640.2,
          failures: { timeout: 1 },
          inputTokens: 5400,
          outputTokens: 900,
          cost: 0.00135,
        },
        "local|pipe": { model: "llama3", breaker: "open", calls: 0, failures: {} },
      },
    };
    const markdown = renderHealth(report);
    assert.match(markdown, /^# peer: health$/m);
    assert.match(markdown, /- state: \*\*idle\*\*/);
    assert.match(markdown, /- cache hit rate: 73%/);
    assert.match(markdown, /\| openai \| gpt-4o-mini \| closed \| 12 \| 92% \| 640\.2 \| timeout: 1 \| 5400 \/ 900 \| \$0\.0014 \|/);
    assert.match(markdown, /\| local\\\|pipe \| llama3 \| open \| 0 \| – \| – \| none \| – \/ – \| – \|/);
  });

  it("says when no provider is configured", () => {
    const markdown = renderHealth({ state: "local", providers: {} });
    assert.match(markdown, /No provider is configured/);
    assert.doesNotMatch(markdown, /\| provider \|/);
  });
});
