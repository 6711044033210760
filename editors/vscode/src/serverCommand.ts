/**
 * How the language server is started, and what to tell the user when it cannot be.
 *
 * In order of preference: the command in `peer.server.command`; else the Python interpreter
 * in `peer.server.pythonPath` with `-m peer_lsp serve`; else `peer-lsp` found on `PATH`.
 * Nothing here imports `vscode`; the file system is reached through `isExecutable`, so the
 * choice is unit-tested under plain Node.
 */

import * as path from "node:path";

/** The extension's own settings (`peer.server.*`). */
export interface ServerSettings {
  readonly command: readonly string[];
  readonly pythonPath: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Where the command came from: the user's setting, the interpreter, or `PATH`. */
export type Origin = "command" | "python" | "path";

/** A way to start the server that was found. */
export interface Launch {
  readonly found: true;
  readonly origin: Origin;
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

/** No way to start the server: what was looked for, what to do, and a command that does it. */
export interface Missing extends Problem {
  readonly found: false;
  readonly origin: Origin;
  readonly looked: string;
}

/**
 * What the user is told when the server cannot run: what went wrong, what to do (a sentence),
 * and, when one shell command does it, that command (offered to copy).
 */
export interface Problem {
  readonly message: string;
  readonly fix: string;
  readonly command?: string;
}

/** The notification's text: the problem, then what to do, as sentences. */
export function problemText(problem: Problem): string {
  return `${problem.message} ${problem.fix}`;
}

/** The console script the Python package installs. */
export const SERVER_SCRIPT = "peer-lsp";

/** Not on the package index yet: installed from its repository (README, "Install"). */
export const PACKAGE = "git+https://github.com/peer-lsp/peer-lsp";

/** The command that installs the server's console script on `PATH`. */
export const INSTALL = `pipx install ${PACKAGE}`;

/** `PEER_LOG_STDERR=1` copies the server's log to stderr, which VS Code shows in the output channel. */
export const LOG_TO_STDERR: Readonly<Record<string, string>> = { PEER_LOG_STDERR: "1" };

/** The system facts the choice depends on. */
export interface System {
  readonly platform: NodeJS.Platform;
  readonly pathVariable: string;
  readonly pathExt?: string;
  isExecutable(file: string): boolean;
}

/** The first executable `program` on `PATH` (with `PATHEXT` on Windows), or undefined. */
export function findOnPath(program: string, system: System): string | undefined {
  const windows = system.platform === "win32";
  const separator = windows ? ";" : ":";
  const extensions = windows ? ["", ...(system.pathExt ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const folder of system.pathVariable.split(separator)) {
    if (!folder) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = (windows ? path.win32 : path.posix).join(folder, program + extension);
      if (system.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function resolveProgram(program: string, system: System): string | undefined {
  if (program.includes("/") || program.includes("\\")) {
    return system.isExecutable(program) ? program : undefined;
  }
  return findOnPath(program, system);
}

/** The way to start the server that the settings and the system allow. */
export function chooseLaunch(settings: ServerSettings, system: System): Launch | Missing {
  const env = { ...LOG_TO_STDERR, ...settings.env };
  const [program, ...programArgs] = settings.command;
  if (program !== undefined && program !== "") {
    const command = resolveProgram(program, system);
    if (command === undefined) {
      return {
        found: false,
        origin: "command",
        looked: program,
        message: `The server command "${program}" (setting peer.server.command) was not found.`,
        fix: `Install the server with "${INSTALL}", or correct peer.server.command.`,
        command: INSTALL,
      };
    }
    return { found: true, origin: "command", command, args: [...programArgs, ...settings.args], env };
  }
  if (settings.pythonPath !== "") {
    const python = resolveProgram(settings.pythonPath, system);
    if (python === undefined) {
      return {
        found: false,
        origin: "python",
        looked: settings.pythonPath,
        message: `The Python interpreter "${settings.pythonPath}" (setting peer.server.pythonPath) was not found.`,
        fix: "Correct peer.server.pythonPath, or clear it to use peer-lsp from PATH.",
      };
    }
    return {
      found: true,
      origin: "python",
      command: python,
      args: ["-m", "peer_lsp", "serve", ...settings.args],
      env,
    };
  }
  const script = findOnPath(SERVER_SCRIPT, system);
  if (script === undefined) {
    return {
      found: false,
      origin: "path",
      looked: SERVER_SCRIPT,
      message: `The peer language server is not installed: "${SERVER_SCRIPT}" is not on PATH.`,
      fix: `Install it with "${INSTALL}", or set peer.server.command or peer.server.pythonPath.`,
      command: INSTALL,
    };
  }
  return { found: true, origin: "path", command: script, args: [...settings.args], env };
}

/**
 * The command that installs the server where the launch expects it, for when the program
 * was found but the server did not start (e.g. the interpreter lacks the package).
 */
export function installCommand(launch: Launch): string {
  if (launch.origin === "python") {
    return `${quote(launch.command)} -m pip install ${PACKAGE}`;
  }
  return INSTALL;
}

/** The problem when the program was found but the server did not start (`reason`). */
export function startFailure(launch: Launch, reason: string): Problem {
  const command = installCommand(launch);
  return {
    message: `The peer language server did not start (${commandLine(launch)}): ${reason}`,
    fix: `If it is not installed, run: ${command}`,
    command,
  };
}

/** `launch` as one line a user could paste into a shell. */
export function commandLine(launch: Launch): string {
  return [launch.command, ...launch.args].map(quote).join(" ");
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
