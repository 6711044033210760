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
  notReviewed: 0,
  budget: null,
  circuits: [],
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

  it("reads notReviewed as a count: missing, not a number or negative is 0", () => {
    assert.equal(status({ notReviewed: 3 }).notReviewed, 3);
    for (const odd of [undefined, null, "3", Number.NaN, Number.POSITIVE_INFINITY, -1, true]) {
      const parsed = parseStatus({ ...IDLE, notReviewed: odd });
      assert.equal(parsed?.notReviewed, 0, String(odd));
    }
    assert.equal(status({ notReviewed: 2.7 }).notReviewed, 2);
  });
});

describe("budgets", () => {
  const PAUSED = {
    ...IDLE,
    state: "paused",
    detail: "daily token budget of 200,000 reached (201,312 used today, UTC); local findings only",
    budget: { day: "2026-12-07", tokens: 201312, cost: 0.4213, tokenLimit: 200000, costLimit: null },
  };

  it("reads the day's use, and a limit that is not a positive number as none", () => {
    assert.deepEqual(status({ budget: PAUSED.budget }).budget, PAUSED.budget);
    const odd = parseStatus({ ...IDLE, budget: { tokens: "many", tokenLimit: 0, costLimit: -1 } });
    assert.deepEqual(odd?.budget, { day: "", tokens: 0, cost: 0, tokenLimit: null, costLimit: null });
    assert.equal(parseStatus({ ...IDLE, budget: "spent" })?.budget, null);
  });

  it("shows a paused state in warning colours, naming the budget in the tooltip", () => {
    const view = renderStatus(status(PAUSED));
    assert.equal(view.text, "$(debug-pause) peer: paused, budget reached");
    assert.equal(view.warning, true);
    assert.equal(view.busy, false);
    assert.match(view.tooltip, /Paused: daily token budget of 200,000 reached \(201,312 used today, UTC\)/);
    assert.match(view.tooltip, /Today \(UTC\): 201,312 of 200,000 tokens, \$0\.42/);
    assert.doesNotMatch(view.tooltip, /Failing/);
  });

  it("puts the day's use in the health report", () => {
    assert.match(renderHealth({ ...PAUSED, providers: {} }), /- today \(UTC\): 201,312 of 200,000 tokens, \$0\.42\n/);
    assert.match(renderHealth({ ...IDLE, providers: {} }), /- today \(UTC\): no model\n/);
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
    assert.doesNotMatch(view.tooltip, /Not reviewed/);
  });

  it("counts the units the model could not review, in the text and the tooltip", () => {
    const view = renderStatus(status({ state: "error", detail: "openai: HTTP 401", notReviewed: 3 }));
    assert.equal(view.text, "$(warning) peer: gpt-4o-mini failing, 3 units not reviewed");
    assert.equal(view.warning, true);
    assert.match(view.tooltip, /Not reviewed: 3 units \(their diagnostics are local findings only\)/);
    assert.match(view.tooltip, /Failing: openai: HTTP 401/);
    const one = renderStatus(status({ state: "error", detail: "openai: HTTP 401", notReviewed: 1 }));
    assert.equal(one.text, "$(warning) peer: gpt-4o-mini failing, 1 unit not reviewed");
    // while the next reviews run, the count stays visible
    const busy = renderStatus(status({ state: "reviewing", inFlight: 2, notReviewed: 3 }));
    assert.equal(busy.text, "$(sync~spin) peer: 2 reviews, 3 units not reviewed");
    assert.match(busy.tooltip, /Not reviewed: 3 units/);
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

describe("open circuits", () => {
  const CAUSE = "openai: the environment variable OPENAI_API_KEY is not set (needed by provider 'openai')";
  const OPEN = {
    ...IDLE,
    state: "error",
    detail: "openai: skipped: circuit open for 30 s more",
    circuits: [{ provider: "openai", breaker: "open", secondsLeft: 29.6, cause: CAUSE }],
  };

  it("reads the circuits of the status, skipping what is not one", () => {
    assert.deepEqual(status(OPEN).circuits, OPEN.circuits);
    const odd = parseStatus({ ...IDLE, circuits: [null, { breaker: "open" }, { provider: "x", secondsLeft: "soon" }] });
    assert.deepEqual(odd?.circuits, [{ provider: "x", breaker: "open", secondsLeft: null, cause: null }]);
    assert.deepEqual(parseStatus({ ...IDLE, circuits: "open" })?.circuits, []);
  });

  it("shows why the circuit is open in the tooltip, not only for how long", () => {
    const view = renderStatus(status(OPEN));
    assert.equal(view.warning, true);
    assert.ok(
      view.tooltip.includes(
        "Skipped: openai: circuit open for 30 s more, after: openai: the environment variable " +
          "OPENAI\\_API\\_KEY is not set (needed by provider 'openai')",
      ),
      view.tooltip,
    );
  });

  it("names the cause in the health report", () => {
    const markdown = renderHealth({ ...OPEN, providers: { openai: { model: "gpt-4o-mini", breaker: "open" } } });
    assert.match(markdown, /\*\*openai: circuit open for 30 s more, after: .*OPENAI\\_API\\_KEY is not set/);
  });

  it("escapes what the server says, so that words[1] is not a link", () => {
    const view = renderStatus(status({ state: "error", detail: "fake: words[1] <b>" }));
    assert.match(view.tooltip, /Failing: fake: words\\\[1\\\] \\<b\\>/);
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
    assert.match(markdown, /- units not reviewed: 0/);
    assert.match(markdown, /\| openai \| gpt-4o-mini \| closed \| 12 \| 92% \| 640\.2 \| timeout: 1 \| 5400 \/ 900 \| \$0\.0014 \|/);
    assert.match(markdown, /\| local\\\|pipe \| llama3 \| open \| 0 \| – \| – \| none \| – \/ – \| – \|/);
  });

  it("counts the units not reviewed", () => {
    const markdown = renderHealth({ ...IDLE, state: "error", detail: "openai: HTTP 401", notReviewed: 4, providers: {} });
    assert.match(markdown, /- state: \*\*error\*\* \(openai: HTTP 401\)/);
    assert.match(markdown, /- units not reviewed: \*\*4\*\* \(their diagnostics are local findings only\)/);
  });

  it("says when no provider is configured", () => {
    const markdown = renderHealth({ state: "local", providers: {} });
    assert.match(markdown, /No provider is configured/);
    assert.doesNotMatch(markdown, /\| provider \|/);
    assert.doesNotMatch(markdown, /## Today/);
  });

  it("renders today's bill from the audit log, one row per model and the total", () => {
    const figures = {
      requests: 22,
      answered: 20,
      unitsAnswered: 20,
      cached: 5,
      cacheHitRate: 0.2,
      latencyMs: { p50: 50.4, p95: 95, p99: 99.6 },
      inputTokens: 20000,
      outputTokens: 2000,
      cachedInputTokens: 0,
      cost: 0.013,
      unpriced: 0,
      failures: { invalid_request: 1, rate_limited: 1 },
      cancelled: 0,
      refused: { excluded: 1 },
      other: {},
    };
    const unpriced = { ...figures, requests: 2, answered: 2, cached: 0, cacheHitRate: 0, cost: null, unpriced: 2, failures: {} };
    const usage = {
      version: 1,
      since: "2026-12-07T00:00:00.000Z",
      until: "2026-12-07T15:30:00.000Z",
      auditLog: "/home/u/.local/state/peer-lsp/audit.jsonl",
      files: [],
      lines: 30,
      malformed: 2,
      problems: [],
      models: [
        { provider: "groq", model: "llama", ...figures },
        { provider: "backup", model: "small", ...unpriced },
      ],
      total: { ...figures, requests: 24, unpriced: 2 },
    };
    const markdown = renderHealth({ ...IDLE, providers: { groq: { model: "llama" } }, usage });
    assert.match(markdown, /^## Today \(UTC\), from the audit log$/m);
    assert.match(
      markdown,
      /^\| groq \| llama \| 22 \| 5 \| 20% \| 50 \/ 95 \/ 100 \| 20000 \/ 2000 \| \$0\.0130 \| invalid_request: 1, rate_limited: 1 \|$/m,
    );
    assert.match(markdown, /^\| backup \| small \| 2 \| 0 \| 0% \| 50 \/ 95 \/ 100 \| 20000 \/ 2000 \| – \| none \|$/m);
    assert.match(markdown, /^\| \*\*total\*\* \| {2}\| 24 \| 5 \| 20% \|/m);
    assert.match(markdown, /2 answers from providers without a price are not in the cost\./);
    assert.match(markdown, /2 malformed lines of the audit log were skipped\./);
    assert.match(markdown, /Audit log: `\/home\/u\/\.local\/state\/peer-lsp\/audit\.jsonl`/);
  });

  it("says when nothing was sent today, and shows nothing of an older server's report", () => {
    const empty = { version: 1, models: [], total: {}, malformed: 0, problems: ["cannot read /x: Permission denied"] };
    const markdown = renderHealth({ ...IDLE, providers: { groq: { model: "llama" } }, usage: empty });
    assert.match(markdown, /Nothing was sent or answered from the cache today\./);
    assert.match(markdown, /\*\*cannot read \/x: Permission denied\*\*/);
    assert.doesNotMatch(renderHealth({ ...IDLE, providers: {} }), /## Today/);
  });
});
