/**
 * The read-only documents the extension shows: a finding's explanation (`peer.explain`'s
 * Markdown, opened in the Markdown preview) and the health report (one document, refreshed
 * each time it is asked for, never a new "Untitled-N"). VS Code reads them through a
 * TextDocumentContentProvider; the contents live here, in plain data, so that what is shown
 * and under which URI is unit-tested without VS Code.
 */

/** The URI scheme of explanations: `peer-explain:/<title>.md`. */
export const EXPLAIN_SCHEME = "peer-explain";

/** The URI scheme of the health report: always `peer-health:/peer health.md`. */
export const HEALTH_SCHEME = "peer-health";

/** The one health document. */
export const HEALTH_URI = `${HEALTH_SCHEME}:/peer health.md`;

/**
 * What the client adds to its capabilities (`experimental.peer`): it shows what peer's
 * commands answer itself, so the server sends no window/showMessage with them
 * (peer_lsp/lsp/capabilities.py `ClientFeatures.shows_results`).
 */
export const PEER_CAPABILITIES = { showsCommandResults: true } as const;

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
