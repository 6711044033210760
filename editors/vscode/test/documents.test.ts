import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  EXPLAIN_SCHEME,
  HEALTH_URI,
  VirtualDocuments,
  explanationUri,
  parseExplanation,
  showExplanationResult,
  showHealthReport,
  withPeerCapabilities,
  type Shower,
} from "../src/documents";

/** A Shower that records what VS Code would be asked to show. */
function recorder(previewFails = false): Shower & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    open: (uri) => {
      calls.push(`open ${uri}`);
      return Promise.resolve();
    },
    preview: (uri) => {
      calls.push(`preview ${uri}`);
      return previewFails ? Promise.reject(new Error("no markdown extension")) : Promise.resolve();
    },
    inform: (message) => {
      calls.push(`inform ${message}`);
    },
  };
}

/** `peer.explain`'s result as the server sends it (peer_lsp/lsp/explain.py). */
const EXPLAINED = {
  title: "peer: model:bug at src/words.py:3",
  markdown: "# words\\[1\\] is the second word\n\nUse `words[0]`.\n",
  text: "words[1] is the second word",
  shownAs: "result",
};

describe("explanations", () => {
  it("reads the markdown and title of peer.explain's result", () => {
    assert.deepEqual(parseExplanation(EXPLAINED), { title: EXPLAINED.title, markdown: EXPLAINED.markdown });
    assert.equal(parseExplanation(null), undefined); // the finding went away
    assert.equal(parseExplanation(""), undefined); // an older server answered with a string
    assert.deepEqual(parseExplanation({ markdown: "x" }), { title: "peer: explanation", markdown: "x" });
  });

  it("opens each explanation as a markdown document of the peer-explain scheme, named by its title", () => {
    const uri = explanationUri({ title: EXPLAINED.title, markdown: "" });
    assert.ok(uri.startsWith(`${EXPLAIN_SCHEME}:/`));
    assert.ok(uri.endsWith(".md"));
    assert.equal(uri.slice(uri.indexOf("/") + 1, -3).includes("/"), false); // one path segment
    assert.equal(decodeURIComponent(uri.slice(`${EXPLAIN_SCHEME}:/`.length, -3)), "peer: model:bug at src-words.py:3");
  });

  it("tells the server it shows command results and streams, keeping the other experimental capabilities", () => {
    const capabilities: { experimental?: unknown } = { experimental: { other: 1 } };
    withPeerCapabilities(capabilities);
    const peer = { showsCommandResults: true, streams: true };
    assert.deepEqual(capabilities.experimental, { other: 1, peer });
    assert.deepEqual(withPeerCapabilities<{ experimental?: unknown }>({}).experimental, { peer });
  });
});

describe("showing them", () => {
  it("shows the health report in the same document every time, refreshed", async () => {
    const documents = new VirtualDocuments();
    const refreshed: string[] = [];
    documents.onDidChange((uri) => refreshed.push(uri));
    const shower = recorder();
    const first = await showHealthReport(documents, "# peer: health\n\n- state: **idle**\n", shower);
    const second = await showHealthReport(documents, "# peer: health\n\n- state: **error**\n", shower);
    assert.equal(first, HEALTH_URI);
    assert.equal(second, HEALTH_URI);
    assert.deepEqual(shower.calls, [`open ${HEALTH_URI}`, `open ${HEALTH_URI}`]);
    assert.equal(documents.size, 1); // no Untitled-N per click
    assert.deepEqual(refreshed, [HEALTH_URI]); // the open editor shows the new report
    assert.match(documents.get(HEALTH_URI), /\*\*error\*\*/);
  });

  it("previews an explanation's markdown, or opens its source without the preview", async () => {
    const documents = new VirtualDocuments();
    const shower = recorder();
    const uri = await showExplanationResult(documents, EXPLAINED, shower);
    assert.ok(uri !== undefined && uri.startsWith(`${EXPLAIN_SCHEME}:/`));
    assert.deepEqual(shower.calls, [`preview ${uri}`]);
    assert.equal(documents.get(uri), EXPLAINED.markdown);
    const without = recorder(true);
    const again = await showExplanationResult(new VirtualDocuments(), EXPLAINED, without);
    assert.deepEqual(without.calls, [`preview ${again}`, `open ${again}`]);
  });

  it("says so when the finding went away", async () => {
    const shower = recorder();
    assert.equal(await showExplanationResult(new VirtualDocuments(), null, shower), undefined);
    assert.deepEqual(shower.calls, ["inform peer: that finding is gone; nothing to explain."]);
  });
});

describe("VirtualDocuments", () => {
  it("keeps one health document, refreshed in place rather than a new Untitled document each time", () => {
    const documents = new VirtualDocuments();
    const changed: string[] = [];
    documents.onDidChange((uri) => changed.push(uri));
    assert.equal(documents.set(HEALTH_URI, "# peer: health\n\n- state: **idle**\n"), HEALTH_URI);
    assert.deepEqual(changed, []); // not open yet: nothing to refresh
    documents.set(HEALTH_URI, "# peer: health\n\n- state: **error**\n");
    documents.set(HEALTH_URI, "# peer: health\n\n- state: **error**\n"); // unchanged: no refresh
    assert.deepEqual(changed, [HEALTH_URI]);
    assert.equal(documents.size, 1);
    assert.equal(documents.get(HEALTH_URI), "# peer: health\n\n- state: **error**\n");
  });

  it("says so when asked for a document it never made (one restored from an earlier session)", () => {
    assert.match(new VirtualDocuments().get(`${EXPLAIN_SCHEME}:/old.md`), /gone/);
  });
});
