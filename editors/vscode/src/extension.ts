/**
 * The peer extension: starts the peer language server for every file and untitled document,
 * and adds what LSP has no words for: a status bar item fed by `peer/status`, commands, and
 * a clear message when the server cannot start.
 *
 * The server does the work; this file only connects VS Code to it. The parts that can be
 * tested without VS Code live in settings.ts, serverCommand.ts and status.ts.
 */

import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  DidChangeConfigurationNotification,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import {
  EXPLAIN_SCHEME,
  HEALTH_SCHEME,
  VirtualDocuments,
  showExplanationResult,
  showHealthReport,
  withPeerCapabilities,
  type Shower,
} from "./documents";
import {
  chooseLaunch,
  commandLine,
  problemText,
  startFailure,
  type Problem,
  type ServerSettings,
  type System,
} from "./serverCommand";
import { SECTION, configurationAnswer, serverKeys, serverSettings } from "./settings";
import { STREAM_APPEND, STREAM_CANCEL, STREAM_CLOSE, STREAM_OPEN, Streams, type StreamBuffer, type StreamViews } from "./streams";
import { STARTING, parseStatus, renderHealth, renderStatus, stoppedView, type StatusView } from "./status";

const CLIENT_ID = "peer";
const STATUS_NOTIFICATION = "peer/status";
const FIX_ALL_KIND = "source.fixAll.peer";

/** Server commands (peer_lsp/lsp). The extension's own commands have other names, because
 * vscode-languageclient registers each server command under its own name. */
