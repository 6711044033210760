/**
 * The read-only documents the extension shows: a finding's explanation (`peer.explain`'s
 * Markdown, opened in the Markdown preview) and the health report (one document, refreshed
 * each time it is asked for, never a new "Untitled-N"). VS Code reads them through a
 * TextDocumentContentProvider; the contents live here, in plain data, so that what is shown
 * and under which URI is unit-tested without VS Code.
 */

/** The URI scheme of explanations: `peer-explain:/<title>.md`. */
export const EXPLAIN_SCHEME = "peer-explain";

/** The URI scheme of the health report: always `peer-health:/peer-health.md`. */
export const HEALTH_SCHEME = "peer-health";

/** The one health document (spelled as VS Code's `Uri.toString()` spells it). */
export const HEALTH_URI = `${HEALTH_SCHEME}:/peer-health.md`;

/**
 * What the client adds to its capabilities (`experimental.peer`): it shows what peer's
 * commands answer itself, so the server sends no window/showMessage with them
 * (peer_lsp/lsp/capabilities.py `ClientFeatures.shows_results`), and it shows streamed text
 * (`peer/streamOpen`, `peer/streamAppend`, `peer/streamClose`: streams.ts).
 */
export const PEER_CAPABILITIES = { showsCommandResults: true, streams: true } as const;

/** `capabilities` with `experimental.peer` added, the rest kept. */
export function withPeerCapabilities<T extends { experimental?: unknown }>(capabilities: T): T {
  const experimental =
    typeof capabilities.experimental === "object" && capabilities.experimental !== null
      ? (capabilities.experimental as Record<string, unknown>)
      : {};
  capabilities.experimental = { ...experimental, peer: { ...PEER_CAPABILITIES } };
  return capabilities;
}

/** `peer.explain`'s result (peer_lsp/lsp/explain.py). */
export interface Explanation {
  readonly title: string;
  readonly markdown: string;
}

/** The command's result, checked; undefined when it is not an explanation (the finding went away). */
export function parseExplanation(raw: unknown): Explanation | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const fields = raw as Record<string, unknown>;
  if (typeof fields.markdown !== "string" || fields.markdown === "") {
    return undefined;
  }
  const title = typeof fields.title === "string" && fields.title !== "" ? fields.title : "peer: explanation";
  return { title, markdown: fields.markdown };
}

/** Whether `peer.explain` streamed its explanation (`shownAs: "stream"`) rather than answering with it. */
export function isStreamed(raw: unknown): boolean {
  return typeof raw === "object" && raw !== null && (raw as Record<string, unknown>).shownAs === "stream";
}

/**
 * The URI of an explanation's document: its title made a file name (the tab shows it), one
 * document per finding place, replaced when asked again.
 */
export function explanationUri(explanation: Explanation): string {
  const name = explanation.title.replace(/[\\/?#%]+/g, "-").replace(/\s+/g, " ").trim();
  return `${EXPLAIN_SCHEME}:/${encodeURIComponent(name)}.md`;
}

/**
 * The contents of the virtual documents, by URI, and who to tell when one changes (VS Code's
 * provider fires onDidChange with it, so an open document is refreshed in place).
 */
export class VirtualDocuments {
  private readonly contents = new Map<string, string>();
  private readonly listeners: ((uri: string) => void)[] = [];

  /** Set a document's contents; listeners hear of it when it changed. Returns the URI. */
  set(uri: string, content: string): string {
    const before = this.contents.get(uri);
    this.contents.set(uri, content);
    if (before !== undefined && before !== content) {
      for (const listener of this.listeners) {
        listener(uri);
      }
    }
    return uri;
  }

  /** A document's contents; a document this session never made reads as a short note. */
  get(uri: string): string {
    return this.contents.get(uri) ?? "This peer document is gone: run the command that made it again.\n";
  }

  /** How many documents there are (one per explanation, one health report). */
  get size(): number {
    return this.contents.size;
  }

  onDidChange(listener: (uri: string) => void): void {
    this.listeners.push(listener);
  }
}

/** How the extension puts a virtual document in front of the user (VS Code's API, in extension.ts). */
export interface Shower {
  /** Open the document read-only as text (Markdown source). */
  open(uri: string): Promise<void>;
  /** Open the document in the Markdown preview; rejects when there is none. */
  preview(uri: string): Promise<void>;
  /** Tell the user something short. */
  inform(message: string): void;
}

/**
 * The health report: always the one document `HEALTH_URI`, its contents replaced (and an open
 * editor of it refreshed), then shown.
 */
export async function showHealthReport(
  documents: VirtualDocuments,
  markdown: string,
  shower: Shower,
  uriOf: (uri: string) => string = (uri) => uri,
): Promise<string> {
  const uri = uriOf(HEALTH_URI);
  documents.set(uri, markdown);
  await shower.open(uri);
  return uri;
}

/**
 * `peer.explain`'s result in the Markdown preview of its read-only document (as source when
 * the preview is not available); undefined, and a short note, when it is not an explanation.
 */
export async function showExplanationResult(
  documents: VirtualDocuments,
  result: unknown,
  shower: Shower,
  uriOf: (uri: string) => string = (uri) => uri,
): Promise<string | undefined> {
  if (isStreamed(result)) {
    return undefined; // already on screen, filling as the model writes (streams.ts)
  }
  const explanation = parseExplanation(result);
  if (explanation === undefined) {
    shower.inform("peer: that finding is gone; nothing to explain.");
    return undefined;
  }
  const uri = uriOf(explanationUri(explanation));
  documents.set(uri, explanation.markdown);
  try {
    await shower.preview(uri);
  } catch {
    await shower.open(uri); // the Markdown extension is disabled: the source, still read-only
  }
  return uri;
}
