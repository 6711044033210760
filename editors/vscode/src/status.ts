/**
 * What the user sees of the server's state: the status bar item (fed by the `peer/status`
 * notification) and the health report (the `peer.health` command), rendered as plain data so
 * that they are unit-tested without VS Code.
 */

/** The `peer/status` notification's parameters (peer_lsp/lsp/reviewing.py `Reviewing.status`). */
export interface PeerStatus {
  readonly state: string;
  readonly detail: string;
  readonly provider: string | null;
  readonly model: string | null;
  readonly inFlight: number;
  readonly cacheHitRate: number | null;
  readonly lastLatencyMs: number | null;
  /**
   * Units whose latest model review failed (a missing or refused key, a dead URL, an answer
   * in the wrong shape): their diagnostics are local findings only, so they must not pass for
   * clean. The server keeps `state` at "error" while this is above 0.
   */
  readonly notReviewed: number;
  /** The day's use against the daily budgets; null while local-only. */
  readonly budget: BudgetUse | null;
  /**
   * Providers whose circuit breaker is not closed, each with the failure that opened it
   * (`cause`, e.g. a key variable that is not set): requests to them are skipped meanwhile,
   * and "circuit open for 30 s more" alone does not say what to fix.
   */
  readonly circuits: readonly Circuit[];
}

/** One provider's open (or half-open) circuit (peer_lsp/lsp/reviewing.py `open_circuits`). */
export interface Circuit {
  readonly provider: string;
  readonly breaker: string;
  readonly secondsLeft: number | null;
  readonly cause: string | null;
}

/**
 * The day's (UTC) tokens and cost against the daily limits (null: no limit). When a budget is
 * spent the server's `state` is "paused" and `detail` names the budget, its limit and the use.
 */
export interface BudgetUse {
  readonly day: string;
  readonly tokens: number;
  readonly cost: number;
  readonly tokenLimit: number | null;
  readonly costLimit: number | null;
}

/** The status bar item: its text (with codicons), tooltip (markdown), and look. */
export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
  /** A provider is failing, or a budget paused reviews: the item takes the warning colours. */
  readonly warning: boolean;
  /** Reviews are running: the icon spins. */
  readonly busy: boolean;
}

/** The status the item shows before the first notification. */
export const STARTING: PeerStatus = {
  state: "starting",
  detail: "",
  provider: null,
  model: null,
  inFlight: 0,
  cacheHitRate: null,
  lastLatencyMs: null,
  notReviewed: 0,
  budget: null,
  circuits: [],
};

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The notification's parameters, checked; undefined if they are not a status. */
export function parseStatus(raw: unknown): PeerStatus | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const fields = raw as Record<string, unknown>;
  const state = text(fields.state);
  if (state === null) {
    return undefined;
  }
  return {
    state,
    detail: text(fields.detail) ?? "",
    provider: text(fields.provider),
    model: text(fields.model),
    inFlight: Math.max(0, count(fields.inFlight) ?? 0),
    cacheHitRate: count(fields.cacheHitRate),
    lastLatencyMs: count(fields.lastLatencyMs),
    notReviewed: Math.max(0, Math.floor(count(fields.notReviewed) ?? 0)),
    budget: parseBudget(fields.budget),
    circuits: parseCircuits(fields.circuits),
  };
}

function parseCircuits(raw: unknown): Circuit[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  const circuits: Circuit[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== "object" || item === null) {
      continue;
    }
    const fields = item as Record<string, unknown>;
    const provider = text(fields.provider);
    if (provider === null) {
      continue;
    }
    const seconds = count(fields.secondsLeft);
    circuits.push({
      provider,
      breaker: text(fields.breaker) ?? "open",
      secondsLeft: seconds === null ? null : Math.max(0, seconds),
      cause: text(fields.cause),
    });
  }
  return circuits;
}

/** Server text made literal in a markdown tooltip or document: `words[1]`, `a_b` stay as written. */
export function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_[\]<>|~&$]/g, "\\$&");
}

/** "fake: circuit open for 30 s more, after: the environment variable OPENAI_API_KEY is not set". */
export function circuitLine(circuit: Circuit): string {
  const state = circuit.breaker === "open" ? "circuit open" : `circuit ${circuit.breaker.replace(/_/g, "-")}`;
  const left = circuit.secondsLeft !== null && circuit.secondsLeft > 0 ? ` for ${Math.ceil(circuit.secondsLeft)} s more` : "";
  const cause = circuit.cause !== null ? `, after: ${circuit.cause}` : "";
  return `${circuit.provider}: ${state}${left}${cause}`;
}