const SERVER = {
  reviewNow: "peer.reviewNow",
  health: "peer.health",
  explain: "peer.explain",
  clearCache: "peer.clearCache",
  auditLog: "peer.auditLog",
} as const;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let keys: string[] = [];
/** The explanations and the health report, read by VS Code through a content provider. */
const documents = new VirtualDocuments();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("peer");
  statusItem = vscode.window.createStatusBarItem("peer.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "peer";
  statusItem.command = "peer.showHealth";
  keys = serverKeys((context.extension.packageJSON as { contributes?: { configuration?: unknown } }).contributes?.configuration);
  showStatus(renderStatus(STARTING));
  statusItem.show();

  const changed = new vscode.EventEmitter<vscode.Uri>();
  documents.onDidChange((uri) => {
    changed.fire(vscode.Uri.parse(uri));
  });
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent: (uri) => documents.get(uri.toString()),
  };

  context.subscriptions.push(
    output,
    statusItem,
    changed,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, provider),
    vscode.workspace.registerTextDocumentContentProvider(HEALTH_SCHEME, provider),
    vscode.commands.registerCommand("peer.reviewFile", reviewFile),
    vscode.commands.registerCommand("peer.fixAll", fixAll),
    vscode.commands.registerCommand("peer.showHealth", showHealth),
    vscode.commands.registerCommand("peer.clearModelCache", clearCache),
    vscode.commands.registerCommand("peer.restartServer", restart),
    vscode.commands.registerCommand("peer.openAuditLog", openAuditLog),
    vscode.commands.registerCommand("peer.showOutput", () => {
      output.show(true);
    }),
    vscode.workspace.onDidChangeConfiguration(configurationChanged),
    // closing a streamed explanation's preview, or a streamed test's document, stops the model
    vscode.window.tabGroups.onDidChangeTabs((event) => {
      if (event.closed.length > 0 || event.opened.length > 0) {
        streams.viewsChanged(isShown);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      streams.documentClosed(document.uri.toString());
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

// -- the client -------------------------------------------------------------------------------

function readServerSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration(`${SECTION}.server`);
  return {
    command: config.get<string[]>("command", []),
    pythonPath: config.get<string>("pythonPath", ""),
    args: config.get<string[]>("args", []),
    env: config.get<Record<string, string>>("env", {}),
  };
}

function system(): System {
  return {
    platform: process.platform,
    pathVariable: process.env.PATH ?? "",
    pathExt: process.env.PATHEXT,
    isExecutable(file: string): boolean {
      try {
        fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    },
  };
}

function userServerSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
  return serverSettings(keys, (key) => config.inspect(key));
}

async function start(): Promise<void> {
  const launch = chooseLaunch(readServerSettings(), system());
  if (!launch.found) {
    output.appendLine(`[peer] ${problemText(launch)}`);
    showStatus(stoppedView(launch.message));
    void notInstalled(launch);
    return;
  }
  output.appendLine(`[peer] starting ${commandLine(launch)}`);
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { env: { ...process.env, ...launch.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    outputChannel: output,
    initializationOptions: userServerSettings(),
    initializationFailedHandler: () => false,
    middleware: {
      // "Explain this finding" (a code action's command) answers with a markdown document
      executeCommand: async (command, args, next) => {
        const result: unknown = await next(command, args);
        if (command === SERVER.explain) {
          await showExplanation(result);
        }
        return result;
      },
      workspace: {
        configuration: async (params, token, next) => {
          const answered = await next(params, token);
          const items = Array.isArray(answered) ? answered : [];
          return configurationAnswer(params.items, items, userServerSettings());
        },
      },
    },
  };
  const created = new LanguageClient(CLIENT_ID, "peer", serverOptions, clientOptions);
  client = created;
  created.registerFeature({
    // tells the server that this client shows peer.explain's and peer.health's results
    fillClientCapabilities: (capabilities) => {
      withPeerCapabilities(capabilities);
    },
    initialize: () => undefined,
    getState: () => ({ kind: "static" }),
    clear: () => undefined,
  });
  created.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
    const status = parseStatus(params);
    if (status !== undefined) {
      showStatus(renderStatus(status));
    }
  });
  created.onNotification(STREAM_OPEN, (params: unknown) => {
    void streams.opened(params);
  });
  created.onNotification(STREAM_APPEND, (params: unknown) => {
    void streams.appended(params);
  });
  created.onNotification(STREAM_CLOSE, (params: unknown) => {
    void streams.closed(params);
  });
  created.onDidChangeState((event) => {
    if (event.newState === State.Stopped && client === created) {
      showStatus(stoppedView("the server stopped; see the output channel"));
    }
  });
  try {
    await created.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    output.appendLine(`[peer] the server did not start: ${reason}`);
    showStatus(stoppedView(reason));
    void notInstalled(startFailure(launch, reason));
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined && running.state !== State.Stopped) {
    await running.stop();
  }
}

async function notInstalled(problem: Problem): Promise<void> {
  const copy = "Copy Command";
  const settings = "Open Settings";
  const log = "Show Log";
  const actions = problem.command === undefined ? [settings, log] : [copy, settings, log];
  const choice = await vscode.window.showErrorMessage(problemText(problem), ...actions);
  if (choice === copy && problem.command !== undefined) {
    await vscode.env.clipboard.writeText(problem.command);
  } else if (choice === settings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "peer.server");
  } else if (choice === log) {
    output.show(true);
  }
}

function showStatus(view: StatusView): void {
  statusItem.text = view.text;
  statusItem.tooltip = new vscode.MarkdownString(view.tooltip, true);
  statusItem.backgroundColor = view.warning ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
}

function configurationChanged(event: vscode.ConfigurationChangeEvent): void {
  if (event.affectsConfiguration(`${SECTION}.server`)) {
    void vscode.window
      .showInformationMessage("peer: the server command changed.", "Restart Server")
      .then((choice) => (choice ? restart() : undefined));
    return;
  }
  if (event.affectsConfiguration(SECTION) && client?.state === State.Running) {
    // the server asks for the `peer` section again (workspace/configuration)
    void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }
}

// -- commands ---------------------------------------------------------------------------------

async function running(): Promise<LanguageClient | undefined> {
  if (client?.state === State.Running) {
    return client;
  }
  const choice = await vscode.window.showWarningMessage("peer: the server is not running.", "Restart Server", "Show Log");
  if (choice === "Restart Server") {
    await restart();
  } else if (choice === "Show Log") {
    output.show(true);
  }
  return undefined;
}

