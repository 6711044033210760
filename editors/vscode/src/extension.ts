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
  chooseLaunch,
  commandLine,
  installCommand,
  type ServerSettings,
  type System,
} from "./serverCommand";
import { SECTION, configurationAnswer, serverKeys, serverSettings } from "./settings";
import { STARTING, parseStatus, renderHealth, renderStatus, stoppedView, type StatusView } from "./status";

const CLIENT_ID = "peer";
const STATUS_NOTIFICATION = "peer/status";
const FIX_ALL_KIND = "source.fixAll.peer";

/** Server commands (peer_lsp/lsp). The extension's own commands have other names, because
 * vscode-languageclient registers each server command under its own name. */
const SERVER = {
  reviewNow: "peer.reviewNow",
  health: "peer.health",
  clearCache: "peer.clearCache",
  auditLog: "peer.auditLog",
} as const;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let keys: string[] = [];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("peer");
  statusItem = vscode.window.createStatusBarItem("peer.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "peer";
  statusItem.command = "peer.showHealth";
  keys = serverKeys((context.extension.packageJSON as { contributes?: { configuration?: unknown } }).contributes?.configuration);
  showStatus(renderStatus(STARTING));
  statusItem.show();

  context.subscriptions.push(
    output,
    statusItem,
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
    output.appendLine(`[peer] ${launch.message} Fix: ${launch.fix}`);
    showStatus(stoppedView(launch.message));
    void notInstalled(launch.message, launch.fix);
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
  created.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
    const status = parseStatus(params);
    if (status !== undefined) {
      showStatus(renderStatus(status));
    }
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
    void notInstalled(
      `The peer language server did not start (${commandLine(launch)}): ${reason}`,
      installCommand(launch),
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined && running.state !== State.Stopped) {
    await running.stop();
  }
}

async function notInstalled(message: string, fix: string): Promise<void> {
  const copy = "Copy Command";
  const settings = "Open Settings";
  const log = "Show Log";
  const choice = await vscode.window.showErrorMessage(`${message} To fix it, run: ${fix}`, copy, settings, log);
  if (choice === copy) {
    await vscode.env.clipboard.writeText(fix);
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
  const document = await vscode.workspace.openTextDocument({ content: renderHealth(report), language: "markdown" });
  await vscode.window.showTextDocument(document, { preview: true });
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