function parseBudget(raw: unknown): BudgetUse | null {
  if (typeof raw !== "object" || raw === null) {
    return null;
  }
  const fields = raw as Record<string, unknown>;
  const limit = (value: unknown): number | null => {
    const n = count(value);
    return n !== null && n > 0 ? n : null;
  };
  return {
    day: text(fields.day) ?? "",
    tokens: Math.max(0, count(fields.tokens) ?? 0),
    cost: Math.max(0, count(fields.cost) ?? 0),
    tokenLimit: limit(fields.tokenLimit),
    costLimit: limit(fields.costLimit),
  };
}

/** The day's use, against its limits where set: "201,312 of 200,000 tokens, $0.42". */
export function budgetLine(budget: BudgetUse): string {
  const tokens = budget.tokens.toLocaleString("en-US");
  const tokenPart =
    budget.tokenLimit === null ? `${tokens} tokens` : `${tokens} of ${budget.tokenLimit.toLocaleString("en-US")} tokens`;
  const cost = `$${budget.cost.toFixed(2)}`;
  const costPart = budget.costLimit === null ? cost : `${cost} of $${budget.costLimit.toFixed(2)}`;
  return `${tokenPart}, ${costPart}`;
}

function units(n: number): string {
  return n === 1 ? "1 unit" : `${n} units`;
}

/** Why a count of units not reviewed matters, said wherever the count is. */
const LOCAL_ONLY = "their diagnostics are local findings only";

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

/** The status bar item for a status. */
export function renderStatus(status: PeerStatus): StatusView {
  const model = status.model ?? status.provider;
  const busy = status.inFlight > 0 || status.state === "reviewing";
  const paused = status.state === "paused";
  const warning = status.state === "error" || paused;
  const lines = ["**peer**"];
  if (model !== null) {
    lines.push(`Model: ${status.model ?? "?"}${status.provider ? ` (${status.provider})` : ""}`);
  }
  lines.push(`Reviews in flight: ${status.inFlight}`);
  if (status.cacheHitRate !== null) {
    lines.push(`Cache hit rate: ${percent(status.cacheHitRate)}`);
  }
  if (status.lastLatencyMs !== null) {
    lines.push(`Last review: ${Math.round(status.lastLatencyMs)} ms`);
  }
  if (status.notReviewed > 0) {
    lines.push(`Not reviewed: ${units(status.notReviewed)} (${LOCAL_ONLY})`);
  }
  if (status.budget !== null) {
    lines.push(`Today (UTC): ${budgetLine(status.budget)}`);
  }
  if (status.detail) {
    const detail = escapeMarkdown(status.detail);
    lines.push(paused ? `Paused: ${detail}` : warning ? `Failing: ${detail}` : detail);
  }
  for (const circuit of status.circuits) {
    lines.push(`Skipped: ${escapeMarkdown(circuitLine(circuit))}`);
  }
  lines.push("Click for the health report.");
  const tooltip = lines.join("\n\n");

  let label: string;
  if (paused) {
    label = "$(debug-pause) peer: paused, budget reached";
  } else if (warning) {
    label = `$(warning) peer: ${model ?? "provider"} failing`;
  } else if (busy) {
    const reviews = status.inFlight === 1 ? "1 review" : `${status.inFlight} reviews`;
    label = `$(sync~spin) peer: ${status.inFlight > 0 ? reviews : "reviewing"}`;
  } else if (status.state === "starting") {
    label = "$(loading~spin) peer";
  } else if (status.state === "local" || model === null) {
    label = "$(shield) peer: local";
  } else {
    label = `$(check) peer: ${model}`;
  }
  if (!warning && !busy && status.cacheHitRate !== null && model !== null) {
    label += ` · ${percent(status.cacheHitRate)} cached`;
  }
  if (status.notReviewed > 0 && status.state !== "starting") {
    label += `, ${units(status.notReviewed)} not reviewed`;
  }
  return { text: label, tooltip, warning, busy };
}

