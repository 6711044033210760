import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { VirtualDocuments, explanationUri, showExplanationResult, type Shower } from "../src/documents";
import { Streams, parseStreamAppend, parseStreamClose, parseStreamOpen, type StreamBuffer, type StreamViews } from "../src/streams";

/** StreamViews that record what VS Code would be asked to do; buffers keep their text. */
function views(): StreamViews & { calls: string[]; cancelled: string[]; buffers: Map<string, string> } {
  const calls: string[] = [];
  const cancelled: string[] = [];
  const buffers = new Map<string, string>();
  return {
    calls,
    cancelled,
    buffers,
    showMarkdown: (uri) => {
      calls.push(`preview ${uri}`);
      return Promise.resolve();
    },
    openBuffer: (languageId, suggestedName) => {
      const uri = `untitled:Untitled-${buffers.size + 1}`;
      calls.push(`buffer ${languageId} ${suggestedName ?? "-"}`);
      buffers.set(uri, "");
      const buffer: StreamBuffer = {
        uri,
        append: async (text, reset) => {
          await Promise.resolve(); // an edit takes a turn of the event loop
          buffers.set(uri, (reset ? "" : (buffers.get(uri) ?? "")) + text);
        },
      };
      return Promise.resolve(buffer);
    },
    cancel: (id) => {
      cancelled.push(id);
    },
    inform: (message) => {
      calls.push(`inform ${message}`);
    },
  };
}

const OPEN = { id: "s1", kind: "explanation", title: "peer: model:bug at words.py:3", languageId: "markdown" };

describe("stream messages", () => {
  it("reads the three notifications, refusing what is not one", () => {
    assert.deepEqual(parseStreamOpen(OPEN), { ...OPEN, suggestedName: undefined });
    assert.equal(parseStreamOpen({ id: "x", kind: "poem" }), undefined);
    assert.equal(parseStreamOpen(null), undefined);
    assert.deepEqual(parseStreamAppend({ id: "s1", text: "a" }), { id: "s1", text: "a", reset: false });
    assert.deepEqual(parseStreamAppend({ id: "s1", text: "a", reset: true }), { id: "s1", text: "a", reset: true });
    assert.equal(parseStreamAppend({ id: "s1" }), undefined);
    assert.deepEqual(parseStreamClose({ id: "s1", status: "failed", message: "m" }), { id: "s1", status: "failed", message: "m" });
    assert.deepEqual(parseStreamClose({ id: "s1", status: "?" }), { id: "s1", status: "done", message: undefined });
  });
});

describe("an explanation streamed", () => {
  it("fills its markdown document as text arrives, the preview refreshed each time", async () => {
    const documents = new VirtualDocuments();
    const refreshed: string[] = [];
    documents.onDidChange((uri) => refreshed.push(uri));
    const shown = views();
    const streams = new Streams(documents, shown);
    await streams.opened(OPEN);
    const uri = explanationUri({ title: OPEN.title, markdown: "" });
    assert.deepEqual(shown.calls, [`preview ${uri}`]);
    assert.equal(documents.get(uri), "");
    await streams.appended({ id: "s1", text: "# words\n\n" });
    await streams.appended({ id: "s1", text: "The first" });
    await streams.appended({ id: "other", text: "not ours" });
    assert.equal(documents.get(uri), "# words\n\nThe first");
    assert.deepEqual(refreshed, [uri, uri]);
    await streams.appended({ id: "s1", text: "# words\n\nAgain", reset: true }); // a retry began
    assert.equal(documents.get(uri), "# words\n\nAgain");
    await streams.closed({ id: "s1", status: "done" });
    assert.equal(streams.size, 0);
    await streams.appended({ id: "s1", text: "late" });
    assert.equal(documents.get(uri), "# words\n\nAgain");
    assert.deepEqual(shown.cancelled, []);
  });

  it("cancels the stream when its view, once shown, is closed", async () => {
    const shown = views();
    const streams = new Streams(new VirtualDocuments(), shown);
    await streams.opened(OPEN);
    const uri = streams.uri("s1");
    assert.ok(uri !== undefined);
    streams.viewsChanged(() => false); // the preview tab is not there yet: nothing to cancel
    assert.deepEqual(shown.cancelled, []);
    streams.viewsChanged((shownUri) => shownUri === uri);
    streams.viewsChanged(() => false); // the user closed it
    assert.deepEqual(shown.cancelled, ["s1"]);
    assert.equal(streams.size, 0);
    streams.viewsChanged(() => false);
    assert.deepEqual(shown.cancelled, ["s1"]); // once
  });

  it("is not cancelled when VS Code disposes its virtual document (the preview may still show it)", async () => {
    const shown = views();
    const streams = new Streams(new VirtualDocuments(), shown);
    await streams.opened(OPEN);
    streams.documentClosed(streams.uri("s1") ?? "");
    assert.deepEqual(shown.cancelled, []);
    assert.equal(streams.size, 1);
  });

  it("leaves the document alone when peer.explain says it streamed it", async () => {
    const documents = new VirtualDocuments();
    const calls: string[] = [];
    const shower: Shower = {
      open: (uri) => Promise.resolve(void calls.push(`open ${uri}`)),
      preview: (uri) => Promise.resolve(void calls.push(`preview ${uri}`)),
      inform: (message) => void calls.push(`inform ${message}`),
    };
    const result = { title: OPEN.title, markdown: "# head\n", text: "head", shownAs: "stream" };
    assert.equal(await showExplanationResult(documents, result, shower), undefined);
    assert.deepEqual(calls, []);
    assert.equal(documents.size, 0);
  });
});

describe("a test streamed", () => {
  it("opens an untitled document in its language and appends to it in order", async () => {
    const shown = views();
    const streams = new Streams(new VirtualDocuments(), shown);
    const opening = streams.opened({ id: "t1", kind: "test", title: "test", languageId: "python", suggestedName: "test_words.py" });
    const first = streams.appended({ id: "t1", text: "def test_" }); // before the document is open
    await opening;
    await Promise.all([first, streams.appended({ id: "t1", text: "words():\n" })]);
    assert.deepEqual(shown.calls, ["buffer python test_words.py"]);
    assert.equal(shown.buffers.get("untitled:Untitled-1"), "def test_words():\n");
    await streams.appended({ id: "t1", text: "def test_again():\n", reset: true });
    assert.equal(shown.buffers.get("untitled:Untitled-1"), "def test_again():\n");
    await streams.closed({ id: "t1", status: "failed", message: "the model did not answer" });
    assert.deepEqual(shown.calls.slice(1), ["inform peer: the model did not answer"]);
  });

  it("cancels when the untitled document is closed", async () => {
    const shown = views();
    const streams = new Streams(new VirtualDocuments(), shown);
    await streams.opened({ id: "t1", kind: "test", title: "test", languageId: "python" });
    streams.documentClosed("untitled:Untitled-1");
    assert.deepEqual(shown.cancelled, ["t1"]);
  });
});
