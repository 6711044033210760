/**
 * Text the server streams to the editor (peer_lsp/lsp/streaming.py): `peer/streamOpen`, then
 * `peer/streamAppend`s as the model writes, then `peer/streamClose`. An explanation (kind
 * "explanation") is a read-only virtual Markdown document shown in the preview, refreshed as
 * text arrives; a suggested test (kind "test") is a new untitled document in its language,
 * the text appended with edits. Closing the view sends `peer/streamCancel`, which stops the
 * model. What to show where lives here, in plain data, unit-tested without VS Code; the
 * VS Code calls are behind `StreamViews` (extension.ts).
 */

import { VirtualDocuments, explanationUri } from "./documents";

export const STREAM_OPEN = "peer/streamOpen";
export const STREAM_APPEND = "peer/streamAppend";
export const STREAM_CLOSE = "peer/streamClose";
export const STREAM_CANCEL = "peer/streamCancel";

export interface StreamOpen {
  readonly id: string;
  readonly kind: "explanation" | "test";
  readonly title: string;
  readonly languageId: string;
  readonly suggestedName?: string;
}

export interface StreamAppend {
  readonly id: string;
  readonly text: string;
  readonly reset: boolean;
}

export interface StreamClose {
  readonly id: string;
  readonly status: "done" | "cancelled" | "failed";
  readonly message?: string;
}

function fields(raw: unknown): Record<string, unknown> | undefined {
  return typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : undefined;
}

/** `peer/streamOpen`'s params, checked; undefined when they are not a stream's. */
export function parseStreamOpen(raw: unknown): StreamOpen | undefined {
  const f = fields(raw);
  if (f === undefined || typeof f.id !== "string" || (f.kind !== "explanation" && f.kind !== "test")) {
    return undefined;
  }
  const title = typeof f.title === "string" && f.title !== "" ? f.title : "peer";
  const languageId = typeof f.languageId === "string" && f.languageId !== "" ? f.languageId : "plaintext";
  const suggestedName = typeof f.suggestedName === "string" ? f.suggestedName : undefined;
  return { id: f.id, kind: f.kind, title, languageId, suggestedName };
}

/** `peer/streamAppend`'s params, checked. */
export function parseStreamAppend(raw: unknown): StreamAppend | undefined {
  const f = fields(raw);
  if (f === undefined || typeof f.id !== "string" || typeof f.text !== "string") {
    return undefined;
  }
  return { id: f.id, text: f.text, reset: f.reset === true };
}

/** `peer/streamClose`'s params, checked. */
export function parseStreamClose(raw: unknown): StreamClose | undefined {
  const f = fields(raw);
  if (f === undefined || typeof f.id !== "string") {
    return undefined;
  }
  const status = f.status === "cancelled" || f.status === "failed" ? f.status : "done";
  return { id: f.id, status, message: typeof f.message === "string" ? f.message : undefined };
}

/** An untitled document a stream writes into (a suggested test). */
export interface StreamBuffer {
  /** Append `text` at the end; with `reset`, replace everything with it. */
  append(text: string, reset: boolean): Promise<void>;
  /** The document's URI, to know when it is closed. */
  readonly uri: string;
}

/** What VS Code does for the streams (extension.ts). */
export interface StreamViews {
  /** Show the virtual document `uri` in the Markdown preview (as source without one). */
  showMarkdown(uri: string): Promise<void>;
  /** A new untitled document in `languageId`, shown. */
  openBuffer(languageId: string, suggestedName: string | undefined): Promise<StreamBuffer>;
  /** Send `peer/streamCancel` for the stream. */
  cancel(id: string): void;
  /** Tell the user something short. */
  inform(message: string): void;
}

interface Open {
  readonly kind: StreamOpen["kind"];
  uri: string;
  /** Appends to a buffer, one after the other (an edit waits for the one before). */
  chain: Promise<void>;
  buffer?: StreamBuffer;
  /** The view was seen on screen: its disappearing later means the user closed it. */
  shown: boolean;
}

/** The streams in progress, by id; what arrives for them goes to their view. */
export class Streams {
  private readonly open = new Map<string, Open>();

  constructor(
    private readonly documents: VirtualDocuments,
    private readonly views: StreamViews,
    private readonly uriOf: (uri: string) => string = (uri) => uri,
  ) {}

  /** How many streams are in progress. */
  get size(): number {
    return this.open.size;
  }

  /** The URI of a stream's view (undefined when it is not in progress). */
  uri(id: string): string | undefined {
    return this.open.get(id)?.uri;
  }

  async opened(raw: unknown): Promise<void> {
    const params = parseStreamOpen(raw);
    if (params === undefined) {
      return;
    }
    if (params.kind === "explanation") {
      const uri = this.uriOf(explanationUri({ title: params.title, markdown: "" }));
      const state: Open = { kind: params.kind, uri, chain: Promise.resolve(), shown: false };
      this.open.set(params.id, state);
      this.documents.set(uri, "");
      await this.views.showMarkdown(uri);
      return;
    }
    let ready!: () => void;
    const state: Open = { kind: params.kind, uri: "", chain: new Promise((resolve) => (ready = resolve)), shown: false };
    this.open.set(params.id, state);
    try {
      const buffer = await this.views.openBuffer(params.languageId, params.suggestedName);
      state.buffer = buffer;
      state.uri = buffer.uri;
      state.shown = true;
    } finally {
      ready();
    }
  }

  appended(raw: unknown): Promise<void> {
    const params = parseStreamAppend(raw);
    const state = params === undefined ? undefined : this.open.get(params.id);
    if (params === undefined || state === undefined) {
      return Promise.resolve();
    }
    if (state.kind === "explanation") {
      const before = params.reset ? "" : this.documents.get(state.uri);
      this.documents.set(state.uri, before + params.text);
      return Promise.resolve();
    }
    state.chain = state.chain.then(() => state.buffer?.append(params.text, params.reset));
    return state.chain;
  }

  async closed(raw: unknown): Promise<void> {
    const params = parseStreamClose(raw);
    const state = params === undefined ? undefined : this.open.get(params.id);
    if (params === undefined || state === undefined) {
      return;
    }
    this.open.delete(params.id);
    await state.chain;
    if (params.status === "failed" && state.kind === "test") {
      this.views.inform(`peer: ${params.message ?? "the model did not answer"}`);
    }
  }

  /**
   * What is on screen now (`isShown(uri)`): a stream whose view was shown and is no longer
   * was closed by the user, and is cancelled. Called when tabs or documents close.
   */
  viewsChanged(isShown: (uri: string) => boolean): void {
    for (const [id, state] of [...this.open]) {
      if (state.uri === "") {
        continue;
      }
      if (isShown(state.uri)) {
        state.shown = true;
      } else if (state.shown) {
        this.open.delete(id);
        this.views.cancel(id);
      }
    }
  }

  /**
   * The document `uri` was closed: a test's stream writing into it is cancelled. Not an
   * explanation's: VS Code disposes a virtual document its preview still shows, so only
   * its tab closing (`viewsChanged`) says that the user closed it.
   */
  documentClosed(uri: string): void {
    for (const [id, state] of [...this.open]) {
      if (state.kind === "test" && state.uri === uri) {
        this.open.delete(id);
        this.views.cancel(id);
      }
    }
  }
}