/** The status bar item when the server is not running. */
export function stoppedView(reason: string): StatusView {
  return {
    text: "$(error) peer: not running",
    tooltip: `**peer** is not running: ${reason}\n\nClick to see the server log.`,
    warning: true,
    busy: false,
  };
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") {
    return "–";
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k}: ${cell(v)}`).join(", ");
  }
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return shown.replace(/\|/g, "\\|");
}

/** The `peer.health` report as a markdown document. */
export function renderHealth(report: unknown): string {
  const status = parseStatus(report) ?? STARTING;
  const lines = [
    "# peer: health",
    "",
    `- state: **${status.state}**${status.detail ? ` (${status.detail})` : ""}`,
    `- model: ${status.model ?? "none"}${status.provider ? ` (provider ${status.provider})` : ""}`,
    `- reviews in flight: ${status.inFlight}`,
    `- cache hit rate: ${status.cacheHitRate === null ? "no lookups yet" : percent(status.cacheHitRate)}`,
    `- last review: ${status.lastLatencyMs === null ? "none yet" : `${Math.round(status.lastLatencyMs)} ms`}`,
    `- units not reviewed: ${status.notReviewed > 0 ? `**${status.notReviewed}** (${LOCAL_ONLY})` : "0"}`,
    `- today (UTC): ${status.budget === null ? "no model" : budgetLine(status.budget)}`,
    "",
    "## Providers",
    "",
  ];
  const providers =
    typeof report === "object" && report !== null
      ? (report as Record<string, unknown>).providers
      : undefined;
  const rows = typeof providers === "object" && providers !== null ? Object.entries(providers) : [];
  if (rows.length === 0) {
    lines.push("No provider is configured: peer reports syntax errors and local rules only.");
    lines.push(...renderUsage(report));
    return lines.join("\n") + "\n";
  }
  lines.push(
    "| provider | model | breaker | calls | success rate | latency (ms) | failures | tokens in / out | cost |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const [id, raw] of rows) {
    const p = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const rate = count(p.successRate);
    const cost = count(p.cost);
    lines.push(
      `| ${cell(id)} | ${cell(p.model)} | ${cell(p.breaker)} | ${cell(p.calls)} | ` +
        `${rate === null ? "–" : percent(rate)} | ${cell(p.latencyMs)} | ${cell(p.failures)} | ` +
        `${cell(p.inputTokens)} / ${cell(p.outputTokens)} | ${cost === null ? "–" : `$${cost.toFixed(4)}`} |`,
    );
  }
  for (const circuit of status.circuits) {
    lines.push("", `**${escapeMarkdown(circuitLine(circuit))}**`);
  }
  lines.push(...renderUsage(report));
  return lines.join("\n") + "\n";
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** One row of the day's bill: a model's figures, or the total (peer_lsp/llm/usage_stats.py). */
function usageRow(provider: string, model: string, raw: unknown): string {
  const u = record(raw);
  const latency = record(u.latencyMs);
  const rate = count(u.cacheHitRate);
  const cost = count(u.cost);
  const ms = (value: unknown): string => {
    const n = count(value);
    return n === null ? "–" : String(Math.round(n));
  };
  const failures = Object.keys(record(u.failures)).length === 0 ? "none" : cell(u.failures);
  return (
    `| ${provider} | ${model} | ${cell(u.requests)} | ${cell(u.cached)} | ` +
    `${rate === null ? "–" : percent(rate)} | ${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)} | ` +
    `${cell(u.inputTokens)} / ${cell(u.outputTokens)} | ${cost === null ? "–" : `$${cost.toFixed(4)}`} | ${failures} |`
  );
}

/**
 * The `usage` part of the report: today's bill (UTC) read from the audit log, the figures
 * `peer stats --since today` prints. Nothing when the server sends none (an older server).
 */
export function renderUsage(report: unknown): string[] {
  const usage = record(record(report).usage);
  if (Object.keys(usage).length === 0) {
    return [];
  }
  const lines = ["", "## Today (UTC), from the audit log", ""];
  const models = Array.isArray(usage.models) ? usage.models : [];
  if (models.length === 0) {
    lines.push("Nothing was sent or answered from the cache today.");
  } else {
    lines.push(
      "| provider | model | requests | cached | cache hit rate | p50 / p95 / p99 ms | tokens in / out | cost | failures |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const raw of models) {
      const m = record(raw);
      lines.push(usageRow(cell(m.provider), cell(m.model), m));
    }
    lines.push(usageRow("**total**", "", usage.total));
    const unpriced = count(record(usage.total).unpriced);
    if (unpriced !== null && unpriced > 0) {
      lines.push("", `${unpriced} answers from providers without a price are not in the cost.`);
    }
  }
  const malformed = count(usage.malformed);
  if (malformed !== null && malformed > 0) {
    lines.push("", `${malformed} malformed lines of the audit log were skipped.`);
  }
  const problems = Array.isArray(usage.problems) ? usage.problems.filter((p) => typeof p === "string") : [];
  for (const problem of problems) {
    lines.push("", `**${problem}**`);
  }
  const path = text(usage.auditLog);
  if (path !== null) {
    lines.push("", `Audit log: \`${path}\` (\`peer stats\` shows other periods).`);
  }
  return lines;
}