async function serverCommand(command: string, ...args: unknown[]): Promise<unknown> {
  const connected = await running();
  if (connected === undefined) {
    return undefined;
  }
  return connected.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

async function reviewFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    void vscode.window.showInformationMessage("peer: open a file to review.");
    return;
  }
  const result = (await serverCommand(SERVER.reviewNow, editor.document.uri.toString())) as
    | { queued?: number }
    | undefined;
  if (result !== undefined && !result.queued) {
    void vscode.window.showInformationMessage(
      "peer: nothing to review: no model is configured, or the file has no reviewable code.",
    );
  }
}

async function fixAll(): Promise<void> {
  if ((await running()) === undefined) {
    return;
  }
  await vscode.commands.executeCommand("editor.action.sourceAction", { kind: FIX_ALL_KIND, apply: "first" });
}

async function showHealth(): Promise<void> {
  const report = await serverCommand(SERVER.health);
  if (report === undefined) {
    return;
  }
  // one document, refreshed: the provider tells VS Code it changed
  await showHealthReport(documents, renderHealth(report), shower, canonical);
}

/** `peer.explain`'s markdown in a read-only document, rendered by the Markdown preview. */
async function showExplanation(result: unknown): Promise<void> {
  await showExplanationResult(documents, result, shower, canonical);
}

/** A URI as VS Code spells it, which is what the content provider is asked for. */
function canonical(uri: string): string {
  return vscode.Uri.parse(uri).toString();
}

/** VS Code's side of showing the virtual documents (documents.ts decides what and where). */
const shower: Shower = {
  async open(uri: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    await vscode.window.showTextDocument(document, { preview: true });
  },
  async preview(uri: string): Promise<void> {
    await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.parse(uri));
  },
  inform(message: string): void {
    void vscode.window.showInformationMessage(message);
  },
};

/** VS Code's side of the streams (streams.ts decides what goes where). */
const streamViews: StreamViews = {
  async showMarkdown(uri: string): Promise<void> {
    try {
      await shower.preview(uri);
    } catch {
      await shower.open(uri); // the Markdown extension is disabled: the source, still read-only
    }
  },
  async openBuffer(languageId: string): Promise<StreamBuffer> {
    const document = await vscode.workspace.openTextDocument({ language: languageId, content: "" });
    await vscode.window.showTextDocument(document, { preview: false });
    return {
      uri: document.uri.toString(),
      async append(text: string, reset: boolean): Promise<void> {
        const edit = new vscode.WorkspaceEdit();
        const end = document.lineAt(document.lineCount - 1).range.end;
        if (reset) {
          edit.replace(document.uri, new vscode.Range(new vscode.Position(0, 0), end), text);
        } else {
          edit.insert(document.uri, end, text);
        }
        await vscode.workspace.applyEdit(edit);
      },
    };
  },
  cancel(id: string): void {
    if (client?.state === State.Running) {
      void client.sendNotification(STREAM_CANCEL, { id });
    }
  },
  inform(message: string): void {
    void vscode.window.showInformationMessage(message);
  },
};

/** The streams in progress (streamed explanations and tests). */
const streams = new Streams(documents, streamViews, canonical);

/** Whether a tab shows `uri`: as text, or in the Markdown preview (a webview named after it). */
function isShown(uri: string): boolean {
  const name = decodeURIComponent(uri.slice(uri.lastIndexOf("/") + 1));
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some((tab) => {
      if (tab.input instanceof vscode.TabInputText) {
        return tab.input.uri.toString() === uri;
      }
      return tab.input instanceof vscode.TabInputWebview && tab.label.endsWith(name);
    }),
  );
}

async function clearCache(): Promise<void> {
  const answer = await vscode.window.showWarningMessage(
    "Delete every cached model answer? Reviews of unchanged code will ask the model again.",
    { modal: true },
    "Delete",
  );
  if (answer === "Delete") {
    await serverCommand(SERVER.clearCache); // the server reports what it deleted
  }
}

async function openAuditLog(): Promise<void> {
  const result = (await serverCommand(SERVER.auditLog)) as { path?: string; exists?: boolean } | undefined;
  if (result?.path === undefined) {
    return;
  }
  if (!result.exists) {
    void vscode.window.showInformationMessage(`peer: nothing was sent to a model yet; the audit log will be ${result.path}`);
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(result.path));
}

async function restart(): Promise<void> {
  await stop();
  showStatus(renderStatus(STARTING));
  await start();
}
